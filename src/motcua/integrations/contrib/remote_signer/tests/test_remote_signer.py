"""Remote signing against the stand-in service as its own process: an attempt never waits for the official; the
prepared document is kept between attempts and the service asked once per document; the official's confirmation
(later) gives a valid result, a rejection or a request left unconfirmed past the timeout ends the signing."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from motcua.integrations.contrib.remote_signer.models import RemoteSigning, RemoteState
from motcua.integrations.errors import PermanentFailure
from motcua.integrations.signing import SignaturePending, SignatureRequest, signers
from motcua.signatures.tests.fixtures import AGENCY
from motcua.signatures.verify import VALID, verify_pdf

CLI = [sys.executable, "-m", "motcua.cli"]
TOKEN = "khoa-thu-ky-tu-xa"


@pytest.fixture(scope="module")
def service(test_pki) -> Iterator[str]:
    process = subprocess.Popen(
        [*CLI, "remote_signer_standin", "--port", "0", "--pki-dir", str(test_pki.directory), "--token", TOKEN],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert "listening on" in line, line
        # read its request log to the end: a full pipe would block its logging, then its exit (flushing stdout)
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield line.split("listening on ", 1)[1].split()[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def remote(signing_settings, service: str):
    signing_settings.MOTCUA_REMOTE_SIGNER_URL = service
    signing_settings.MOTCUA_REMOTE_SIGNER_TOKEN = TOKEN
    signing_settings.MOTCUA_REMOTE_SIGNER_TIMEOUT_SECONDS = 3600
    httpx.post(service + "_standin/auto", json={"mode": ""})
    return signers["remote"]


def _request(code: str) -> SignatureRequest:
    return SignatureRequest(
        key=f"signing:{code}:3",
        agency=AGENCY,
        agency_name="UBND phường Phan Đình Phùng",
        signer_name="Trần Thị Lãnh Đạo",
        reason=f"Phê duyệt kết quả hồ sơ {code}",
        location="Thái Nguyên",
        verification_url=f"http://127.0.0.1:8000/verify/?code={code}",
    )


@pytest.fixture(scope="module")
def source_pdf() -> bytes:
    from motcua.documents.pdf import html_to_pdf

    return html_to_pdf("<h1>Kết quả</h1>")


def _orders(service: str, reference: str) -> list[str]:
    return [r for r in httpx.get(service + "_standin/received").json()["orders"] if r == reference]


def _app_decides(service: str, decision: str) -> None:
    """The official, in the app: acts on every pending request."""
    for r in httpx.get(service + "_standin/received").json()["requests"]:
        if r["status"] == "pending":
            assert httpx.post(f"{service}_standin/{decision}/{r['id']}").status_code == 200


@pytest.mark.django_db
def test_an_attempt_never_waits_and_the_confirmed_document_is_the_one_prepared(
    remote, service, source_pdf, test_pki
) -> None:
    from motcua.documents.pdf import html_to_pdf

    assert remote.problem() is None
    request = _request("R-1")
    with pytest.raises(SignaturePending, match="Đang chờ người ký"):
        remote.sign_pdf(source_pdf, request)  # asks, reads "pending", returns at once
    session = RemoteSigning.objects.get(key=request.key)
    assert (session.state, bool(session.remote_id)) == (RemoteState.ASKED, True)
    with pytest.raises(SignaturePending):
        remote.sign_pdf(source_pdf, request)  # still pending: read once more, not asked again
    _app_decides(service, "confirm")
    # a later attempt (another worker: the input rendered anew) finishes the document kept from the first
    signed = remote.sign_pdf(html_to_pdf("<h1>Kết quả, kết xuất lại</h1>"), request)
    verdict = verify_pdf(signed, test_pki.roots)
    assert verdict.verdict == VALID, verdict.detail
    assert verdict.signer == "UBND phường Phan Đình Phùng"
    assert verdict.embedded_validation_data
    assert signed.startswith(bytes(session.prepared_pdf)[:1000])
    assert _orders(service, request.key) == [request.key]  # the service was asked once for the document
    session.refresh_from_db()
    assert session.state == RemoteState.CONFIRMED
    # one more attempt (the record failed after signing): finished again from the kept signature, nothing asked
    assert verify_pdf(remote.sign_pdf(source_pdf, request), test_pki.roots).verdict == VALID
    assert _orders(service, request.key) == [request.key]


@pytest.mark.django_db
def test_a_delayed_confirmation_is_taken_by_a_later_attempt(remote, service, source_pdf, test_pki) -> None:
    httpx.post(service + "_standin/auto", json={"mode": "confirm", "delay": 0.6})
    request = _request("R-4")
    with pytest.raises(SignaturePending):
        remote.sign_pdf(source_pdf, request)
    time.sleep(0.8)
    assert verify_pdf(remote.sign_pdf(source_pdf, request), test_pki.roots).verdict == VALID


@pytest.mark.django_db
def test_a_rejection_is_final(remote, service, source_pdf) -> None:
    request = _request("R-2")
    httpx.post(service + "_standin/auto", json={"mode": "reject"})
    with pytest.raises(PermanentFailure, match="từ chối"):
        remote.sign_pdf(source_pdf, request)
    assert RemoteSigning.objects.get(key=request.key).state == RemoteState.REJECTED
    with pytest.raises(PermanentFailure, match="từ chối"):
        remote.sign_pdf(source_pdf, request)  # asked again? no: the end is kept
    assert _orders(service, request.key) == [request.key]


@pytest.mark.django_db
def test_an_official_who_never_confirms_ends_the_signing_after_the_timeout(
    remote, service, source_pdf, signing_settings
) -> None:
    signing_settings.MOTCUA_REMOTE_SIGNER_TIMEOUT_SECONDS = 0.3
    request = _request("R-3")
    with pytest.raises(SignaturePending):
        remote.sign_pdf(source_pdf, request)
    time.sleep(0.4)
    with pytest.raises(PermanentFailure, match="Hết thời gian chờ"):
        remote.sign_pdf(source_pdf, request)
    assert RemoteSigning.objects.get(key=request.key).state == RemoteState.EXPIRED


@pytest.mark.django_db
def test_a_request_the_service_expires_ends_the_signing(remote, service, source_pdf) -> None:
    httpx.post(service + "_standin/auto", json={"mode": "expire", "delay": 0})
    with pytest.raises(PermanentFailure, match="hết hạn"):
        remote.sign_pdf(source_pdf, _request("R-5"))


def test_the_service_checks_what_it_receives(service) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.post(service + "v1/signatures", json={}, headers={"Authorization": "Bearer x"}).status_code == 401
    bad = {"agency": AGENCY, "hash": "AAAA", "hash_algorithm": "sha256", "reference": "r"}
    assert httpx.post(service + "v1/signatures", json=bad, headers=headers).json()["reason"].startswith("hash phải")
    unknown = dict(bad, agency="000.00.00.X", hash="A" * 43 + "=")
    assert httpx.post(service + "v1/signatures", json=unknown, headers=headers).status_code == 400
    assert httpx.get(service + "v1/certificates/nope", headers=headers).status_code == 404
    assert httpx.post(service + "_standin/fail", json={"mode": "http503", "count": 1}).status_code == 200
    assert httpx.get(service + f"v1/certificates/{AGENCY}", headers=headers).status_code == 503
    assert httpx.get(service + f"v1/certificates/{AGENCY}", headers=headers).status_code == 200
    assert httpx.post(service + "_standin/auto", json={"mode": "maybe"}).status_code == 400
    assert httpx.post(service + "_standin/auto", json={"mode": "confirm", "delay": -1}).status_code == 400
    page = httpx.get(service + "_standin/")
    assert page.status_code == 200
    assert "Yêu cầu ký đang chờ xác nhận" in page.text
