"""The national population database (Cơ sở dữ liệu quốc gia về dân cư): the interface, its registry, and the
prefill (issue 10; RULES.md §6: information obtainable from a connected database is not asked again).

A provider is a ``contrib`` package (``contrib.population``: ``motcua.population/1`` over HTTP, with its stand-in).
:func:`prefill` asks the first configured one, with the citizen's consent, and says which database answered, so
that the dossier filed with the data records it (``Intake.consulted_databases`` → ``DSKetNoiCSDL``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.integrations.registry import Plugin, Registry


@dataclass(frozen=True)
class Person:
    personal_id_number: str
    full_name: str
    birth_date: date | None
    address: str


class PopulationRegistry(Plugin, Protocol):
    #: the code of the database consulted, recorded on the dossier (``DSKetNoiCSDL[].MaCSDL``)
    database_code: str

    def lookup(self, personal_id_number: str, *, consent: str, given_at: datetime | None = None) -> Person | None:
        """The person, or ``None`` when unknown; ``consent`` names the citizen's recorded consent, ``given_at``
        when it was given. :class:`LookupFailed` when the registry cannot answer."""
        ...


class LookupFailed(Exception):
    """The registry could not answer (down, refused the request, spoke otherwise): the message says why."""


class NoConsent(LookupFailed):
    pass


class NotConfigured(LookupFailed):
    pass


@dataclass(frozen=True)
class Prefill:
    person: Person | None
    database_code: str


def prefill(personal_id_number: str, *, consent: str, given_at: datetime | None = None) -> Prefill:
    """The applicant's name, birth date and address from the first configured registry, and the code of the
    database consulted; :class:`NoConsent` without the citizen's consent, :class:`NotConfigured` when no registry
    is configured, :class:`LookupFailed` when it cannot answer."""
    if not consent.strip():
        raise NoConsent(_("Cần sự đồng ý của công dân để tra cứu Cơ sở dữ liệu dân cư."))
    registry = next((r for r in population_registries if r.problem() is None), None)
    if registry is None:
        raise NotConfigured(_("Chưa cấu hình kết nối Cơ sở dữ liệu dân cư."))
    person = registry.lookup(personal_id_number, consent=consent, given_at=given_at)
    return Prefill(person, registry.database_code)


population_registries: Registry[PopulationRegistry] = Registry("population", gettext_lazy("Cơ sở dữ liệu dân cư"))
