from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemoteSignerConfig(AppConfig):
    name = "motcua.integrations.contrib.remote_signer"
    label = "integrations_remote_signer"
    verbose_name = _("Ký số từ xa (người ký xác nhận trên ứng dụng)")

    def ready(self) -> None:
        from motcua.integrations.contrib.remote_signer import signer  # noqa: F401  (registers the signer)
