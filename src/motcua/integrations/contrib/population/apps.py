from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopulationConfig(AppConfig):
    name = "motcua.integrations.contrib.population"
    label = "integrations_population"
    verbose_name = _("Tra cứu Cơ sở dữ liệu quốc gia về dân cư")

    def ready(self) -> None:
        from motcua.integrations.contrib.population import client  # noqa: F401  (registers the registry)
