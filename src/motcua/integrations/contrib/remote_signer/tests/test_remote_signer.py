"""Remote signing against the stand-in service as its own process: the official confirms in its app, the signed
result is valid; a rejection is final; an official who has not confirmed yet leaves the signing pending."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

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
        yield line.split("listening on ", 1)[1].split()[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def remote(signing_settings, service: str):
    signing_settings.MOTCUA_REMOTE_SIGNER_URL = service
    signing_settings.MOTCUA_REMOTE_SIGNER_TOKEN = TOKEN
    signing_settings.MOTCUA_REMOTE_SIGNER_WAIT_SECONDS = 15
    httpx.post(service + "_standin/auto", json={"mode": ""})
    return signers["remote"]


def _request(code: str) -> SignatureRequest:
    return SignatureRequest(
        agency=AGENCY,
        agency_name="UBND phường Phan Đình Phùng",
        signer_name="Trần Thị Lãnh Đạo",
        reason=f"Phê duyệt kết quả hồ sơ {code}",
        location="Thái Nguyên",
        verification_url=f"http://127.0.0.1:8000/verify/?code={code}",
    )


def _official(service: str, decision: str, stop: threading.Event) -> None:
    """The official, in the app: acts on the first request that appears."""
    while not stop.is_set():
        pending = [r for r in httpx.get(service + "_standin/received").json()["requests"] if r["status"] == "pending"]
        if pending:
            httpx.post(f"{service}_standin/{decision}/{pending[0]['id']}")
            return
        time.sleep(0.2)


@pytest.fixture(scope="module")
def source_pdf() -> bytes:
    from motcua.documents.pdf import html_to_pdf

    return html_to_pdf("<h1>Kết quả</h1>")


def _sign_with(official_decision: str, remote, service: str, pdf: bytes, code: str) -> bytes:
    stop = threading.Event()
    official = threading.Thread(target=_official, args=(service, official_decision, stop), daemon=True)
    official.start()
    try:
        return remote.sign_pdf(pdf, _request(code))
    finally:
        stop.set()
        official.join(timeout=5)


def test_the_official_confirms_and_the_result_is_valid(remote, service, source_pdf, test_pki) -> None:
    assert remote.problem() is None
    signed = _sign_with("confirm", remote, service, source_pdf, "R-1")
    verdict = verify_pdf(signed, test_pki.roots)
    assert verdict.verdict == VALID, verdict.detail
    assert verdict.signer == "UBND phường Phan Đình Phùng"
    assert verdict.embedded_validation_data


def test_a_rejection_is_final(remote, service, source_pdf) -> None:
    with pytest.raises(PermanentFailure, match="từ chối"):
        _sign_with("reject", remote, service, source_pdf, "R-2")


def test_no_confirmation_yet_is_pending(remote, service, source_pdf, signing_settings) -> None:
    signing_settings.MOTCUA_REMOTE_SIGNER_WAIT_SECONDS = 0.5
    with pytest.raises(SignaturePending):
        remote.sign_pdf(source_pdf, _request("R-3"))


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
    page = httpx.get(service + "_standin/")
    assert page.status_code == 200
    assert "Yêu cầu ký đang chờ xác nhận" in page.text
