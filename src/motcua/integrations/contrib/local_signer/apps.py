from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalSignerConfig(AppConfig):
    name = "motcua.integrations.contrib.local_signer"
    label = "integrations_local_signer"
    verbose_name = _("Ký số bằng khóa PKCS#12 của cơ quan")

    def ready(self) -> None:
        from motcua.integrations.contrib.local_signer import destination, signer  # noqa: F401  (registers both)
