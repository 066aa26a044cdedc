"""Dossiers walked through every moment the applicant is told about, with e-mail and SMS configured in-process."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import Fee
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import open_dossier, perform
from motcua.dossiers.tests.fixtures import counter_intake, offering_of
from motcua.integrations.models import OutboxMessage
from motcua.rules.lifecycle import ActionType
from motcua.rules.workdays import VIETNAM_TZ

EMAIL = "an.nguyen@example.vn"
PHONE = "0912 345 678"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MISSING = ["Bản sao giấy chứng nhận quyền sử dụng đất", "Văn bản ủy quyền có công chứng"]
REASONS = ["Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường"]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


@pytest.fixture
def channels(settings: Any) -> None:
    """E-mail (Django's locmem backend) and SMS configured: actions write rows for both."""
    settings.MOTCUA_EMAIL_URL = "memory:"
    settings.MOTCUA_SMS_URL = "http://127.0.0.1:9/sms"
    settings.MOTCUA_SMS_TOKEN = "t"
    settings.MOTCUA_PUBLIC_URL = "https://motcua.thainguyen.gov.vn"


def receive(commune: Any, staff: dict[str, Any], *, moment: datetime | None = None, **contact: str) -> Dossier:
    person = {"email": EMAIL, "phone": PHONE} | contact
    offering = offering_of("2.001035", commune)
    return open_dossier(counter_intake(offering, **person), user=staff["counter"], at=moment or at(2026, 12, 1, 9, 15))


def rows_of(dossier: Dossier, channel: str = "email") -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(dossier=dossier, destination=channel).order_by("pk"))


def last_row(dossier: Dossier, channel: str = "email") -> OutboxMessage:
    return rows_of(dossier, channel)[-1]


def to_result(dossier: Dossier, staff: dict[str, Any]) -> None:
    """Forward, approve, record a result and mark it ready (the actions in between tell the applicant nothing)."""
    moment = at(2026, 12, 1, 10, 0)
    for kind, role in [
        (ActionType.FORWARD, "counter"),
        (ActionType.FORWARD, "specialist"),
        (ActionType.APPROVE, "leader"),
    ]:
        moment += timedelta(minutes=10)
        perform(dossier, kind, user=staff[role], at=moment)
    result = SimpleUploadedFile("ket-qua.pdf", PDF, content_type="application/pdf")
    perform(dossier, ActionType.RECORD_RESULT, user=staff["counter"], files=[result], at=moment + timedelta(minutes=5))
    perform(dossier, ActionType.MARK_RESULT_READY, user=staff["counter"], at=moment + timedelta(minutes=10))


def set_fees(commune: Any) -> None:
    """Two fee lines of known amounts, without conditions, instead of the catalogue's."""
    offering = offering_of("2.001035", commune)
    offering.fees.all().delete()
    Fee.objects.create(offering=offering, kind="charge", name="Lệ phí chứng thực hợp đồng", amount_vnd=50000)
    Fee.objects.create(offering=offering, kind="fee", name="Phí sao y", amount_vnd=1_200_000)
