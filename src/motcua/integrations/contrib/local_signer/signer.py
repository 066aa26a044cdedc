"""The local signer: each agency's PKCS#12 key under ``MOTCUA_SIGNING_DIR/agencies/<identifier>.p12``.

PAdES B-LT with an RFC 3161 timestamp from ``MOTCUA_TSA_URL`` and the trust list's certificates and revocation
lists embedded (``signatures.pades``; RULES.md §13). Configured when the TSA's address and the PKCS#12 password are
set and the key folder exists; an agency without a key file is refused when it is asked to sign.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.integrations.errors import PermanentFailure, TemporaryFailure
from motcua.integrations.signing import SignatureRequest, signers
from motcua.signatures import trust
from motcua.signatures.pki import file_name_for


@signers.register("local")
class LocalSigner:
    name = "local"
    label = gettext_lazy("Khóa PKCS#12 của cơ quan, trên máy chủ")

    def problem(self) -> str | None:
        if not settings.MOTCUA_TSA_URL:
            return _("Chưa đặt MOTCUA_TSA_URL (máy chủ cấp dấu thời gian).")
        if not settings.MOTCUA_SIGNING_P12_PASSWORD:
            return _("Chưa đặt MOTCUA_SIGNING_P12_PASSWORD (mật khẩu tệp khóa PKCS#12).")
        if not (settings.MOTCUA_SIGNING_DIR / "agencies").is_dir():
            return _("Không có thư mục khóa %(dir)s.") % {"dir": settings.MOTCUA_SIGNING_DIR / "agencies"}
        return None

    def sign_pdf(self, pdf: bytes, request: SignatureRequest) -> bytes:
        # pyHanko is loaded when something is signed, not by every process that loads the apps (``verdicts``)
        from pyhanko.sign.general import SigningError
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError

        from motcua.signatures import pades
        from motcua.signatures.timestamps import timestamper_for

        path = settings.MOTCUA_SIGNING_DIR / "agencies" / file_name_for(request.agency)
        if not path.is_file():
            raise PermanentFailure(
                _("Cơ quan %(agency)s chưa có khóa ký số (%(path)s).")
                % {
                    "agency": request.agency,
                    "path": path.name,
                }
            )
        try:
            key = pades.load_pkcs12(path.read_bytes(), settings.MOTCUA_SIGNING_P12_PASSWORD.encode())
        except ValueError as error:
            raise PermanentFailure(_("Không đọc được khóa ký số của cơ quan: %(e)s") % {"e": error}) from error
        context = pades.validation_context(trust.trust_roots(), trust.crls())
        stamp = pades.StampText(
            agency=request.agency_name or request.agency,
            signer=request.signer_name,
            signed_at=timezone.localtime(request.signing_time or timezone.now()),
            verification_url=request.verification_url,
        )
        try:
            return pades.sign(
                pdf,
                key,
                stamp_text=stamp,
                reason=request.reason,
                location=request.location,
                timestamper=timestamper_for(settings.MOTCUA_TSA_URL, settings.MOTCUA_TSA_TIMEOUT_SECONDS),
                context=context,
                font_path=settings.MOTCUA_SIGNING_FONT,
            )
        except TimestampRequestError as error:
            raise TemporaryFailure(_("Máy chủ dấu thời gian: %(e)s") % {"e": error}) from error
        except SigningError as error:
            raise PermanentFailure(_("Không ký được: %(e)s") % {"e": error}) from error
