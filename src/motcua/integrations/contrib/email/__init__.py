"""The e-mail channel of the notices to applicants, through Django's mail backends (``MOTCUA_EMAIL_URL``)."""
