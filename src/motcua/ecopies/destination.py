"""The ``ecopy`` destination of the outbox: a certified copy signed by the agency's certificate, in the worker.

The officer's certification (``services.certify_copy``) wrote one row ``ecopy:<id>``; delivering it

1. makes the PDF to sign: a PDF scan as it is, an image scan on an A4 page with the certification's words
   (``scan_page.html``: "bản sao điện tử được chứng thực từ bản chính", who, where, when);
2. has it signed by the configured signer (``MOTCUA_SIGNER``) with the agency's certificate, the stamp naming the
   agency, the officer and the time, the QR code to ``/verify/``;
3. verifies it against the trust list (a copy that does not verify is never stored: dead at once);
4. ``services.record_signed_copy``: stored, summarised, entered in the applicant's data store.

A temporary failure (a TSA down, a remote official who has not confirmed yet) is retried with backoff; a permanent
one (no key for the agency, the official rejected) ends the copy as *failed* with the reason, shown to the officer.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.documents.pdf import html_to_pdf
from motcua.ecopies.models import CertifiedCopy, CopyStatus
from motcua.ecopies.services import DESTINATION, record_failure, record_signed_copy
from motcua.integrations.destinations import OutgoingMessage, destinations
from motcua.integrations.errors import PermanentFailure
from motcua.integrations.signing import SignatureRequest, configured_signer_problem, signers
from motcua.signatures.selectors import verify_upload

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierAction
    from motcua.integrations.models import OutboxMessage


def verification_url(copy: CertifiedCopy) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL}/verify/?ecopy={copy.pk}"


def copy_pdf(copy: CertifiedCopy) -> bytes:
    """The document to sign: the scanned PDF, or the scanned image on a page with the certification's words."""
    with copy.scan.open("rb") as handle:
        data = handle.read()
    if copy.scan_content_type == "application/pdf":
        return data
    image = f"data:{copy.scan_content_type};base64,{base64.b64encode(data).decode()}"
    html = render_to_string(
        "ecopies/scan_page.html",
        {"copy": copy, "image": image, "requested_at": timezone.localtime(copy.requested_at)},
    )
    return html_to_pdf(html)


@destinations.register(DESTINATION)
class EcopyDestination:
    name = DESTINATION
    label = gettext_lazy("Ký số bản sao điện tử được chứng thực từ bản chính")

    def problem(self) -> str | None:
        return configured_signer_problem()

    def message_for(self, dossier: Dossier, action: DossierAction, *, key: str) -> OutgoingMessage | None:
        return None  # written by ``services.certify_copy``, never by a dossier's action

    def deliver(self, message: OutboxMessage) -> str:
        copy = CertifiedCopy.objects.select_related("agency").filter(pk=message.payload["copy"]).first()
        if copy is None:
            raise PermanentFailure(_("Không có bản sao số %(id)s.") % {"id": message.payload["copy"]})
        if copy.status == CopyStatus.SIGNED:
            return f"already signed {copy.pk}"
        try:
            return self._sign(copy, message.idempotency_key)
        except PermanentFailure as error:
            record_failure(copy.pk, str(error))
            raise

    def _sign(self, copy: CertifiedCopy, key: str) -> str:
        signer = signers[settings.MOTCUA_SIGNER]
        signed = signer.sign_pdf(
            copy_pdf(copy),
            SignatureRequest(
                agency=copy.agency.identifier,
                agency_name=copy.agency.name,
                signer_name=copy.officer_name,
                reason=_("Chứng thực bản sao điện tử từ bản chính: %(name)s") % {"name": copy.name[:150]},
                location=copy.agency.name[:200],
                verification_url=verification_url(copy),
                signing_time=copy.requested_at,
                key=key,
            ),
        )
        checked = verify_upload(signed)
        if not checked.verdict.valid:
            raise PermanentFailure(
                _("Bản sao vừa ký không kiểm tra được: %(why)s")
                % {"why": checked.verdict.detail or checked.explanation}
            )
        record = record_signed_copy(copy.pk, pdf=signed, verdict=checked.verdict, signer_plugin=signer.name)
        return f"signed copy {record.pk} ({checked.verdict.certificate_fingerprint[:23]})"
