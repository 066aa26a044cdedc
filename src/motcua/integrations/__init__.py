"""Everything that leaves motcua: the transactional outbox, its worker, and one plugin registry per edge.

The dossiers app never imports this one: the outbox observes the action log through
``motcua.dossiers.signals.action_logged`` (connected in ``apps.IntegrationsConfig.ready``), so the dependency
runs one way (integrations → dossiers). See docs/decisions.md and README, section "Outbox and worker".
"""
