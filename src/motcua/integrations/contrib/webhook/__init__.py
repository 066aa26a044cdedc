"""The webhook destination: every dossier action POSTed as signed JSON to ``MOTCUA_WEBHOOK_URL``.

Component documentation: docs/components/webhook-standin.md (the stand-in receiver) and README.
"""
