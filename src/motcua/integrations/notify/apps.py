from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "motcua.integrations.notify"
    label = "integrations_notify"
    verbose_name = _("Thông báo cho người nộp hồ sơ")
