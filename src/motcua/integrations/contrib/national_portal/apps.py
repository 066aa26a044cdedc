from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalPortalConfig(AppConfig):
    name = "motcua.integrations.contrib.national_portal"
    label = "integrations_national_portal"
    verbose_name = _("Cổng Dịch vụ công quốc gia")

    def ready(self) -> None:
        from motcua.integrations.contrib.national_portal import client, destination  # noqa: F401  (registers)
        from motcua.integrations.contrib.national_portal.acknowledgement import counts_from_outbox
        from motcua.metrics.sources import register

        register("outbox", counts_from_outbox)  # 1.4's acknowledgements, recomputed by motcua rebuild-metrics
