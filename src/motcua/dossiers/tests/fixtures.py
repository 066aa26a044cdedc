"""Officers and offerings of the demo catalogue, ready for dossier tests.

A pytest plugin of the whole suite (``pytest_plugins`` in the root ``conftest.py``): the dossier, document and
workbench tests share these fixtures instead of each defining its own.
"""

from __future__ import annotations

from typing import Any

import pytest

from motcua.accounts.models import Membership, User
from motcua.catalog.models import Agency, Offering
from motcua.dossiers.services import Applicant, ChecklistItem, Intake

COMMUNE = "UBND phường Phan Đình Phùng (tỉnh Thái Nguyên)"
OTHER_COMMUNE = "UBND phường Quyết Thắng"


def officer(username: str, agency: Agency, *roles: str) -> User:
    user = User.objects.create_user(username, password="x", full_name=username)
    for role in roles:
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def commune(demo_catalog: Any) -> Agency:
    return Agency.objects.get(name=COMMUNE)


@pytest.fixture
def other_commune(demo_catalog: Any) -> Agency:
    return Agency.objects.get(name=OTHER_COMMUNE)


def staff_of(agency: Agency, prefix: str = "") -> dict[str, User]:
    """A counter officer, a specialist and a leader of ``agency`` (usernames: ``prefix`` + role)."""
    return {role: officer(f"{prefix}{role}", agency, role) for role in ("counter", "specialist", "leader")}


@pytest.fixture
def staff(commune: Agency) -> dict[str, User]:
    return staff_of(commune)


def offering_of(code: str, agency: Agency) -> Offering:
    return Offering.objects.get(procedure__code=code, agency=agency)


def counter_intake(offering: Offering, **applicant: str) -> Intake:
    """A complete counter intake: every unconditional document received as listed."""
    documents = offering.procedure.documents.all()
    checklist = [ChecklistItem(d.pk, d.form) for d in documents if not d.condition]
    person = {"type": "citizen", "name": "Nguyễn Văn An", "id_number": "019099012345"} | applicant
    return Intake(offering=offering, channel="counter", applicant=Applicant(**person), checklist=checklist)


#: A city of the two-level reorganisation's past (dissolved on 30/06/2025, RULES.md §0): it received the
#: dossiers of the 2018 regime, which the communes created on 01/07/2025 cannot have received.
OLD_CITY = "UBND thành phố Thái Nguyên"
OLD_CITY_PROCEDURE = "1.000893"


@pytest.fixture
def old_city(demo_catalog: Any) -> Agency:
    return Agency.objects.get(name=OLD_CITY)


@pytest.fixture
def old_staff(old_city: Agency) -> dict[str, User]:
    return staff_of(old_city, "old-")
