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


def test_dossiers_received_before_the_portal_was_configured_are_backfilled_once(
    settings: Any, portal: Portal, commune: Any, staff: Any
) -> None:
    early = walk_dossier(commune, staff)  # the destination is not configured: no row
    assert not OutboxMessage.objects.filter(destination="national_portal").exists()
    for name, value in portal.env().items():
        setattr(settings, name, value)
    later = walk_dossier(commune, staff, steps=1)
    call_command("national_portal_backfill", verbosity=0)
    call_command("national_portal_backfill", verbosity=0)  # twice: nothing more
    (row,) = OutboxMessage.objects.filter(dossier=early)
    assert row.idempotency_key == f"national_portal:{early.code}:4"
    assert len(row.payload["progress"]) == 4
    assert OutboxMessage.objects.filter(dossier=later).count() == 2
    call_command("worker", until_idle=True, verbosity=0)
    held = portal.received()["held"]
    assert held[early.code]["progress"] == row.payload["progress"]
    assert len(held[later.code]["progress"]) == 2


def test_the_local_practice_setting_sends_a_supplement_request_as_done(
    settings: Any, national_portal: Portal, commune: Any, staff: Any
) -> None:
    from motcua.dossiers.services import perform
    from motcua.rules.lifecycle import ActionType

    dossier = walk_dossier(commune, staff, steps=0)
    perform(dossier, ActionType.REQUEST_SUPPLEMENT, user=staff["counter"], payload={"missing": ["Bản sao giấy tờ"]})
    settings.MOTCUA_NATIONAL_PORTAL_PENDING_AS_DONE = True
    perform(dossier, ActionType.SUPPLEMENT, user=staff["counter"])
    perform(dossier, ActionType.REQUEST_SUPPLEMENT, user=staff["counter"], payload={"missing": ["Tờ khai"]})
    rows = list(OutboxMessage.objects.filter(dossier=dossier).order_by("pk"))
    assert [r.payload["record"]["TrangThaiHoSo"] for r in rows] == [
        2,
        5,
        2,
        9,
    ]  # RULES §4 (back to received); 5 → 9 when set
    assert [r.payload["progress"][0]["TrangThai"] for r in rows] == [2, 5, 2, 9]
    assert rows[1].payload["record"]["DanhSachHoSoBoSung"][0]["NoiDungBoSung"] == "Bản sao giấy tờ"
    assert len(rows[3].payload["record"]["DanhSachHoSoBoSung"]) == 2


def test_an_online_submission_counts_as_synchronised_once_its_acceptance_reaches_the_portal(
    national_portal: Portal, commune: Any, staff: Any
) -> None:
    """Indicator 1.4: the portal knowing of a submission is not yet a received dossier synchronised."""
    from zoneinfo import ZoneInfo

    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.accounts.models import User
    from motcua.dossiers.services import open_dossier, perform
    from motcua.dossiers.tests.fixtures import counter_intake, offering_of
    from motcua.integrations.contrib.national_portal.acknowledgement import counts_from_outbox
    from motcua.metrics.sources import named, stored
    from motcua.rules.lifecycle import ActionType

    offering = offering_of("2.001035", commune)
    intake = counter_intake(offering)
    intake.channel, intake.checklist = "online", []
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    intake.files = {
        d.pk: [SimpleUploadedFile(f"{d.pk}.pdf", pdf, content_type="application/pdf")]
        for d in offering.procedure.documents.all()
        if not d.condition
    }
    dossier = open_dossier(intake, user=User.objects.create_user("dan", password="x"))
    call_command("worker", until_idle=True, verbosity=0)
    assert OutboxMessage.objects.get(dossier=dossier).state == OutboxState.DELIVERED  # the submission is there
    assert stored(named("outbox")) == {}  # … but nothing was received yet
    perform(dossier, ActionType.ACCEPT, user=staff["counter"])
    perform(dossier, ActionType.FORWARD, user=staff["counter"])
    call_command("worker", until_idle=True, verbosity=0)
    dossier.refresh_from_db()
    assert list(stored(named("outbox")).values()) == [1]
    ((day, *_rest, metric),) = stored(named("outbox"))
    received_day = dossier.received_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the local day (RULES §10)
    assert (metric, day) == ("synchronised", received_day)
    assert stored(named("outbox")) == counts_from_outbox()
