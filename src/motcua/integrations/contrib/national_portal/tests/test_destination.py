"""The destination in this process against the stand-in: rows per action, the record and progress at the portal."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from motcua.integrations.contrib.national_portal.tests.conftest import Portal
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.tests.conftest import walk_dossier

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_action_writes_a_row_and_the_worker_delivers_record_then_progress(
    national_portal: Portal, commune: Any, staff: Any
) -> None:
    dossier = walk_dossier(commune, staff)
    rows = list(OutboxMessage.objects.filter(destination="national_portal").order_by("pk"))
    assert [r.idempotency_key for r in rows] == [f"national_portal:{dossier.code}:{seq}" for seq in (1, 2, 3, 4)]
    assert {r.ordering_key for r in rows} == {dossier.code}
    assert all(r.dossier_id == dossier.pk for r in rows)
    assert rows[0].payload["madonvi"] == commune.identifier
    assert rows[0].payload["record"]["TrangThaiHoSo"] == 2
    call_command("worker", until_idle=True, verbosity=0)
    assert set(OutboxMessage.objects.filter(destination="national_portal").values_list("state", flat=True)) == {
        OutboxState.DELIVERED
    }
    held = national_portal.received()["held"][dossier.code]
    assert held["record"] == rows[-1].payload["record"]
    assert held["progress"] == [r.payload["progress"][0] for r in rows]
    assert national_portal.summary()["counts"]["created"] == 1
