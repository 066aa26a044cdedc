"""The stand-in TSA as its own process: real RFC 3161 over HTTP, strict about requests, fails on request."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from asn1crypto import algos, tsp

from motcua.signatures import pki
from motcua.signatures.timestamps import StatusOnlyResp

CLI = [sys.executable, "-m", "motcua.cli"]


@pytest.fixture(scope="module")
def standin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("tsa-pki")
    pki.ensure_demo_pki(directory, [], password="x")
    process = subprocess.Popen(
        [*CLI, "tsa_standin", "--port", "0", "--pki-dir", str(directory)], stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()
        assert "listening on" in line, line
        yield line.split("listening on ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def _request(digest: bytes, algorithm: str = "sha256", nonce: int = 42) -> bytes:
    return tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": tsp.MessageImprint(
                {"hash_algorithm": algos.DigestAlgorithm({"algorithm": algorithm}), "hashed_message": digest}
            ),
            "nonce": nonce,
            "cert_req": True,
        }
    ).dump()


def _post(url: str, body: bytes, content_type: str = "application/timestamp-query") -> httpx.Response:
    return httpx.post(url, content=body, headers={"Content-Type": content_type}, timeout=10)


def test_a_good_request_gets_a_token_with_its_imprint_and_nonce(standin: str) -> None:
    digest = hashlib.sha256(b"van ban").digest()
    answer = _post(standin, _request(digest, nonce=777))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/timestamp-reply"
    response = tsp.TimeStampResp.load(answer.content)
    assert response["status"]["status"].native == "granted"
    info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
    assert info["nonce"].native == 777


def test_bad_requests_are_rejected_with_the_right_fail_info(standin: str) -> None:
    cases = [
        (_request(b"short"), "bad_data_format"),
        (_request(hashlib.md5(b"x").digest(), "md5"), "bad_alg"),
        (b"\x30\x03abc", "bad_data_format"),
    ]
    for body, fail_info in cases:
        status = StatusOnlyResp.load(_post(standin, body).content)["status"].native
        assert status["status"] == "rejection"
        assert fail_info in status["fail_info"]
    assert _post(standin, _request(bytes(32)), "application/json").status_code == 415


def test_it_fails_when_told_and_recovers(standin: str) -> None:
    assert httpx.post(standin + "_standin/fail", json={"mode": "http500", "count": 1}).status_code == 200
    assert _post(standin, _request(bytes(32))).status_code == 500
    assert httpx.post(standin + "_standin/fail", json={"mode": "reject", "count": 1}).status_code == 200
    refused = StatusOnlyResp.load(_post(standin, _request(bytes(32))).content)
    assert refused["status"]["status"].native == "rejection"
    assert tsp.TimeStampResp.load(_post(standin, _request(bytes(32))).content)["status"]["status"].native == "granted"
    assert httpx.post(standin + "_standin/fail", json={"mode": "nonsense"}).status_code == 400
    counts = httpx.get(standin + "_standin/received").json()
    assert counts["failed_on_purpose"] == ["http500", "reject"]
    assert counts["granted"] >= 2


def test_the_command_refuses_a_directory_without_a_tsa_key(tmp_path: Path) -> None:
    result = subprocess.run([*CLI, "tsa_standin", "--port", "0", "--pki-dir", str(tmp_path)], capture_output=True)
    assert result.returncode != 0
    assert b"tsa.key" in result.stderr
