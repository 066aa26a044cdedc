"""Reads of signed documents: a dossier's results (authorised as the dossier is), and what a verification found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.dossiers.models import DocumentKind, Dossier, DossierDocument
from motcua.signatures import trust
from motcua.signatures.models import SignedDocument
from motcua.signatures.verdicts import MODIFIED, UNSIGNED, UNTRUSTED, VALID

if TYPE_CHECKING:
    from motcua.signatures.verify import Verdict


def result_documents(dossier: Dossier) -> QuerySet[DossierDocument]:
    """The dossier's result documents, newest first, each with its signature summary when motcua signed it
    (the caller has already found ``dossier`` among those it may see)."""
    return (
        DossierDocument.objects.filter(dossier=dossier, kind=DocumentKind.RESULT)
        .select_related("signature")
        .order_by("-uploaded_at", "-id")
    )


def signed_result_for(signed_id: int) -> SignedDocument | None:
    """One signed document with its dossier and file (for the data store's feed, ``signals``)."""
    return SignedDocument.objects.select_related("dossier", "document").filter(pk=signed_id).first()


def explanation(verdict: str) -> str:
    """The verdict said to anyone, in Vietnamese."""
    return {
        VALID: _(
            "Chữ ký số hợp lệ: văn bản do cơ quan có tên dưới đây ký, chứng thư số thuộc danh sách tin cậy "
            "và văn bản không bị thay đổi sau khi ký."
        ),
        MODIFIED: _("Văn bản đã bị thay đổi sau khi ký: nội dung hiện tại không còn là văn bản đã được ký."),
        UNTRUSTED: _(
            "Văn bản được ký bởi một chứng thư số không thuộc danh sách tin cậy (hoặc đã hết hạn, bị thu hồi "
            "khi ký): không xác nhận được cơ quan ký."
        ),
        UNSIGNED: _("Tệp không có chữ ký số."),
    }[verdict]


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    explanation: str
    dossier_code: str | None  # when the document is one motcua issued (found by its signature)


def verify_upload(data: bytes) -> Verification:
    """Verify a PDF against the configured trust list; name the dossier when motcua issued it."""
    from motcua.signatures.verify import verify_pdf  # pyHanko, loaded when a verification runs

    verdict = verify_pdf(data, trust.trust_roots(), crls=trust.crls())
    code = None
    if verdict.signature_digest:
        code = (
            SignedDocument.objects.filter(signature_digest=verdict.signature_digest)
            .values_list("dossier__code", flat=True)
            .first()
        )
    return Verification(verdict, explanation(verdict.verdict), code)
