from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VnpayConfig(AppConfig):
    name = "motcua.payments.contrib.vnpay"
    label = "payments_vnpay"
    verbose_name = _("Cổng thanh toán VNPay")

    def ready(self) -> None:
        from motcua.payments.contrib.vnpay import provider  # noqa: F401  (registers the provider)
