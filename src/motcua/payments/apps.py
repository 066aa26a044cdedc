from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"
    verbose_name = _("Thanh toán phí, lệ phí")

    def ready(self) -> None:
        """The worker reconciles open attempts (RULES.md §11) through the integrations' sweep hook."""
        from motcua.integrations import sweeps
        from motcua.payments import services

        sweeps.register("payments.reconcile", services.reconcile_interval, services.reconcile)
