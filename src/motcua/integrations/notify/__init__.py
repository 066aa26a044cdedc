"""Notices to applicants: what an action tells them, in Vietnamese, on each configured channel.

``rules.notices`` decides which actions concern the applicant; ``context`` gathers what a message may say;
``templates`` renders the admin's template (or the default of ``defaults``) in a sandbox; ``destination`` is
the outbox destination each channel registers under its own name. Channels are ``contrib/email`` and
``contrib/sms`` (``integrations.notifications``).
"""
