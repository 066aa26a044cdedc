from django.apps import AppConfig


class AccessLogConfig(AppConfig):
    name = "motcua.accesslog"
    label = "accesslog"
    verbose_name = "Nhật ký truy cập"

    def ready(self) -> None:
        from motcua.accesslog import receivers  # noqa: F401  (connects the login and admin signals)
