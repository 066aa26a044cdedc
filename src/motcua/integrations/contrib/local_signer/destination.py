"""The ``signing`` destination of the outbox: a leader's approval becomes a signed result, in the worker.

Signing never runs in the request that approves (issue 12): the approval writes, in its own transaction, one outbox
row ``signing:<dossier code>:<seq of the approval>``; the worker delivers it by

1. taking the result document — the latest PDF result the dossier's officers uploaded and nobody recorded yet, or,
   when there is none, the default result document rendered from the dossier's data (``result.html``; the catalogue
   holds no per-procedure result template yet, a reading recorded in docs/decisions.md);
2. having it signed by the configured signer (``MOTCUA_SIGNER``, ``local`` by default) with the resolving agency's
   certificate;
3. verifying the signed PDF against the trust list (a result that does not verify is never recorded: dead at once);
4. ``signatures.services.record_signed_result``: stored, summarised, and ``record_result`` by the system actor.

A TSA that is down is a temporary failure (retried with backoff); a missing key or a dossier that can no longer take
a result is dead at once, shown in the admin with the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.documents.pdf import html_to_pdf
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import DocumentKind, Dossier, DossierDocument
from motcua.integrations.destinations import OutgoingMessage, destinations
from motcua.integrations.errors import PermanentFailure
from motcua.integrations.signing import SignatureRequest, configured_signer_problem, signers
from motcua.rules.lifecycle import ActionType
from motcua.signatures.selectors import verify_upload
from motcua.signatures.services import record_signed_result

if TYPE_CHECKING:
    from motcua.dossiers.models import DossierAction
    from motcua.integrations.models import OutboxMessage

EVENT = "result.sign"


def verification_url(code: str) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL}/verify/?code={code}"


def result_pdf(dossier: Dossier, document_id: int | None, approved_at: str) -> tuple[bytes, str, str]:
    """The PDF to sign, its name and its file name."""
    if document_id is not None:
        document = DossierDocument.objects.filter(pk=document_id, dossier=dossier).first()
        if document is None:
            raise PermanentFailure(_("Không còn tệp kết quả số %(id)s của hồ sơ.") % {"id": document_id})
        with document.file.open("rb") as handle:
            return handle.read(), document.name, document.original_filename
    moment = parse_datetime(approved_at) or timezone.now()
    html = render_to_string(
        "signatures/result.html",
        {"dossier": dossier, "approved_at": timezone.localtime(moment), "procedure": dossier.procedure},
    )
    return html_to_pdf(html), _("Kết quả giải quyết hồ sơ %(code)s") % {"code": dossier.code}, f"{dossier.code}.pdf"


@destinations.register("signing")
class SigningDestination:
    name = "signing"
    label = gettext_lazy("Ký số kết quả giải quyết khi lãnh đạo phê duyệt")

    def problem(self) -> str | None:
        return configured_signer_problem()

    def message_for(self, dossier: Dossier, action: DossierAction, *, key: str) -> OutgoingMessage | None:
        if action.type != ActionType.APPROVE.value:
            return None
        unsigned = (
            DossierDocument.objects.filter(dossier=dossier, kind=DocumentKind.RESULT, content_type="application/pdf")
            .filter(signature__isnull=True)
            .order_by("-uploaded_at", "-id")
            .values_list("pk", flat=True)
            .first()
        )
        leader = action.actor.full_name or action.actor.username if action.actor else ""
        return OutgoingMessage(
            event=EVENT,
            payload={
                "dossier": dossier.code,
                "agency": dossier.resolving_agency.identifier,
                "agency_name": dossier.resolving_agency.name,
                "signer_name": leader,
                "document_id": unsigned,
                "approved_at": action.at.isoformat(),
            },
        )

    def deliver(self, message: OutboxMessage) -> str:
        payload = message.payload
        dossier = (
            Dossier.objects.select_related("procedure", "resolving_agency").filter(code=payload["dossier"]).first()
        )
        if dossier is None:
            raise PermanentFailure(_("Không có hồ sơ %(code)s.") % {"code": payload["dossier"]})
        pdf, name, filename = result_pdf(dossier, payload.get("document_id"), payload["approved_at"])
        signer = signers[settings.MOTCUA_SIGNER]
        signed = signer.sign_pdf(
            pdf,
            SignatureRequest(
                agency=payload["agency"],
                agency_name=payload["agency_name"],
                signer_name=payload["signer_name"],
                reason=_("Phê duyệt kết quả giải quyết hồ sơ %(code)s") % {"code": dossier.code},
                location=payload["agency_name"][:200],
                verification_url=verification_url(dossier.code),
                signing_time=parse_datetime(payload["approved_at"]),
                key=message.idempotency_key,
            ),
        )
        checked = verify_upload(signed)
        if not checked.verdict.valid:
            raise PermanentFailure(
                _("Văn bản vừa ký không kiểm tra được: %(why)s")
                % {"why": checked.verdict.detail or checked.explanation}
            )
        try:
            record = record_signed_result(
                dossier_id=dossier.pk,
                source_key=message.idempotency_key,
                pdf=signed,
                name=name,
                filename=filename if filename.lower().endswith(".pdf") else f"{filename}.pdf",
                verdict=checked.verdict,
                signed_by=payload["signer_name"],
                signer_plugin=signer.name,
            )
        except DossierError as error:
            raise PermanentFailure(_("Không ghi được kết quả vào hồ sơ: %(e)s") % {"e": error}) from error
        return f"signed {record.certificate_fingerprint[:23]} at {record.signed_at:%Y-%m-%d %H:%M:%S}"
