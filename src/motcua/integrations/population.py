"""The national population database (Cơ sở dữ liệu quốc gia về dân cư): interface and registry only (issue 10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.utils.translation import gettext_lazy as _

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

    def lookup(self, personal_id_number: str, *, consent: str) -> Person | None:
        """The person, or ``None`` when unknown; ``consent`` names the citizen's recorded consent."""
        ...


population_registries: Registry[PopulationRegistry] = Registry("population", _("Cơ sở dữ liệu dân cư"))
