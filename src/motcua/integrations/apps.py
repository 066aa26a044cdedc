from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "motcua.integrations"
    verbose_name = _("Kết nối, tích hợp")

    def ready(self) -> None:
        """Observe the action log: every logged action writes its outbox rows in the action's transaction."""
        from motcua.dossiers.models import DossierAction
        from motcua.dossiers.signals import action_logged
        from motcua.integrations.receivers import write_outbox_messages

        action_logged.connect(write_outbox_messages, sender=DossierAction, dispatch_uid="motcua.integrations.outbox")
