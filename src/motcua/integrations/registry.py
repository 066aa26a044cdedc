"""One small registry mechanism for the plugins of every edge (Open Forms style).

An edge (the national portal, notification channels, payment providers, …) defines an interface and one
``Registry``; each provider is a package ``motcua.integrations.contrib.<provider>`` (a Django app listed in
``INSTALLED_APPS``) whose module registers its class with the decorator::

    @destinations.register("webhook")
    class WebhookDestination: ...

A plugin is *available* when its app is installed and *configured* when its settings (from the environment)
are complete; only configured plugins are used, and the others are listed with the reason
(``motcua integrations``). Plugins are stateless: they read their settings when called, so a test can change
them with Django's ``settings`` fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, Protocol, TypeVar, runtime_checkable


@runtime_checkable
class Plugin(Protocol):
    """What every plugin of every edge has."""

    #: the name it is registered and configured under (also the first part of its outbox keys)
    name: str

    @property
    def label(self) -> str:
        """A Vietnamese name for administrators."""
        ...

    def problem(self) -> str | None:
        """Why it cannot be used now (a missing setting, in Vietnamese), or ``None`` when it is configured."""
        ...


PluginT = TypeVar("PluginT", bound=Plugin)


class Registry(Generic[PluginT]):
    """The plugins of one edge, by name, in the order they were registered."""

    def __init__(self, edge: str, label: str) -> None:
        self.edge = edge
        self.label = label
        self._plugins: dict[str, PluginT] = {}

    def register(self, name: str) -> Callable[[type[PluginT]], type[PluginT]]:
        """Class decorator: instantiate the plugin once and keep it under ``name``."""

        def decorator(cls: type[PluginT]) -> type[PluginT]:
            if name in self._plugins:
                raise ValueError(f"{self.edge}: a plugin named {name!r} is already registered")
            plugin = cls()
            plugin.name = name
            self._plugins[name] = plugin
            return cls

        return decorator

    def unregister(self, name: str) -> None:
        del self._plugins[name]

    def __getitem__(self, name: str) -> PluginT:
        return self._plugins[name]

    def get(self, name: str) -> PluginT | None:
        return self._plugins.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._plugins

    def __iter__(self) -> Iterator[PluginT]:
        return iter(list(self._plugins.values()))

    def __len__(self) -> int:
        return len(self._plugins)

    def configured(self) -> list[PluginT]:
        """The plugins ready to be used now."""
        return [plugin for plugin in self if plugin.problem() is None]
