"""VNPay end to end and its security cases (RULES.md §12; issue 11): the IPN's codes and their check order,
the return page that changes nothing, replays, expiry, reconciliation and refunds — against the stand-in."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier, DossierAction
from motcua.dossiers.tests.test_api import Api
from motcua.metrics.models import DailyCount
from motcua.payments import services
from motcua.payments.contrib.vnpay.standin import VnpayServer
from motcua.payments.models import Payment, PaymentCallback
from motcua.payments.tests.conftest import TMN_CODE, VNPAY_SECRET
from motcua.rules import vnpay


def start(dossier: Dossier, user: User) -> Payment:
    return services.start_payment(dossier, user, "vnpay", client_ip="127.0.0.1", return_url="http://t/return")


def ipn_params(
    payment: Payment, *, amount_vnd: int | None = None, code: str = "00", status: str = "00"
) -> dict[str, str]:
    """An IPN as VNPay sends it (RULES.md §12's parameters), signed with the right secret."""
    params = {
        "vnp_TmnCode": TMN_CODE,
        "vnp_Amount": str((amount_vnd if amount_vnd is not None else payment.amount_vnd) * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14226112",
        "vnp_CardType": "ATM",
        "vnp_PayDate": "20261201103512",
        "vnp_OrderInfo": "Thanh toan ho so",
        "vnp_TransactionNo": "14226112",
        "vnp_ResponseCode": code,
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": payment.reference,
    }
    return params | {"vnp_SecureHash": vnpay.sign(params, VNPAY_SECRET)}


def ipn(params: dict[str, str]) -> dict[str, str]:
    response = Client().get("/payments/vnpay/ipn", params)
    assert response.status_code == 200  # always 200 (RULES.md §12)
    return response.json()


def payment_actions(dossier: Dossier) -> list[DossierAction]:
    return list(DossierAction.objects.filter(dossier=dossier, type="record_payment"))


def test_start_gives_a_signed_payment_url_the_gateway_accepts(
    fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    response = Api(staff["counter"]).post(f"/dossiers/{fee_dossier.code}/payments", {"provider": "vnpay"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"reference", "status", "amount_vnd", "redirect_url"}
    assert (body["status"], body["amount_vnd"]) == ("started", 2000)
    params = dict(parse_qsl(urlsplit(body["redirect_url"]).query))
    assert params["vnp_TxnRef"] == body["reference"]
    assert params["vnp_Amount"] == "200000"  # VND × 100
    assert list(params)[-1] == "vnp_SecureHash"
    assert "vnp_SecureHashType" not in params
    assert all(ch.isascii() and (ch.isalnum() or ch in " .-_:") for ch in params["vnp_OrderInfo"])
    page = httpx.get(body["redirect_url"], timeout=5)
    assert page.status_code == 200, page.text  # the stand-in checked the signature and every field
    assert body["reference"] in page.text
    listed = Api(staff["counter"]).get(f"/dossiers/{fee_dossier.code}/payments").json()["items"]
    assert [(p["reference"], p["status"], p["fee_lines"][0]["amount_vnd"]) for p in listed] == [
        (body["reference"], "started", 2000)
    ]


def test_success_ipn_records_the_payment_on_the_dossier_by_the_system_actor(
    fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    payment = start(fee_dossier, staff["counter"])
    assert ipn(ipn_params(payment)) == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    assert (payment.state, payment.provider_transaction, payment.settled_by) == ("succeeded", "14226112", "ipn")
    (action,) = payment_actions(fee_dossier)
    assert (action.actor_role, action.system_actor, action.payload["amount_vnd"]) == ("system", "payment:vnpay", 2000)
    assert payment.dossier_action_seq == action.seq
    paid = DailyCount.objects.filter(metric="paid_online").values_list("value", flat=True)
    assert sum(paid) == 1
    (log,) = PaymentCallback.objects.all()
    assert (log.verdict, log.changed_state, log.answer["RspCode"]) == ("recorded", True, "00")
    assert "vnp_SecureHash=" in log.query  # kept raw


def test_forged_signature_is_97_and_changes_nothing(
    fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    payment = start(fee_dossier, staff["counter"])
    forged = ipn_params(payment) | {"vnp_SecureHash": "ab" * 64}
    assert ipn(forged)["RspCode"] == "97"
    wrong_secret = ipn_params(payment)
    wrong_secret["vnp_SecureHash"] = vnpay.sign(wrong_secret, "another-secret")
    assert ipn(wrong_secret)["RspCode"] == "97"
    unsigned = {k: v for k, v in ipn_params(payment).items() if k != "vnp_SecureHash"}
    assert ipn(unsigned)["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.state == "started"
    assert payment_actions(fee_dossier) == []
    assert list(PaymentCallback.objects.values_list("verdict", flat=True)) == ["forged"] * 3


def test_unknown_reference_is_01(fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer) -> None:
    payment = start(fee_dossier, staff["counter"])
    payment.reference = "P261201NOTOURS00"
    assert ipn(ipn_params(payment))["RspCode"] == "01"
    assert Payment.objects.get().state == "started"


def test_forged_signature_is_checked_before_the_reference(
    fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    """The check order: a forged IPN for an unknown reference is 97, not 01 (RULES.md §12)."""
    payment = start(fee_dossier, staff["counter"])
    payment.reference = "P261201NOTOURS00"
    assert ipn(ipn_params(payment) | {"vnp_SecureHash": "00" * 64})["RspCode"] == "97"


def test_amount_changed_and_re_signed_with_the_right_secret_is_04(
    fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    payment = start(fee_dossier, staff["counter"])
    assert ipn(ipn_params(payment, amount_vnd=1000))["RspCode"] == "04"
    half_dong = ipn_params(payment)
    half_dong["vnp_Amount"] = "200050"
    half_dong["vnp_SecureHash"] = vnpay.sign(half_dong, VNPAY_SECRET)
    assert ipn(half_dong)["RspCode"] == "04"
    payment.refresh_from_db()
    assert payment.state == "started"
    assert payment_actions(fee_dossier) == []


def test_replayed_ipn_is_02_and_changes_nothing(
    fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    payment = start(fee_dossier, staff["counter"])
    params = ipn_params(payment)
    assert ipn(params)["RspCode"] == "00"
    settled_at = Payment.objects.get().settled_at
    assert ipn(params)["RspCode"] == "02"
    assert ipn(ipn_params(payment, code="51", status="02"))["RspCode"] == "02"  # a later failure neither
    payment.refresh_from_db()
    assert (payment.state, payment.settled_at) == ("succeeded", settled_at)
    assert len(payment_actions(fee_dossier)) == 1
    assert list(PaymentCallback.objects.order_by("id").values_list("verdict", "changed_state")) == [
        ("recorded", True),
        ("already", False),
        ("already", False),
    ]


def test_failed_payment_is_recorded_as_failed_and_answered_00(
    fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    payment = start(fee_dossier, staff["counter"])
    assert ipn(ipn_params(payment, code="51", status="02"))["RspCode"] == "00"
    assert Payment.objects.get().state == "failed"
    cancelled = start(fee_dossier, staff["counter"])
    assert ipn(ipn_params(cancelled, code="24", status="02"))["RspCode"] == "00"
    assert Payment.objects.get(pk=cancelled.pk).state == "cancelled"
    assert payment_actions(fee_dossier) == []


def test_success_ipn_after_expiry_changes_nothing(
    fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    payment = start(fee_dossier, staff["counter"])
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(days=3, minutes=1))
    assert services.expire_stale() == 1
    assert ipn(ipn_params(payment))["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.state == "expired"
    assert payment_actions(fee_dossier) == []
    assert PaymentCallback.objects.get().verdict == "already"  # kept for the officer: money to give back


def test_return_url_with_a_forged_success_changes_nothing(
    fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    payment = start(fee_dossier, staff["counter"])
    forged = ipn_params(payment) | {"vnp_SecureHash": "ab" * 64}
    response = Client().get("/payments/vnpay/return", forged)
    assert response.status_code == 400
    assert payment.reference not in response.content.decode()
    genuine = Client().get("/payments/vnpay/return", ipn_params(payment))  # even a genuine one only shows
    assert genuine.status_code == 200
    assert "Đang thanh toán" in genuine.content.decode()
    payment.refresh_from_db()
    assert payment.state == "started"
    assert payment_actions(fee_dossier) == []
    assert PaymentCallback.objects.count() == 0


def test_paid_dossier_cannot_start_another_payment(
    fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    payment = start(fee_dossier, staff["counter"])
    ipn(ipn_params(payment))
    response = Api(staff["counter"]).post(f"/dossiers/{fee_dossier.code}/payments", {"provider": "vnpay"})
    assert response.status_code == 409
    assert Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_payer_pays_on_the_standin_which_calls_the_ipn(
    live_server: Any, fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    """The whole path over HTTP: our payment URL → the stand-in's page → the payer's choice → the stand-in's
    server-to-server IPN (signed as VNPay signs it) → the browser sent to the return page."""
    vnpay_standin.state.callback_url = f"{live_server.url}/payments/vnpay/ipn"
    body = Api(staff["counter"]).post(f"/dossiers/{fee_dossier.code}/payments", {"provider": "vnpay"}).json()
    assert httpx.get(body["redirect_url"], timeout=5).status_code == 200
    chosen = httpx.post(f"{vnpay_standin.base_url}/_standin/pay/{body['reference']}", data={"choice": "success"})
    assert chosen.status_code == 302
    txn = vnpay_standin.state.snapshot()["transactions"][body["reference"]]
    assert txn["callbacks"][0]["answer"] == {"RspCode": "00", "Message": "Confirm Success"}
    payment = Payment.objects.get(reference=body["reference"])
    assert payment.state == "succeeded"
    assert len(payment_actions(fee_dossier)) == 1


@pytest.mark.django_db(transaction=True)
def test_reconciliation_settles_through_querydr_and_a_late_ipn_counts_once(
    live_server: Any, fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    vnpay_standin.state.callback_url = f"{live_server.url}/payments/vnpay/ipn"
    paid = start(fee_dossier, staff["counter"])
    httpx.get(paid.redirect_url, timeout=5)  # type: ignore[attr-defined]
    httpx.post(f"{vnpay_standin.base_url}/_standin/fail", json={"mode": "no_callback", "count": 1})
    outcome = vnpay_standin.settle(paid.reference, "success", callback=True)  # the IPN is lost
    assert outcome is not None
    assert "ipn" not in outcome
    young = Payment.objects.filter(pk=paid.pk)
    assert services.reconcile().queried == 0  # younger than 30 minutes: not queried yet
    young.update(created_at=timezone.now() - timedelta(minutes=31))
    done = services.reconcile()
    assert (done.queried, done.settled) == (1, 1)
    paid.refresh_from_db()
    assert (paid.state, paid.settled_by) == ("succeeded", "query")
    kept = PaymentCallback.objects.get(payment=paid, channel="query")  # the querydr answer, raw, with its verdict
    assert (kept.verdict, kept.changed_state) == ("recorded", True)
    assert json.loads(kept.body)["vnp_TxnRef"] == paid.reference
    assert "vnp_SecureHash" in json.loads(kept.body)
    assert ipn(ipn_params(paid))["RspCode"] == "02"  # the late IPN
    assert len(payment_actions(fee_dossier)) == 1
    assert sum(DailyCount.objects.filter(metric="paid_online").values_list("value", flat=True)) == 1


@pytest.mark.django_db(transaction=True)
def test_refund_by_a_leader_with_a_reason(
    live_server: Any, fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    vnpay_standin.state.callback_url = f"{live_server.url}/payments/vnpay/ipn"
    payment = start(fee_dossier, staff["counter"])
    httpx.get(payment.redirect_url, timeout=5)  # type: ignore[attr-defined]
    vnpay_standin.settle(payment.reference, "success", callback=True)
    payment.refresh_from_db()
    assert payment.state == "succeeded"
    with pytest.raises(services.NotPermitted):
        services.refund(payment, staff["counter"], reason="thu trùng")
    with pytest.raises(services.InvalidInput):
        services.refund(payment, staff["leader"], reason=" ")
    refunded = services.refund(payment, staff["leader"], reason="Thu trùng lệ phí")
    assert (refunded.state, refunded.refund_reason, refunded.refunded_by) == (
        "refunded",
        "Thu trùng lệ phí",
        staff["leader"],
    )
    assert vnpay_standin.state.snapshot()["transactions"][payment.reference]["status"] == "refunded"
    with pytest.raises(services.ActionRefused):
        services.refund(refunded, staff["leader"], reason="lần hai")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_ipns_at_once_change_the_state_once(
    fee_dossier: Dossier, staff: dict[str, User], vnpay_standin: VnpayServer
) -> None:
    """Threads on PostgreSQL (real concurrency): every copy of the same success IPN arrives at once; one moves
    the payment and writes the dossier's action, the others answer 02."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite serialises writers")
    payment = start(fee_dossier, staff["counter"])
    params = ipn_params(payment)
    copies = 8
    barrier = threading.Barrier(copies)
    answers: list[str] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            barrier.wait()
            answer = Client().get("/payments/vnpay/ipn", params).json()["RspCode"]
            with lock:
                answers.append(answer)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["00"] + ["02"] * (copies - 1)
    assert Payment.objects.get().state == "succeeded"
    assert len(payment_actions(fee_dossier)) == 1
    assert PaymentCallback.objects.filter(changed_state=True).count() == 1
