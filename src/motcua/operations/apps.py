from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "motcua.operations"
    label = "operations"
    verbose_name = "Vận hành"

    def ready(self) -> None:
        from motcua.operations import checks, metrics  # noqa: F401  (registers the checks and the counters)
