"""One registry mechanism for every edge; the webhook is a configured destination only with its settings."""

from typing import Any

import pytest

from motcua.integrations import identity, national_portal, notifications, payments, population, signing
from motcua.integrations.destinations import Destination, destinations
from motcua.integrations.edges import EDGES
from motcua.integrations.registry import Plugin, Registry


class Dummy:
    name = ""
    label = "thử"

    def problem(self) -> str | None:
        return None if self.name == "ready" else "thiếu cấu hình"


def test_a_registry_keeps_plugins_by_name_and_knows_which_are_configured() -> None:
    registry: Registry[Any] = Registry("test", "thử")
    registry.register("ready")(Dummy)
    registry.register("unset")(type("Unset", (Dummy,), {}))
    with pytest.raises(ValueError, match="already registered"):
        registry.register("ready")(Dummy)
    assert [p.name for p in registry] == ["ready", "unset"]
    assert [p.name for p in registry.configured()] == ["ready"]
    assert "ready" in registry
    assert registry.get("nothing") is None
    assert isinstance(registry["ready"], Plugin)


def test_every_edge_has_one_registry_and_one_interface() -> None:
    assert [registry.edge for registry in EDGES] == [
        "destination",
        "national_portal",
        "notification",
        "payment",
        "signing",
        "identity",
        "population",
    ]
    interfaces = [
        national_portal.NationalPortal,
        notifications.NotificationChannel,
        payments.PaymentProvider,
        signing.Signer,
        identity.IdentityProvider,
        population.PopulationRegistry,
        Destination,
    ]
    assert all(Plugin in interface.__mro__ for interface in interfaces)
    for registry in EDGES:
        for plugin in registry:
            assert isinstance(plugin, Plugin), plugin


def test_the_webhook_is_configured_by_its_environment_settings(settings: Any) -> None:
    webhook = destinations["webhook"]
    settings.MOTCUA_WEBHOOK_URL, settings.MOTCUA_WEBHOOK_SECRET = "", ""
    assert "MOTCUA_WEBHOOK_URL" in webhook.problem()
    settings.MOTCUA_WEBHOOK_URL = "https://example.invalid/hook"
    assert "MOTCUA_WEBHOOK_SECRET" in webhook.problem()
    settings.MOTCUA_WEBHOOK_SECRET = "s"
    assert webhook.problem() is None
    assert destinations.configured() == [webhook]
