from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "motcua.portal"
    label = "portal"
    verbose_name = _("Cổng dịch vụ công của tỉnh")

    def ready(self) -> None:
        from motcua.metrics.sources import register
        from motcua.portal import codes  # noqa: F401  (registers the one-time codes' outbox destination)
        from motcua.portal.counting import rating_counters

        register("rating", rating_counters)  # motcua rebuild-metrics recomputes 5.3's evaluations from the rows
