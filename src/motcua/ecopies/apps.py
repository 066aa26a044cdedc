from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcopiesConfig(AppConfig):
    name = "motcua.ecopies"
    verbose_name = _("Chứng thực bản sao điện tử từ bản chính")

    def ready(self) -> None:
        from motcua.ecopies import destination  # noqa: F401  (registers the outbox destination)
        from motcua.ecopies.counting import counts_from_copies
        from motcua.metrics.sources import register

        register("ecopy", counts_from_copies)  # 4.3's counters, recomputed from the copies by motcua rebuild-metrics
