from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"
    verbose_name = _("Thanh toán phí, lệ phí")

    def ready(self) -> None:
        """The worker reconciles open attempts (RULES.md §11) through the integrations' sweep hook; the service
        index asks whether an online gateway is configured (766 indicator 3.4) through the metrics' hook."""
        from motcua.integrations import sweeps
        from motcua.metrics import selectors as metrics
        from motcua.payments import selectors, services

        sweeps.register("payments.reconcile", services.reconcile_interval, services.reconcile)
        metrics.online_payment_configured = selectors.gateway_configured
