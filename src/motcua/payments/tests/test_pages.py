"""What users see: the officer's payment section, the counter with its printed receipt, refunds, the queue's
column; the citizen's pay panel and its e-receipt."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier, DossierAction
from motcua.dossiers.services import open_dossier
from motcua.dossiers.tests.fixtures import counter_intake, offering_of
from motcua.payments import selectors, services
from motcua.payments.contrib.vnpay.standin import VnpayServer
from motcua.payments.models import Payment
from motcua.payments.tests.conftest import FEE_PROCEDURE
from motcua.testing import sign_in


def logged_in(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_counter_payment_with_a_receipt_number_and_its_printed_receipt(
    fee_dossier: Dossier, staff: dict[str, User]
) -> None:
    client = logged_in(staff["counter"])
    page = client.get(f"/workbench/dossiers/{fee_dossier.code}/")
    assert page.status_code == 200
    assert "2.000 đ" in page.content.decode()
    missing = client.post(f"/payments/dossiers/{fee_dossier.code}/counter", {"receipt_number": "", "method": "cash"})
    assert missing.status_code == 302
    assert Payment.objects.count() == 0
    done = client.post(
        f"/payments/dossiers/{fee_dossier.code}/counter", {"receipt_number": "BL-0001", "method": "cash"}
    )
    assert done.status_code == 302
    payment = Payment.objects.get()
    assert (payment.provider, payment.state, payment.amount_vnd, payment.receipt_number) == (
        "counter",
        "succeeded",
        2000,
        "BL-0001",
    )
    (action,) = DossierAction.objects.filter(dossier=fee_dossier, type="record_payment")
    assert (action.actor, action.actor_role, action.payload["receipt_number"]) == (
        staff["counter"],
        "counter",
        "BL-0001",
    )
    pdf = client.get(f"/payments/{payment.reference}/receipt.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    html = render_to_string("payments/receipt.html", {"payment": payment, "dossier": fee_dossier})
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in html
    again = client.post(f"/payments/dossiers/{fee_dossier.code}/counter", {"receipt_number": "BL-2", "method": "cash"})
    assert again.status_code == 302
    assert Payment.objects.count() == 1  # paid already
    queue = client.get("/workbench/").content.decode()
    assert "Đã thanh toán" in queue


def test_a_specialist_cannot_take_cash_and_only_the_resolving_leader_refunds(
    fee_dossier: Dossier, staff: dict[str, User]
) -> None:
    specialist = logged_in(staff["specialist"])
    specialist.post(f"/payments/dossiers/{fee_dossier.code}/counter", {"receipt_number": "BL-9", "method": "cash"})
    assert Payment.objects.count() == 0  # the transition table: the desk records a payment
    payment = services.record_counter_payment(fee_dossier, staff["counter"], receipt_number="BL-1", method="card")
    logged_in(staff["counter"]).post(f"/payments/{payment.reference}/refund", {"reason": "nhầm", "confirm": "1"})
    assert Payment.objects.get().state == "succeeded"
    leader = logged_in(staff["leader"])
    assert "Hoàn tiền" in leader.get(f"/workbench/dossiers/{fee_dossier.code}/").content.decode()
    page = leader.get(f"/workbench/dossiers/{fee_dossier.code}/").content.decode()
    assert "Tôi xác nhận hoàn tiền giao dịch này; thao tác không thể hoàn tác." in page
    unconfirmed = leader.post(f"/payments/{payment.reference}/refund", {"reason": "Thu nhầm hồ sơ"}, follow=True)
    assert "Cần xác nhận trước khi hoàn tiền." in unconfirmed.content.decode()
    assert Payment.objects.get().state == "succeeded"  # nothing without the confirmation
    leader.post(f"/payments/{payment.reference}/refund", {"reason": "Thu nhầm hồ sơ", "confirm": "1"})
    payment.refresh_from_db()
    assert (payment.state, payment.refund_reason) == ("refunded", "Thu nhầm hồ sơ")


def test_another_agency_sees_no_payment_and_no_receipt(
    fee_dossier: Dossier, staff: dict[str, User], other_commune: Agency
) -> None:
    from motcua.dossiers.tests.fixtures import officer

    payment = services.record_counter_payment(fee_dossier, staff["counter"], receipt_number="BL-1", method="cash")
    stranger = logged_in(officer("x", other_commune, "counter", "leader"))
    assert stranger.get(f"/payments/{payment.reference}/receipt.pdf").status_code == 404
    assert stranger.get(f"/payments/dossiers/{fee_dossier.code}/pay").status_code == 404
    stranger.post(f"/payments/{payment.reference}/refund", {"reason": "x", "confirm": "1"})
    assert Payment.objects.get().state == "succeeded"


def test_the_citizens_pay_panel_shows_the_lines_and_sends_to_the_gateway(
    commune: Agency, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    citizen = User.objects.create_user("citizen", password="x", full_name="Trần Thị Bình")
    dossier = open_dossier(counter_intake(offering_of(FEE_PROCEDURE, commune)), user=staff["counter"])
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=citizen)
    panel = selectors.pay_panel(citizen, dossier.code)
    assert panel is not None
    assert [(line.name, line.amount_vnd) for line in panel.due.lines] == [("Phí chứng thực bản sao", 2000)]
    assert panel.providers == [("vnpay", "VNPay")]
    client = logged_in(citizen)
    page = client.get(f"/payments/dossiers/{dossier.code}/pay").content.decode()
    assert "Phí chứng thực bản sao" in page
    assert 'value="vnpay"' in page
    # the same panel on the citizen's own dossier page of the portal
    own = client.get(reverse("web:my-dossier", args=[dossier.code])).content.decode()
    assert "Phí chứng thực bản sao" in own
    assert 'value="vnpay"' in own
    gone = client.post(f"/payments/dossiers/{dossier.code}/pay", {"provider": "vnpay"})
    assert gone.status_code == 302
    assert gone["Location"].startswith(vnpay_standin.base_url)  # type: ignore[attr-defined]
    params = dict(parse_qsl(urlsplit(gone["Location"]).query))
    assert params["vnp_ReturnUrl"].endswith("/payments/vnpay/return")
    assert Payment.objects.get().started_by == citizen


def test_someone_else_cannot_start_a_payment(
    fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer, settings: Any
) -> None:
    stranger = User.objects.create_user("stranger", password="x")
    with pytest.raises(services.NotPermitted):
        services.start_payment(fee_dossier, stranger, "vnpay", client_ip="1.2.3.4", return_url="http://t/")
    with pytest.raises(services.InvalidInput):
        services.start_payment(fee_dossier, staff["counter"], "counter", client_ip="1.2.3.4", return_url="http://t/")
    settings.MOTCUA_VNPAY_HASH_SECRET = ""
    with pytest.raises(services.ActionRefused):
        services.start_payment(fee_dossier, staff["counter"], "vnpay", client_ip="1.2.3.4", return_url="http://t/")
    assert Payment.objects.count() == 0


def test_a_dossier_without_fees_has_nothing_to_pay(commune: Agency, staff: dict[str, User]) -> None:
    """1.001193 (birth registration) at the commune: its fee lines have no amount in the catalogue."""
    dossier = open_dossier(counter_intake(offering_of("1.001193", commune)), user=staff["counter"])
    assert selectors.payable_now(dossier).lines == []
    with pytest.raises(services.ActionRefused):
        services.record_counter_payment(dossier, staff["counter"], receipt_number="1", method="cash")


def _online(offering: Any, citizen: User) -> Dossier:
    """Submitted online by ``citizen`` with every required document (status ``submitted``, not yet accepted)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.dossiers.plans import terms_of
    from motcua.dossiers.services import Applicant, Intake

    files = {
        d["id"]: [SimpleUploadedFile(f"{d['id']}.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")]
        for d in terms_of(offering, "online").data["documents"]
        if not d["condition"] and d["form"] != "present_only"
    }
    applicant = Applicant(type="citizen", name="Trần Thị Bình", id_number="019199012345")
    return open_dossier(Intake(offering, "online", applicant, files=files), user=citizen)


def test_paid_at_submission_only_where_every_line_is_priced(
    commune: Agency, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    """2.001035 (one line, 50.000 đ) is paid right after an online submission, before the desk accepts it;
    H55-X13 has a line "not determined" (300.000 and 1.000.000 đ known, the registration charge not): its fees
    wait for the process to ask (``awaiting_payment``), whatever the known lines add up to."""
    citizen = User.objects.create_user("citizen", password="x", full_name="Trần Thị Bình")
    priced = _online(offering_of("2.001035", commune), citizen)
    assert priced.status == "submitted"
    due = selectors.payable_now(priced)
    assert (due.amount_vnd, due.at_submission) == (50000, True)
    client = logged_in(citizen)
    apply_page = client.get(f"/procedures/2.001035/apply/{commune.identifier}/").content.decode()
    assert "50.000" in apply_page
    assert "thu phí, lệ phí khi nộp hồ sơ" in apply_page
    started = client.post(f"/payments/dossiers/{priced.code}/pay", {"provider": "vnpay"})
    assert started.status_code == 302
    assert Payment.objects.get(dossier=priced).state == "started"
    unpriced = _online(offering_of("H55-X13", commune), citizen)
    due = selectors.payable_now(unpriced)
    assert (due.lines, due.reason) == ([], "Phí, lệ phí sẽ được thông báo khi cơ quan giải quyết yêu cầu nộp.")
    assert "chưa xác định" in client.get(f"/procedures/H55-X13/apply/{commune.identifier}/").content.decode()
    refused = client.post(f"/payments/dossiers/{unpriced.code}/pay", {"provider": "vnpay"})
    assert refused.status_code == 409
    assert not Payment.objects.filter(dossier=unpriced).exists()
