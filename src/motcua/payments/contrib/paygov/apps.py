from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaygovConfig(AppConfig):
    name = "motcua.payments.contrib.paygov"
    label = "payments_paygov"
    verbose_name = _("Nền tảng thanh toán quốc gia")

    def ready(self) -> None:
        from motcua.payments.contrib.paygov import provider  # noqa: F401  (registers the provider)
