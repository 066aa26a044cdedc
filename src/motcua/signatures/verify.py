"""Verification of a signed PDF against the trust list, offline, with pyHanko's validator (RULES.md §13 [V]).

The verdict is one of four, as RULES.md §13 observes pyHanko's judgement (``pyhanko sign adesverify``):

- ``valid``: every signature is cryptographically sound, its certificate chains to the trust list and was valid
  when signed (the timestamp's moment), and nothing after it changed the document beyond signature maintenance
  (validation data, timestamps);
- ``modified``: a byte in a signed range changed ("cryptographically unsound"), or a later incremental update
  changed the document ("incompatible with the modification policy");
- ``untrusted``: sound and unchanged, but its certificate does not chain to the trust list, or was expired or
  revoked at the moment of signing;
- ``unsigned``: no signature (or not a PDF we can read).

A document with several signatures is judged by the worst of them (modified > untrusted > valid) and
described by its last one. Pure of Django: the explanation texts are chosen by the caller (``selectors``).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from motcua.signatures.pki import fingerprint
from motcua.signatures.verdicts import MODIFIED, UNSIGNED, UNTRUSTED, VALID, is_pdf

__all__ = ["MODIFIED", "UNSIGNED", "UNTRUSTED", "VALID", "Verdict", "is_pdf", "verify_pdf"]

_RANK = {VALID: 0, UNTRUSTED: 1, MODIFIED: 2}


@dataclass(frozen=True)
class Verdict:
    verdict: str  # valid | modified | untrusted | unsigned
    signer: str = ""
    signed_at: datetime | None = None  # the timestamp's moment when there is one, else what the signer reported
    trusted: bool = False
    modified_after_signing: bool = False
    certificate_fingerprint: str = ""
    signature_digest: str = ""  # SHA-256 of the last signature's CMS value: finds the document we issued
    signatures: int = 0
    embedded_validation_data: bool = False  # a document security store (B-LT)
    detail: str = ""  # pyHanko's reason for a verdict other than valid (English, for logs and officers)

    @property
    def valid(self) -> bool:
        return self.verdict == VALID


def _judge(status: PdfSignatureStatus) -> tuple[str, str]:
    if not status.intact or not status.valid:
        return MODIFIED, "the signature is cryptographically unsound (a signed byte changed)"
    if not status.docmdp_ok:
        return MODIFIED, f"a later update is incompatible with the modification policy ({status.modification_level})"
    if not status.trusted or status.revoked:
        return UNTRUSTED, f"the signer's certificate is not trusted ({status.trust_problem_indic})"
    return VALID, ""


def verify_pdf(data: bytes, trust_roots: Sequence[asn1_x509.Certificate], *, crls: Sequence[bytes] = ()) -> Verdict:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AssertionError):
        return Verdict(UNSIGNED, detail="not a readable PDF")
    if not signatures:
        return Verdict(UNSIGNED, detail="no signature")
    from motcua.signatures.pades import validation_context  # one place that builds the offline context

    worst, detail = VALID, ""
    status = None
    for embedded in signatures:
        context: ValidationContext = validation_context(trust_roots, crls)
        try:
            status = validate_pdf_signature(embedded, context)
            verdict, why = _judge(status)
        except (SignatureValidationError, ValueError, KeyError, TypeError) as error:
            verdict, why = MODIFIED, f"the signature cannot be validated: {error}"
        if _RANK[verdict] > _RANK[worst]:
            worst, detail = verdict, why
    last = signatures[-1]
    signed_at = None
    signer, certificate = "", ""
    if status is not None:
        tst = status.timestamp_validity
        signed_at = tst.timestamp if tst is not None else status.signer_reported_dt
        signer = status.signing_cert.subject.native.get("common_name", "") or status.signing_cert.subject.human_friendly
        certificate = fingerprint(status.signing_cert.dump())
    signature_value = last.signer_info["signature"].native
    return Verdict(
        verdict=worst,
        signer=signer,
        signed_at=signed_at,
        trusted=worst == VALID,
        modified_after_signing=worst == MODIFIED,
        certificate_fingerprint=certificate,
        signature_digest=hashlib.sha256(signature_value).hexdigest(),
        signatures=len(signatures),
        embedded_validation_data="/DSS" in reader.root,
        detail=detail,
    )
