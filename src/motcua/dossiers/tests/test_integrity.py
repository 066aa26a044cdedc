"""Issue 8's defects of the dossier core, each a regression test that failed before its fix.

The log is the whole truth (a changed calendar does not rewrite running dossiers, the rebuild repairs rows,
steps and counters and says when it found differences), the lifecycle's guards hold (no withdrawal after
the decision, an incomplete dossier gets its request to supplement before acceptance, only receivable
offerings are received, only the head of the resolving agency stops a dossier), and the system actor acts
only where the table lets it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from motcua.accounts.models import User
from motcua.calendars.models import CalendarOverride, OverrideKind
from motcua.catalog.models import Agency, Offering, ProcedureStatus
from motcua.dossiers.models import Dossier, DossierAction, DossierStep
from motcua.dossiers.printing import form_html
from motcua.dossiers.projections import mismatched_dossiers, rebuild_state, reschedule, stored_counters
from motcua.dossiers.services import (
    ActionRefused,
    InvalidInput,
    NotPermitted,
    open_dossier,
    perform,
    perform_as_system,
)
from motcua.dossiers.state import state_of
from motcua.dossiers.tests.fixtures import COMMUNE, counter_intake, offering_of
from motcua.metrics.models import DailyCount
from motcua.rules.lifecycle import ActionType
from motcua.rules.workdays import VIETNAM_TZ
from motcua.testing import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


def received(commune: Agency, staff: dict[str, User], when: datetime, code: str = "2.001035") -> Dossier:
    return open_dossier(counter_intake(offering_of(code, commune)), user=staff["counter"], at=when)


# --------------------------------------------------------------------------------------------------
# the state is a function of the log


def test_a_day_off_declared_later_does_not_rewrite_running_dossiers(commune: Agency, staff: dict[str, User]) -> None:
    # received Friday 05/09/2025 15:00, 2 working days: due Tuesday 09/09 15:00
    dossier = received(commune, staff, at(2025, 9, 5, 15, 0))
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2025, 9, 5, 16, 0))
    dossier.refresh_from_db()
    assert dossier.due_at == at(2025, 9, 9, 15, 0)
    CalendarOverride.objects.create(day=date(2025, 9, 8), kind=OverrideKind.DAY_OFF, reason="Nghỉ bù")
    # the dossier keeps the deadlines it was given: its log folds to its row, whatever the calendar says now
    assert mismatched_dossiers() == []
    assert rebuild_state(dossier) == state_of(dossier)
    # the new calendar reaches it only through an explicit, logged action
    [change] = reschedule()
    assert (change.code, change.old_due_at, change.due_at) == (
        dossier.code,
        at(2025, 9, 9, 15, 0),
        at(2025, 9, 10, 15, 0),
    )
    assert DossierAction.objects.filter(dossier=dossier).count() == 2  # listing writes nothing
    reschedule(apply=True)
    dossier.refresh_from_db()
    assert dossier.due_at == at(2025, 9, 10, 15, 0)
    last = dossier.actions.order_by("seq").last()
    assert (last.type, last.actor_role, last.actor, last.system_actor) == ("reschedule", "system", None, "scheduler")
    assert mismatched_dossiers() == []
    assert reschedule() == []  # applied once, nothing left to do


def test_rebuild_repairs_the_row_and_the_control_sheet_and_says_so(commune: Agency, staff: dict[str, User]) -> None:
    dossier = received(commune, staff, at(2025, 9, 5, 15, 0))
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2025, 9, 5, 16, 0))
    DossierStep.objects.filter(dossier=dossier, seq=1).update(outcome="late")  # the sheet tampered with
    Dossier.objects.filter(pk=dossier.pk).update(supplement_requests=3)  # and the row
    DailyCount.objects.filter(metric="received").update(value=7)  # and the counters
    with pytest.raises(SystemExit) as check:
        call_command("rebuild_dossiers")
    assert check.value.code == 1
    with pytest.raises(SystemExit) as fixed:
        call_command("rebuild_dossiers", "--fix")
    assert fixed.value.code == 1  # it found differences (and repaired them)
    dossier.refresh_from_db()
    assert DossierStep.objects.get(dossier=dossier, seq=1).outcome == "on_time"
    assert dossier.supplement_requests == 0
    assert sum(value for key, value in stored_counters().items() if key[4] == "received") == 1
    call_command("rebuild_dossiers")  # converged: exits normally
    call_command("rebuild_metrics", "--check")


def test_rebuild_metrics_check_exits_non_zero_on_differences(commune: Agency, staff: dict[str, User]) -> None:
    received(commune, staff, at(2025, 9, 5, 15, 0))
    DailyCount.objects.filter(metric="received").update(value=0)
    with pytest.raises(SystemExit) as check:
        call_command("rebuild_metrics", "--check")
    assert check.value.code == 1


# --------------------------------------------------------------------------------------------------
# lifecycle guards


def test_no_withdrawal_after_the_leaders_decision(commune: Agency, staff: dict[str, User]) -> None:
    dossier = received(commune, staff, at(2025, 9, 5, 9, 0))
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2025, 9, 5, 10, 0))
    perform(dossier, ActionType.FORWARD, user=staff["specialist"], at=at(2025, 9, 5, 11, 0))
    perform(dossier, ActionType.APPROVE, user=staff["leader"], at=at(2025, 9, 5, 14, 0))
    with pytest.raises(ActionRefused, match="đã có quyết định"):
        perform(dossier, ActionType.WITHDRAW, user=staff["counter"], payload={"reason": "x"}, at=at(2025, 9, 5, 15))
    assert DossierAction.objects.filter(dossier=dossier).count() == 4


def test_only_the_head_of_the_resolving_agency_stops_a_dossier(commune: Agency, staff: dict[str, User]) -> None:
    dossier = received(commune, staff, at(2025, 9, 8, 8, 0))
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2025, 9, 8, 9, 0))  # a specialist holds it
    with pytest.raises(NotPermitted):
        perform(dossier, ActionType.STOP, user=staff["counter"], payload={"reason": "x"}, at=at(2025, 9, 8, 10))
    staff["leader"].full_name = "Trần Văn Trưởng"
    staff["leader"].save()
    perform(dossier, ActionType.STOP, user=staff["leader"], payload={"reason": "Dừng"}, at=at(2025, 9, 8, 10))
    dossier.refresh_from_db()
    html = form_html(dossier, "stop_notice")
    assert "THỦ TRƯỞNG CƠ QUAN" in html
    assert "Trần Văn Trưởng" in html  # the head signs, under the head's title


def test_a_withdrawal_notice_does_not_print_the_counter_officer_under_the_heads_title(
    commune: Agency, staff: dict[str, User]
) -> None:
    staff["counter"].full_name = "Nguyễn Thị Quầy"
    staff["counter"].save()
    dossier = received(commune, staff, at(2025, 9, 8, 8, 0))
    perform(dossier, ActionType.WITHDRAW, user=staff["counter"], payload={"reason": "Rút"}, at=at(2025, 9, 8, 9))
    dossier.refresh_from_db()
    html = form_html(dossier, "stop_notice")
    assert "Nguyễn Thị Quầy" not in html
    assert dossier.resolving_agency.name.upper() in html.upper()


def test_an_incomplete_counter_intake_gets_its_supplement_request_before_acceptance(
    commune: Agency, staff: dict[str, User]
) -> None:
    offering = offering_of("1.001193", commune)
    intake = counter_intake(offering)
    missing_name = offering.procedure.documents.get(pk=intake.checklist[-1].document_id).name
    intake.checklist = intake.checklist[:-1]
    intake.incomplete, intake.missing = True, ["Bản sao sổ hộ khẩu"]
    dossier = open_dossier(intake, user=staff["counter"], at=at(2025, 9, 8, 8, 0))
    assert dossier.status == "awaiting_supplement"
    assert (dossier.received_at, dossier.due_at) == (None, None)  # the clock has not started
    html = form_html(dossier, "supplement_request")
    assert missing_name[:40] in html
    assert "Bản sao sổ hộ khẩu" in html
    with pytest.raises(Exception, match="chưa được tiếp nhận"):
        form_html(dossier, "receipt")
    perform(dossier, ActionType.SUPPLEMENT, user=staff["counter"], at=at(2025, 9, 9, 8, 0))
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    checklist = [{"document_id": i.document_id, "form": i.form} for i in counter_intake(offering).checklist]
    with pytest.raises(InvalidInput, match="Thiếu thành phần"):  # the desk accepts only a complete dossier
        perform(dossier, ActionType.ACCEPT, user=staff["counter"], payload={"checklist": checklist[:-1]})
    perform(dossier, ActionType.ACCEPT, user=staff["counter"], payload={"checklist": checklist}, at=at(2025, 9, 9, 9))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.received_at) == ("received", at(2025, 9, 9, 9, 0))
    assert dossier.supplement_requests == 0  # a request before acceptance does not make the dossier late
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in form_html(dossier, "receipt")
    assert rebuild_state(dossier) == state_of(dossier)


def test_a_complete_dossier_is_not_registered_as_incomplete(commune: Agency, staff: dict[str, User]) -> None:
    intake = counter_intake(offering_of("1.001193", commune))
    intake.incomplete = True
    with pytest.raises(InvalidInput, match="đã đủ thành phần"):
        open_dossier(intake, user=staff["counter"])
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(
    "change",
    [
        "draft",
        "expired",
        "dissolved",
        "inactive",
    ],
)
def test_intake_refuses_what_cannot_be_received_today(commune: Agency, staff: dict[str, User], change: str) -> None:
    offering = offering_of("2.001035", commune)
    procedure = offering.procedure
    if change == "draft":
        procedure.status = ProcedureStatus.DRAFT
        procedure.save()
    elif change == "expired":
        procedure.valid_to = timezone.localdate() - timedelta(days=1)
        procedure.save()
    elif change == "dissolved":
        Agency.objects.filter(pk=commune.pk).update(valid_to=timezone.localdate() - timedelta(days=1))
    else:
        Offering.objects.filter(pk=offering.pk).update(active=False)
    offering = Offering.objects.get(pk=offering.pk)
    with pytest.raises(InvalidInput):
        open_dossier(counter_intake(offering), user=staff["counter"])
    assert Dossier.objects.count() == 0


def test_the_counter_is_offered_only_what_it_can_receive(commune: Agency, staff: dict[str, User]) -> None:
    from django.test import Client

    client = Client()
    sign_in(client, staff["counter"])
    page = client.get("/workbench/intake/").content.decode()
    assert "Thủ tục đăng ký khai sinh" in page
    # marriage registration at this ward has no processing time in the catalogue: it cannot be received
    assert "Thủ tục đăng ký kết hôn" not in page
    marriage = offering_of("1.000894", commune)
    assert client.get(f"/workbench/intake/{marriage.pk}/").status_code == 404
    assert Offering.objects.filter(agency__name=COMMUNE).count() == 19


def test_ending_actions_ask_for_confirmation_in_the_workbench(commune: Agency, staff: dict[str, User]) -> None:
    from django.test import Client

    dossier = received(commune, staff, at(2025, 9, 8, 8, 0))
    client = Client()
    sign_in(client, staff["counter"])
    page = client.get(f"/workbench/dossiers/{dossier.code}/").content.decode()
    assert "withdraw-confirm" in page
    unconfirmed = client.post(
        f"/workbench/dossiers/{dossier.code}/actions/withdraw/",
        {"withdraw-idempotency_key": "w1", "withdraw-reason": "Rút"},
        follow=True,
    )
    assert "Tôi xác nhận" in unconfirmed.content.decode()
    assert DossierAction.objects.filter(dossier=dossier).count() == 1
    client.post(
        f"/workbench/dossiers/{dossier.code}/actions/withdraw/",
        {"withdraw-idempotency_key": "w2", "withdraw-reason": "Rút", "withdraw-confirm": "on"},
    )
    dossier.refresh_from_db()
    assert dossier.status == "withdrawn"


# --------------------------------------------------------------------------------------------------
# the system actor


def test_the_system_actor_acts_only_where_the_table_lets_it(commune: Agency, staff: dict[str, User]) -> None:
    dossier = received(commune, staff, at(2025, 9, 8, 8, 0))
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2025, 9, 8, 9, 0))
    perform(dossier, ActionType.REQUEST_PAYMENT, user=staff["specialist"], at=at(2025, 9, 8, 10, 0))
    dossier.refresh_from_db()
    assert dossier.status == "awaiting_payment"
    # a payment gateway's confirmation: the system records the payment; a repeated callback acts once
    for _ in range(2):
        perform_as_system(
            dossier,
            ActionType.RECORD_PAYMENT,
            component="payment:test",
            payload={"amount_vnd": 50000},
            idempotency_key="callback-1",
            at=at(2025, 9, 8, 11, 0),
        )
    dossier.refresh_from_db()
    assert dossier.status == "processing"
    assert DossierAction.objects.filter(dossier=dossier, type="record_payment").count() == 1
    with pytest.raises(NotPermitted):  # the system forwards nothing
        perform_as_system(dossier, ActionType.FORWARD, component="payment:test", payload={})
    with pytest.raises(NotPermitted):  # and only the system reschedules
        perform(dossier, ActionType.RESCHEDULE, user=staff["leader"], payload={})
    assert rebuild_state(dossier) == state_of(dossier)


def test_a_result_file_is_kept_with_the_action_that_records_it(commune: Agency, staff: dict[str, User]) -> None:
    dossier = received(commune, staff, at(2025, 9, 8, 8, 0))
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2025, 9, 8, 9, 0))
    perform(dossier, ActionType.FORWARD, user=staff["specialist"], at=at(2025, 9, 8, 10, 0))
    perform(dossier, ActionType.APPROVE, user=staff["leader"], at=at(2025, 9, 8, 11, 0))
    result = SimpleUploadedFile("kq.pdf", PDF, content_type="application/pdf")
    perform(dossier, ActionType.RECORD_RESULT, user=staff["counter"], files=[result], at=at(2025, 9, 8, 14, 0))
    action = dossier.actions.get(type="record_result")
    assert action.payload["documents"] == [dossier.documents.get(kind="result").pk]


def test_the_admin_lists_offerings_that_cannot_be_received_and_why(commune: Agency) -> None:
    from django.test import Client

    admin = User.objects.create_superuser("root", password="x")
    client = Client()
    sign_in(client, admin)
    page = client.get("/admin/catalog/offering/", {"receivable": "no", "agency__id__exact": commune.pk})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Thủ tục đăng ký kết hôn" in text
    assert "chưa có thời hạn giải quyết xác định" in text
    assert "Thủ tục đăng ký khai sinh" not in text
    receivable = client.get("/admin/catalog/offering/", {"receivable": "yes", "agency__id__exact": commune.pk})
    assert "Thủ tục đăng ký khai sinh" in receivable.content.decode()


# --------------------------------------------------------------------------------------------------
# the catalogue changes, the dossier's history does not


def test_a_catalogue_reimport_does_not_rewrite_what_a_dossier_received(
    commune: Agency, staff: dict[str, User], demo_catalog: dict
) -> None:
    from motcua.catalog.interchange import load_catalog
    from motcua.catalog.models import RequiredDocument

    offering = offering_of("1.001193", commune)
    intake = counter_intake(offering)
    first = offering.procedure.documents.get(pk=intake.checklist[0].document_id)
    scan = SimpleUploadedFile("giay-chung-sinh.pdf", PDF, content_type="application/pdf")
    intake.files = {first.pk: [scan]}
    dossier = open_dossier(intake, user=staff["counter"], at=at(2025, 9, 8, 8, 0))
    before = form_html(dossier, "receipt")
    assert first.name in before
    # the national catalogue is published again: the first document renamed, the rest unchanged
    data = demo_catalog
    record = next(p for p in data["procedures"] if p["code"] == "1.001193")
    record["documents"][0]["name"] = "Giấy chứng sinh (bản điện tử hoặc bản giấy) — tên mới"
    load_catalog(data)
    assert RequiredDocument.all_objects.get(pk=first.pk).retired_at is not None  # kept, not deleted
    dossier = Dossier.objects.get(pk=dossier.pk)
    after = form_html(dossier, "receipt")
    assert first.name in after
    assert "tên mới" not in after
    assert "không còn trong danh mục" not in after
    assert dossier.documents.get().required_document_id == first.pk  # the link holds
