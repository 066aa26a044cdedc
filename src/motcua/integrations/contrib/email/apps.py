from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailConfig(AppConfig):
    name = "motcua.integrations.contrib.email"
    label = "integrations_email"
    verbose_name = _("Thông báo qua thư điện tử")

    def ready(self) -> None:
        from motcua.integrations.contrib.email import channel  # noqa: F401  (registers the channel and destination)
