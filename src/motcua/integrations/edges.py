"""Every edge of motcua and its registry, for listings (``motcua integrations``) and for checks."""

from __future__ import annotations

from motcua.integrations.destinations import destinations
from motcua.integrations.identity import identity_providers
from motcua.integrations.national_portal import national_portals
from motcua.integrations.notifications import notification_channels
from motcua.integrations.payments import payment_providers
from motcua.integrations.population import population_registries
from motcua.integrations.registry import Registry
from motcua.integrations.signing import signers

EDGES: tuple[Registry, ...] = (
    destinations,
    national_portals,
    notification_channels,
    payment_providers,
    signers,
    identity_providers,
    population_registries,
)
