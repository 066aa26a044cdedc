"""Signing and verifying PDFs: pyHanko's own validator and poppler's ``pdfsig`` (an independent one) agree that a
signed result is valid, and each way of breaking it gets its verdict (RULES.md §13)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.documents.pdf import html_to_pdf
from motcua.signatures import pades
from motcua.signatures.timestamps import HttpxTimeStamper
from motcua.signatures.verify import MODIFIED, UNSIGNED, UNTRUSTED, VALID, is_pdf, verify_pdf

STAMP = pades.StampText(
    agency="UBND phường Phan Đình Phùng",
    signer="Trần Thị Lãnh Đạo",
    signed_at=datetime(2026, 12, 1, 9, 30),
    verification_url="http://127.0.0.1:8000/verify/?code=000.00.07.H55-261201-0001",
)


@pytest.fixture(scope="module")
def source_pdf() -> bytes:
    return html_to_pdf("<h1>Quyết định</h1><p>Cấp giấy phép cho ông Nguyễn Văn Ấn.</p>")


def _sign(pdf: bytes, signer, tsa_url: str, context, *, embed: bool = True) -> bytes:
    return pades.sign(
        pdf,
        signer,
        stamp_text=STAMP,
        reason="Phê duyệt kết quả",
        location="Thái Nguyên",
        timestamper=HttpxTimeStamper(tsa_url),
        context=context,
        embed_validation_info=embed,
    )


@pytest.fixture(scope="module")
def signed(test_pki, tsa, source_pdf) -> bytes:
    return _sign(source_pdf, test_pki.signer(), tsa[1], test_pki.context())


def test_a_signed_result_is_valid_with_its_validation_data_embedded(test_pki, signed: bytes) -> None:
    verdict = verify_pdf(signed, test_pki.roots)
    assert verdict.verdict == VALID, verdict.detail
    assert verdict.trusted
    assert not verdict.modified_after_signing
    assert verdict.signer == "UBND phường Phan Đình Phùng"
    assert verdict.signatures == 1
    assert verdict.embedded_validation_data  # B-LT: the DSS holds the chain and the CRL
    reader = PdfFileReader(io.BytesIO(signed))
    dss = reader.root["/DSS"]
    assert len(dss["/Certs"]) >= 2
    assert len(dss["/CRLs"]) == 1
    assert len(verdict.certificate_fingerprint) == 95
    assert verdict.signed_at is not None


def test_pdfsig_agrees_the_signature_is_valid(signed: bytes, tmp_path: Path) -> None:
    assert shutil.which("pdfsig"), "poppler-utils is required (apt-get install poppler-utils; .ci/run installs it)"
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Signer Certificate Common Name: UBND phường Phan Đình Phùng" in out
    assert "ETSI.CAdES.detached" in out


def test_pdfsig_sees_a_changed_byte(signed: bytes, tmp_path: Path) -> None:
    path = tmp_path / "changed.pdf"
    path.write_bytes(_change_one_byte(signed))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid" not in out, out


def _change_one_byte(pdf: bytes) -> bytes:
    """One byte inside the signed range changed: the first ``/MediaBox`` key becomes ``/NediaBox``."""
    index = pdf.index(b"/MediaBox")  # a dictionary key in the first revision: covered by the signature
    data = bytearray(pdf)
    data[index + 1] = ord("N")  # /NediaBox
    return bytes(data)


def test_one_changed_byte_is_modified(test_pki, signed: bytes) -> None:
    verdict = verify_pdf(_change_one_byte(signed), test_pki.roots)
    assert verdict.verdict == MODIFIED
    assert verdict.modified_after_signing
    assert not verdict.valid


def test_an_incremental_update_that_changes_the_page_is_modified(test_pki, signed: bytes) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    verdict = verify_pdf(out.getvalue(), test_pki.roots)
    assert verdict.verdict == MODIFIED, verdict
    assert "modification policy" in verdict.detail


def test_a_signer_outside_the_trust_list_is_untrusted(test_pki, tsa, source_pdf) -> None:
    pdf = _sign(source_pdf, test_pki.stranger, tsa[1], None)
    verdict = verify_pdf(pdf, test_pki.roots)
    assert verdict.verdict == UNTRUSTED
    assert verdict.signer == "Người lạ"
    assert not verdict.trusted
    assert not verdict.modified_after_signing


def test_an_expired_certificate_is_untrusted(test_pki, tsa, source_pdf) -> None:
    pdf = _sign(source_pdf, test_pki.expired, tsa[1], None)
    verdict = verify_pdf(pdf, test_pki.roots)
    assert verdict.verdict == UNTRUSTED, verdict
    assert verdict.signer == "Chứng thư hết hạn"


def test_a_pdf_without_signature_is_unsigned(test_pki, source_pdf) -> None:
    verdict = verify_pdf(source_pdf, test_pki.roots)
    assert (verdict.verdict, verdict.signatures, verdict.signer) == (UNSIGNED, 0, "")


def test_not_a_pdf_is_unsigned_and_not_a_pdf(test_pki) -> None:
    assert verify_pdf(b"%PDF-1.7 but nothing else", test_pki.roots).verdict == UNSIGNED
    assert not is_pdf(b"\x89PNG\r\n")
    assert is_pdf(b"%PDF-1.7\n")


def test_an_empty_trust_list_trusts_no_one(signed: bytes) -> None:
    assert verify_pdf(signed, []).verdict == UNTRUSTED
