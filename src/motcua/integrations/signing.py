"""Signers of result documents and e-copies (PKCS#12 key, remote signing service): interface only (issue 12).

Signing runs in the worker, never in the request that approves. A remote signer whose official has not
confirmed yet raises ``SignaturePending`` (a temporary failure: the task is tried again later).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.integrations.errors import TemporaryFailure
from motcua.integrations.registry import Plugin, Registry


@dataclass(frozen=True)
class SignatureRequest:
    agency: str  # the agency's electronic identifier, which chooses its certificate
    signer_name: str
    reason: str
    location: str
    verification_url: str  # printed as a QR code in the visible stamp
    agency_name: str = ""  # printed in the stamp (issue 12: the stamp names agency, signer and time)
    signing_time: datetime | None = None  # the time printed in the stamp; None: now
    #: what caused the signing (the outbox row's idempotency key): a remote signer keeps its pending state and
    #: asks its service once under it; "" when nothing is to be resumed (a bench, a test)
    key: str = ""


class SignaturePending(TemporaryFailure):
    """The remote signing service waits for the official's confirmation."""


class Signer(Plugin, Protocol):
    def sign_pdf(self, pdf: bytes, request: SignatureRequest) -> bytes:
        """The PDF signed (PAdES, with a timestamp and validation data)."""
        ...


signers: Registry[Signer] = Registry("signing", _("Ký số"))


def configured_signer_problem() -> str | None:
    """Why the signer ``MOTCUA_SIGNER`` names cannot sign now, or ``None``: the ``problem`` of every destination
    that signs (results, certified e-copies)."""
    signer = signers.get(settings.MOTCUA_SIGNER)
    if signer is None:
        return gettext("Không có cách ký “%(name)s” (MOTCUA_SIGNER).") % {"name": settings.MOTCUA_SIGNER}
    return signer.problem()
