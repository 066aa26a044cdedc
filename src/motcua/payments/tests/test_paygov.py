"""The national payment platform (RULES.md §11): INIT through the stand-in, the result callback with its
``MaXacThuc``, QUERY reconciliation, GET_BILL's e-receipt, and the portal payload's ``DuocThanhToanTrucTuyen``."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier, DossierAction
from motcua.dossiers.tests.test_api import Api
from motcua.integrations.contrib.national_portal.snapshot import snapshot_of
from motcua.payments import services
from motcua.payments.contrib.paygov.standin import PaygovServer
from motcua.payments.models import Payment, PaymentCallback
from motcua.payments.tests.conftest import PARTNER, PAYGOV_SECRET
from motcua.rules.national_portal import dossier_record
from motcua.testing import sign_in


def result(
    payment: Payment, *, amount: int | None = None, code: str = "00", secret: str = PAYGOV_SECRET
) -> dict[str, str]:
    """The platform's result, its ``MaXacThuc`` computed here by hand (SHA-256, RULES.md §11's field order)."""
    values = [
        "PAY",
        code,
        PARTNER,
        payment.reference,
        str(amount if amount is not None else payment.amount_vnd),
        "VND",
        "15000001",
        "NCB",
        "20261201103512",
        "PAYMENT",
    ]
    names = ["LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe", "MaGiaoDich", "MaNganHang",
             "ThoiGianGD", "ThongTinGiaoDich"]  # fmt: skip
    digest = hashlib.sha256("|".join([*values, secret]).encode()).hexdigest()
    return dict(zip(names, values, strict=True)) | {"MaXacThuc": digest}


def callback(message: dict[str, str]) -> dict[str, str]:
    response = Client().post("/payments/paygov/callback", json.dumps(message), content_type="application/json")
    assert response.status_code == 200
    return response.json()


def start(dossier: Dossier, user: User) -> Payment:
    return services.start_payment(dossier, user, "paygov", client_ip="127.0.0.1", return_url="http://t/return")


def test_init_through_the_standin_gives_its_payment_page(
    fee_dossier: Dossier, staff: dict[str, User], paygov_standin: PaygovServer
) -> None:
    response = Api(staff["counter"]).post(f"/dossiers/{fee_dossier.code}/payments", {"provider": "paygov"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["redirect_url"] == f"{paygov_standin.base_url}/pay/{body['reference']}"
    snapshot = paygov_standin.state.snapshot()
    assert snapshot["refused"] == []  # the stand-in checked MaXacThuc, the constants, ThongTinBienLai
    sent = snapshot["transactions"][body["reference"]]["fields"]
    assert (sent["LoaiBanTin"], sent["SoTien"], sent["ThongTinBienLai"]["MaHoSo"]) == ("PAY", "2000", fee_dossier.code)
    assert sent["ThongTinBienLai"]["PhiLePhi"][0]["SoTien"] == 2000
    assert httpx.get(body["redirect_url"], timeout=5).status_code == 200


def test_wrapped_answers_are_read_too(
    fee_dossier: Dossier, staff: dict[str, User], paygov_standin: PaygovServer
) -> None:
    paygov_standin.wrapped = True  # {error_code, message: "<JSON>"} as through a province's gateway
    assert start(fee_dossier, staff["counter"]).state == "started"


def test_callback_with_a_wrong_checksum_is_refused(
    fee_dossier: Dossier, staff: dict[str, User], paygov_standin: PaygovServer
) -> None:
    payment = start(fee_dossier, staff["counter"])
    answer = callback(result(payment, secret="not-the-secret"))
    assert answer["MaLoi"] == "97"
    tampered = result(payment) | {"SoTien": "1"}
    assert callback(tampered)["MaLoi"] == "97"
    payment.refresh_from_db()
    assert payment.state == "started"
    assert not DossierAction.objects.filter(dossier=fee_dossier, type="record_payment").exists()
    assert list(PaymentCallback.objects.values_list("verdict", flat=True)) == ["forged", "forged"]


def test_callback_success_is_paid_on_the_national_platform(
    fee_dossier: Dossier, staff: dict[str, User], paygov_standin: PaygovServer
) -> None:
    payment = start(fee_dossier, staff["counter"])
    answer = callback(result(payment))
    assert (answer["MaLoi"], answer["MaThamChieu"], answer["MaDoiTac"]) == ("00", payment.reference, PARTNER)
    signed = "|".join(answer[k] for k in ("MaLoi", "MoTaLoi", "MaDoiTac", "MaThamChieu", "ThoiGianGD"))
    assert answer["MaXacThuc"] == hashlib.sha256(f"{signed}|{PAYGOV_SECRET}".encode()).hexdigest()
    assert callback(result(payment))["MaLoi"] == "00"  # a repeat is acknowledged, changes nothing
    assert callback(result(payment, amount=1000))["MaLoi"] == "04"
    payment.refresh_from_db()
    assert payment.state == "succeeded"
    (action,) = DossierAction.objects.filter(dossier=fee_dossier, type="record_payment")
    assert action.system_actor == "payment:national"
    record = dossier_record(snapshot_of(Dossier.objects.get(pk=fee_dossier.pk)))
    assert record["DuocThanhToanTrucTuyen"] == 1  # paid on the national platform (RULES.md §10)
    assert [(f["Gia"], f["HinhThucThu"]) for f in record["DanhSachLePhi"]] == [(2000, 2)]


def test_unknown_reference_is_answered_01(
    paygov_standin: PaygovServer, fee_dossier: Dossier, staff: dict[str, User]
) -> None:
    payment = start(fee_dossier, staff["counter"])
    payment.reference = "P261201UNKNOWN00"
    assert callback(result(payment))["MaLoi"] == "01"


@pytest.mark.django_db(transaction=True)
def test_query_reconciles_and_get_bill_gives_the_platform_receipt(
    live_server: Any, fee_dossier: Dossier, staff: dict[str, User], paygov_standin: PaygovServer
) -> None:
    paygov_standin.state.callback_url = ""  # the result never arrives
    payment = start(fee_dossier, staff["counter"])
    assert paygov_standin.settle(payment.reference, "success", callback=False) is not None
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(hours=2))
    done = services.reconcile()
    assert (done.queried, done.settled) == (1, 1)
    payment.refresh_from_db()
    assert (payment.state, payment.settled_by) == ("succeeded", "query")
    kept = PaymentCallback.objects.get(payment=payment, channel="query")  # QUERY's answer, raw, with its verdict
    assert (kept.verdict, json.loads(kept.body)["TrangThaiGD"]) == ("recorded", "1")
    client = Client()
    sign_in(client, staff["counter"])
    pdf = client.get(f"/payments/{payment.reference}/receipt.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert paygov_standin.state.snapshot()["queries"] == 2  # the QUERY and the GET_BILL
