"""The one-stop mechanism end to end, through the services (one transaction, one action each)."""

from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier, DossierAction, DossierStep
from motcua.dossiers.projections import rebuild_state
from motcua.dossiers.services import ActionRefused, InvalidInput, NotPermitted, open_dossier, perform
from motcua.dossiers.state import state_of
from motcua.dossiers.tests.fixtures import counter_intake, offering_of
from motcua.metrics.models import DailyCount
from motcua.rules.lifecycle import ActionType
from motcua.rules.workdays import VIETNAM_TZ

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


def test_counter_intake_to_returned_result(commune: Agency, staff: dict[str, User]) -> None:
    # 2.001035: chứng thực hợp đồng, giao dịch — 2 working days; demo template 2 + 10 + 2 + 2 hours
    offering = offering_of("2.001035", commune)
    dossier = open_dossier(counter_intake(offering), user=staff["counter"], at=at(2025, 9, 5, 15, 0))
    assert dossier.code.endswith("-250905-0001")
    assert dossier.status == "received"
    assert dossier.due_at == at(2025, 9, 9, 15, 0)  # Friday 15:00 + 16 working hours
    assert dossier.current_role == "counter"
    assert dossier.regime == "2025"
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2025, 9, 5, 16, 0))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.current_role) == ("processing", "specialist")
    perform(dossier, ActionType.FORWARD, user=staff["specialist"], at=at(2025, 9, 8, 10, 0))
    perform(dossier, ActionType.APPROVE, user=staff["leader"], at=at(2025, 9, 8, 11, 0))
    result = SimpleUploadedFile("ket-qua.pdf", PDF, content_type="application/pdf")
    perform(dossier, ActionType.RECORD_RESULT, user=staff["counter"], files=[result], at=at(2025, 9, 8, 14, 0))
    perform(dossier, ActionType.MARK_RESULT_READY, user=staff["counter"], at=at(2025, 9, 8, 14, 5))
    perform(dossier, ActionType.RETURN_RESULT, user=staff["counter"], at=at(2025, 9, 8, 15, 0))
    dossier.refresh_from_db()
    assert dossier.status == "returned"
    assert dossier.outcome == "early"
    assert DossierAction.objects.filter(dossier=dossier).count() == 7
    # step dues: counter Fri 17:00; specialist (10 h from Fri 16:00) Tue 08:00; leader (2 h from Mon 10:00)
    # Mon 14:00; return (2 h from Mon 11:00) Mon 15:00 — ended Fri 16:00, Mon 10:00, Mon 11:00, Mon 15:00
    assert list(DossierStep.objects.filter(dossier=dossier).values_list("outcome", flat=True)) == [
        "on_time",
        "early",
        "on_time",
        "on_time",
    ]
    assert rebuild_state(dossier) == state_of(dossier)
    counters = dict(DailyCount.objects.filter(agency=commune, day=at(2025, 9, 8).date()).values_list("metric", "value"))
    assert counters == {"finished_early": 1, "returned": 1}
    # due Tuesday 09/09: in the open dossiers of that day while it was processed, out of them once finished
    assert DailyCount.objects.get(metric="open_by_due_day", day=at(2025, 9, 9).date()).value == 0


def test_refused_action_is_409_and_changes_nothing(commune: Agency, staff: dict[str, User]) -> None:
    offering = offering_of("2.001035", commune)
    dossier = open_dossier(counter_intake(offering), user=staff["counter"], at=at(2025, 9, 5, 9, 0))
    with pytest.raises(ActionRefused, match="Trả kết quả"):
        perform(dossier, ActionType.RETURN_RESULT, user=staff["counter"], at=at(2025, 9, 5, 10, 0))
    with pytest.raises(NotPermitted):
        perform(dossier, ActionType.FORWARD, user=staff["leader"], at=at(2025, 9, 5, 10, 0))
    assert DossierAction.objects.filter(dossier=dossier).count() == 1


def test_missing_documents_and_bad_ids_write_nothing(commune: Agency, staff: dict[str, User]) -> None:
    offering = offering_of("1.001193", commune)
    intake = counter_intake(offering)
    intake.checklist = intake.checklist[:-1]
    with pytest.raises(InvalidInput, match="Thiếu thành phần hồ sơ"):
        open_dossier(intake, user=staff["counter"])
    with pytest.raises(InvalidInput) as caught:
        open_dossier(counter_intake(offering, id_number="12345"), user=staff["counter"])
    assert caught.value.field == "applicant.id_number"
    with pytest.raises(InvalidInput) as caught:
        open_dossier(counter_intake(offering, email="an@"), user=staff["counter"])
    assert caught.value.field == "applicant.email"
    assert Dossier.objects.count() == 0


def test_supplement_pauses_the_clock(commune: Agency, staff: dict[str, User]) -> None:
    offering = offering_of("2.001035", commune)
    dossier = open_dossier(counter_intake(offering), user=staff["counter"], at=at(2025, 9, 8, 8, 0))
    due = dossier.due_at
    perform(
        dossier,
        ActionType.REQUEST_SUPPLEMENT,
        user=staff["counter"],
        payload={"missing": ["Bản sao CCCD"]},
        at=at(2025, 9, 8, 9, 0),
    )
    perform(dossier, ActionType.SUPPLEMENT, user=staff["counter"], at=at(2025, 9, 9, 9, 0))  # 8 working hours later
    dossier.refresh_from_db()
    assert dossier.status == "received"
    assert dossier.paused_seconds == 8 * 3600
    assert dossier.due_at == at(2025, 9, 11, 8, 0) == due.replace(day=11)


def test_idempotent_replay_writes_nothing(commune: Agency, staff: dict[str, User]) -> None:
    offering = offering_of("2.001035", commune)
    first = open_dossier(counter_intake(offering), user=staff["counter"], idempotency_key="k-1")
    second = open_dossier(counter_intake(offering), user=staff["counter"], idempotency_key="k-1")
    assert first.pk == second.pk
    assert Dossier.objects.count() == 1
    perform(first, ActionType.FORWARD, user=staff["counter"], idempotency_key="k-2")
    perform(first, ActionType.FORWARD, user=staff["counter"], idempotency_key="k-2")
    assert DossierAction.objects.count() == 2


def test_uploads_are_checked_by_content(commune: Agency, staff: dict[str, User], settings: Any) -> None:
    offering = offering_of("2.001035", commune)
    intake = counter_intake(offering)
    document = offering.procedure.documents.first()
    intake.files = {
        document.pk: [SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")]
    }
    with pytest.raises(InvalidInput, match="không phải PDF"):
        open_dossier(intake, user=staff["counter"])
    settings.MOTCUA_MAX_UPLOAD_BYTES = 10
    intake.files = {document.pk: [SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")]}
    with pytest.raises(InvalidInput, match="quá lớn"):
        open_dossier(intake, user=staff["counter"])
    assert Dossier.objects.count() == 0
