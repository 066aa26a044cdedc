"""The National Public Service Portal (RULES.md §10): its client, the outbox destination that keeps every dossier
synchronised with it, and a stand-in portal (docs/components/national-portal-standin.md)."""
