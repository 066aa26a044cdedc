"""The citizens' portal (issue 10): local accounts (sign-up verified through the notification channels, password
reset), the citizen's own dossiers and what they may do on them, ratings of the service (RULES.md §5).

Pages are ``web.portal_pages``; this app holds the writes (``services``), the reads (``selectors``) and the outbox
destination of the one-time codes (``codes``). It sits above accounts, dossiers and integrations.
"""
