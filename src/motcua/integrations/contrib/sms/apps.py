from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    name = "motcua.integrations.contrib.sms"
    label = "integrations_sms"
    verbose_name = _("Thông báo qua tin nhắn SMS")

    def ready(self) -> None:
        from motcua.integrations.contrib.sms import channel  # noqa: F401  (registers the channel and destination)
