from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OidcConfig(AppConfig):
    name = "motcua.integrations.contrib.oidc"
    label = "integrations_oidc"
    verbose_name = _("Đăng nhập bằng OpenID Connect (VNeID)")

    def ready(self) -> None:
        from motcua.integrations.contrib.oidc import provider  # noqa: F401  (registers the identity provider)
