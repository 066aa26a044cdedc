from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "motcua.signatures"
    label = "signatures"
    verbose_name = _("Chữ ký số, kết quả điện tử")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.signatures.into_store import connect

        connect()
