"""What each action tells the applicant, on each channel: the rows written in the action's transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from motcua.dossiers.services import perform
from motcua.integrations.destinations import destinations
from motcua.integrations.models import OutboxMessage
from motcua.integrations.notify.models import NotificationTemplate
from motcua.integrations.notify.tests.conftest import (
    EMAIL,
    MISSING,
    REASONS,
    at,
    last_row,
    receive,
    rows_of,
    set_fees,
    to_result,
)
from motcua.rules.lifecycle import ActionType

pytestmark = pytest.mark.usefixtures("channels")


def test_received_says_code_appointment_and_tracking_link(commune: Any, staff: Any) -> None:
    dossier = receive(commune, staff)
    [email] = rows_of(dossier, "email")
    [sms] = rows_of(dossier, "sms")
    assert email.idempotency_key == f"email:{dossier.code}:1"
    assert sms.idempotency_key == f"sms:{dossier.code}:1"
    assert email.event == "notice.received"
    assert email.ordering_key == email.idempotency_key  # a notice is a message of its own
    p = email.payload
    assert p["to"] == EMAIL
    assert p["subject"] == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert "Kính gửi Nguyễn Văn An" in p["body"]
    assert "đã được tiếp nhận lúc 09:15 ngày 01/12/2026" in p["body"]
    # 2 working days from Tuesday 09:15: Thursday 09:15 (the appointment the dossier row holds)
    dossier.refresh_from_db()
    assert dossier.appointment_at == at(2026, 12, 3, 9, 15)
    assert "Ngày hẹn trả kết quả: 09:15 ngày 03/12/2026" in p["body"]
    assert f"Tra cứu hồ sơ: https://motcua.thainguyen.gov.vn/track/{dossier.code}/" in p["body"]
    assert p["template"] == "admin"  # the seeded row
    # the SMS: one line, without diacritics, to the E.164 number
    assert sms.payload["to"] == "+84912345678"
    assert sms.payload["body"] == (
        f"Ho so {dossier.code} da duoc tiep nhan. Hen tra ket qua: 09:15 ngay 03/12/2026. "
        f"Tra cuu: https://motcua.thainguyen.gov.vn/track/{dossier.code}/"
    )


def test_supplement_request_lists_everything_missing(commune: Any, staff: Any) -> None:
    dossier = receive(commune, staff)
    perform(dossier, ActionType.REQUEST_SUPPLEMENT, user=staff["counter"], payload={"missing": MISSING}, note="Gấp")
    row = last_row(dossier)
    assert row.idempotency_key == f"email:{dossier.code}:2"
    assert row.payload["subject"] == f"Hồ sơ {dossier.code}: đề nghị bổ sung, hoàn thiện"
    body = row.payload["body"]
    assert "Đề nghị ông/bà bổ sung các giấy tờ sau:\n- " + MISSING[0] + "\n- " + MISSING[1] + "\n" in body
    assert "Ghi chú: Gấp" in body
    sms = last_row(dossier, "sms").payload["body"]
    assert "can bo sung: Ban sao giay chung nhan quyen su dung dat; Van ban uy quyen co cong chung." in sms


def test_refusal_gives_the_reasons(commune: Any, staff: Any) -> None:
    dossier = receive(commune, staff)
    perform(dossier, ActionType.REFUSE, user=staff["counter"], payload={"reasons": REASONS})
    row = last_row(dossier)
    assert row.event == "notice.refused"
    assert f"(mã {dossier.code}) không được tiếp nhận vì:\n- {REASONS[0]}" in row.payload["body"]
    assert "Ly do: Ho so khong thuoc tham quyen giai quyet cua UBND phuong" in last_row(dossier, "sms").payload["body"]


def test_result_ready_says_where_to_collect_and_returned_thanks(commune: Any, staff: Any) -> None:
    dossier = receive(commune, staff)
    to_result(dossier, staff)
    # forward, forward, approve and record_result concern the applicant not: only 1 (received) and 6 (ready)
    assert [r.idempotency_key.rsplit(":", 1)[1] for r in rows_of(dossier)] == ["1", "6"]
    row = last_row(dossier)
    assert row.event == "notice.result_ready"
    assert f"Ông/bà nhận kết quả tại {dossier.receiving_agency.name}" in row.payload["body"]
    assert "/my/" not in row.payload["body"]  # received at the counter: nothing to see online
    perform(dossier, ActionType.RETURN_RESULT, user=staff["counter"], at=at(2026, 12, 1, 11, 0))
    assert last_row(dossier).payload["subject"] == f"Hồ sơ {dossier.code} đã trả kết quả"


def test_apology_gives_the_reason_and_the_new_appointment(commune: Any, staff: Any) -> None:
    dossier = receive(commune, staff)
    perform(
        dossier,
        ActionType.APOLOGISE,
        user=staff["leader"],
        payload={"reason": "Chờ kết quả xác minh", "new_appointment": at(2026, 12, 8, 16, 30)},
        at=at(2026, 12, 1, 10, 0),
    )
    body = last_row(dossier).payload["body"]
    assert f"{dossier.resolving_agency.name} xin lỗi ông/bà" in body
    assert "Lý do: Chờ kết quả xác minh\nNgày hẹn trả kết quả mới: 16:30 ngày 08/12/2026" in body
    assert "Hen tra moi: 16:30 ngay 08/12/2026." in last_row(dossier, "sms").payload["body"]


def test_payment_request_gives_the_amount_and_how_to_pay(commune: Any, staff: Any) -> None:
    set_fees(commune)
    dossier = receive(commune, staff)
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2026, 12, 1, 10, 0))
    perform(dossier, ActionType.REQUEST_PAYMENT, user=staff["specialist"], at=at(2026, 12, 1, 10, 30))
    body = last_row(dossier).payload["body"]
    assert "thực hiện nghĩa vụ tài chính: 1.250.000 đồng." in body
    assert "- Lệ phí chứng thực hợp đồng: 50.000 đồng\n- Phí sao y: 1.200.000 đồng\n" in body
    assert f"Ông/bà nộp tại {dossier.receiving_agency.name}" in body
    assert "nop phi, le phi 1.250.000 dong tai" in last_row(dossier, "sms").payload["body"]


def test_a_conditional_fee_gives_no_total(commune: Any, staff: Any) -> None:
    dossier = receive(commune, staff)  # the catalogue's fee: 50,000 đồng, with an exemption
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2026, 12, 1, 10, 0))
    perform(dossier, ActionType.REQUEST_PAYMENT, user=staff["specialist"], at=at(2026, 12, 1, 10, 30))
    body = last_row(dossier).payload["body"]
    assert "thực hiện nghĩa vụ tài chính.\n- Phí chứng thực giao dịch: 50.000 đồng (hộ/cá nhân vay vốn" in body


def test_stop_gives_the_reason(commune: Any, staff: Any) -> None:
    dossier = receive(commune, staff)
    perform(dossier, ActionType.STOP, user=staff["leader"], payload={"reason": "Có tranh chấp về tài sản"})
    assert "Lý do: Có tranh chấp về tài sản" in last_row(dossier).payload["body"]


def test_an_applicant_without_email_or_phone_gets_no_row(commune: Any, staff: Any) -> None:
    nobody = receive(commune, staff, email="", phone="")
    phone_only = receive(commune, staff, email="")
    not_a_mobile = receive(commune, staff, phone="0208 3855 123")  # a fixed line of Thái Nguyên
    for dossier in (nobody, phone_only, not_a_mobile):
        perform(dossier, ActionType.REQUEST_SUPPLEMENT, user=staff["counter"], payload={"missing": MISSING})
    assert not OutboxMessage.objects.filter(dossier=nobody).exists()
    assert [r.destination for r in OutboxMessage.objects.filter(dossier=phone_only)] == ["sms", "sms"]
    assert {r.destination for r in OutboxMessage.objects.filter(dossier=not_a_mobile)} == {"email"}


def test_unconfigured_channels_write_nothing(settings: Any, commune: Any, staff: Any) -> None:
    settings.MOTCUA_EMAIL_URL = ""
    settings.MOTCUA_SMS_TOKEN = ""
    dossier = receive(commune, staff)
    assert not OutboxMessage.objects.filter(dossier=dossier).exists()
    assert destinations["email"].problem() == "Chưa cấu hình: biến môi trường MOTCUA_EMAIL_URL chưa được đặt."


def test_the_text_is_fixed_in_the_actions_transaction(commune: Any, staff: Any) -> None:
    """A template edited after the action does not change what its row sends; one rolled back leaves no row."""
    dossier = receive(commune, staff)
    NotificationTemplate.objects.filter(notice="received", channel="email").update(body="Mới: {{ code }}")
    assert "Kính gửi" in last_row(dossier).payload["body"]

    def refuse_then_fail() -> None:
        with transaction.atomic():
            perform(dossier, ActionType.REFUSE, user=staff["counter"], payload={"reasons": REASONS})
            raise RuntimeError("the caller fails after the action")

    with pytest.raises(RuntimeError):
        refuse_then_fail()
    assert len(rows_of(dossier)) == 1


def test_the_email_is_sent_as_rendered_through_the_locmem_backend(commune: Any, staff: Any) -> None:
    dossier = receive(commune, staff)
    row = last_row(dossier)
    answer = destinations["email"].deliver(row)
    [sent] = mail.outbox
    assert sent.to == [EMAIL]
    assert (sent.subject, sent.body) == (row.payload["subject"], row.payload["body"])
    assert sent.extra_headers["Message-ID"] == f"<email.{dossier.code}.1@motcua.local>"
    assert sent.extra_headers["X-Motcua-Key"] == row.idempotency_key
    assert answer == f"memory: <email.{dossier.code}.1@motcua.local>"
