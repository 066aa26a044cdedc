from __future__ import annotations

from typing import Any

import pytest

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.tests.fixtures import officer

PROVINCE_OFFICE = "Văn phòng UBND tỉnh Thái Nguyên"
FINANCE = "Sở Tài chính tỉnh Thái Nguyên"


@pytest.fixture
def reformer(demo_catalog: Any) -> User:
    return officer("cchc", Agency.objects.get(name=PROVINCE_OFFICE), "reform")


@pytest.fixture
def finance_leader(demo_catalog: Any) -> User:
    return officer("ld-stc", Agency.objects.get(name=FINANCE), "leader")
