from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "motcua.portal"
    label = "portal"
    verbose_name = _("Cổng dịch vụ công của tỉnh")

    def ready(self) -> None:
        from motcua.portal import codes  # noqa: F401  (registers the one-time codes' outbox destination)
