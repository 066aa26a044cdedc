from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounterConfig(AppConfig):
    name = "motcua.payments.contrib.counter"
    label = "payments_counter"
    verbose_name = _("Thu tại quầy")

    def ready(self) -> None:
        from motcua.payments.contrib.counter import provider  # noqa: F401  (registers the provider)
