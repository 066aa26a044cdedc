"""Dossiers that fill a store, for the data store's tests."""

from __future__ import annotations

from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.catalog.models import Offering
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import open_dossier, perform
from motcua.dossiers.tests.fixtures import counter_intake
from motcua.rules.lifecycle import ActionType
from motcua.rules.workdays import VIETNAM_TZ

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OWNER = "019099012345"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


def pdf(name: str = "giay-to.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def received_with_files(offering: Offering, counter: User, when: datetime, id_number: str = OWNER) -> Dossier:
    """A dossier received at the counter with a scan of every unconditional document."""
    intake = counter_intake(offering, id_number=id_number)
    intake.files = {
        item.document_id: [pdf(f"doc-{item.document_id}.pdf", PDF + str(item.document_id).encode())]
        for item in intake.checklist
    }
    return open_dossier(intake, user=counter, at=when)


def resolved(dossier: Dossier, staff: dict[str, User], when: datetime) -> Dossier:
    """Through the demo process to a recorded result (a signed PDF uploaded by the counter)."""
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=when)
    perform(dossier, ActionType.FORWARD, user=staff["specialist"], at=when)
    perform(dossier, ActionType.APPROVE, user=staff["leader"], at=when)
    perform(
        dossier, ActionType.RECORD_RESULT, user=staff["counter"], files=[pdf("ket-qua.pdf", PDF + b"result")], at=when
    )
    dossier.refresh_from_db()
    return dossier
