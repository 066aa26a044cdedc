from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "motcua.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self) -> None:
        from motcua.accounts import middleware  # noqa: F401  (connects the login's timestamp to user_logged_in)
