from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhookConfig(AppConfig):
    name = "motcua.integrations.contrib.webhook"
    label = "integrations_webhook"
    verbose_name = _("Webhook sự kiện hồ sơ")

    def ready(self) -> None:
        from motcua.integrations.contrib.webhook import destination  # noqa: F401  (registers the plugin)
