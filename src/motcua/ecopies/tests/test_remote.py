"""A certified copy signed through the remote signer (the stand-in as its own process): the officer reads "waiting
for the official" while the worker's attempts return at once, the copy is signed once the official confirms, and a
rejection ends it in a state the officer reads."""

from __future__ import annotations

import httpx
import pytest
from django.test import Client
from django.utils import timezone

from motcua.ecopies.models import CopyStatus
from motcua.ecopies.services import CopyRequest, certify_copy
from motcua.ecopies.tests.helpers import KIND, OWNER, scan_upload
from motcua.integrations.contrib.remote_signer.tests.test_remote_signer import TOKEN, service  # noqa: F401
from motcua.integrations.delivery import DEAD, DELIVERED, RETRY, deliver
from motcua.integrations.models import OutboxMessage
from motcua.testing import sign_in


@pytest.fixture
def remote_settings(signing_settings, service):  # noqa: F811
    signing_settings.MOTCUA_SIGNER = "remote"
    signing_settings.MOTCUA_REMOTE_SIGNER_URL = service
    signing_settings.MOTCUA_REMOTE_SIGNER_TOKEN = TOKEN
    httpx.post(service + "_standin/auto", json={"mode": ""})
    return signing_settings


def _certify(staff, commune, key: str):
    request = CopyRequest(commune.pk, OWNER, "Lê Thị Cúc", KIND, "", True)
    return certify_copy(staff["counter"], request, scan_upload(), idempotency_key=key)


def _due_now(copy) -> None:
    OutboxMessage.objects.filter(idempotency_key=copy.outbox_key).update(next_attempt_at=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_the_officer_sees_the_wait_then_the_signed_copy_or_the_rejection(remote_settings, service, commune, staff):  # noqa: F811
    web = Client()
    sign_in(web, staff["counter"])
    copy = _certify(staff, commune, "r-1")
    assert deliver(copy.outbox_key, worker_id="test") == RETRY  # asked, not confirmed: the attempt returns
    assert "Đang chờ người ký xác nhận trên ứng dụng ký số" in web.get("/workbench/ecopies/").content.decode()
    for r in httpx.get(service + "_standin/received").json()["requests"]:
        if r["status"] == "pending":
            httpx.post(f"{service}_standin/confirm/{r['id']}")
    _due_now(copy)
    assert deliver(copy.outbox_key, worker_id="test") == DELIVERED
    copy.refresh_from_db()
    assert copy.status == CopyStatus.SIGNED
    assert copy.signed.signer_plugin == "remote"
    orders = httpx.get(service + "_standin/received").json()["orders"]
    assert orders.count(copy.outbox_key) == 1  # one request to the official for the document

    httpx.post(service + "_standin/auto", json={"mode": "reject"})
    rejected = _certify(staff, commune, "r-2")
    assert deliver(rejected.outbox_key, worker_id="test") == DEAD
    rejected.refresh_from_db()
    assert rejected.status == CopyStatus.FAILED
    page = web.get("/workbench/ecopies/").content.decode()
    assert "Không ký được: Người ký đã từ chối ký trên ứng dụng." in page


@pytest.mark.django_db(transaction=True)
def test_a_result_signed_remotely_shows_the_wait_and_the_rejection_on_the_dossier_page(
    remote_settings,
    service,  # noqa: F811
    commune,
    staff,
):
    from motcua.integrations.tests.conftest import walk_dossier

    dossier = walk_dossier(commune, staff)  # approved: the signing row is written
    row = OutboxMessage.objects.get(destination="signing", dossier=dossier)
    web = Client()
    sign_in(web, staff["counter"])
    assert deliver(row.idempotency_key, worker_id="test") == RETRY
    page = web.get(f"/workbench/dossiers/{dossier.code}/").content.decode()
    assert "đang ký số trong tiến trình nền — Đang chờ người ký xác nhận trên ứng dụng ký số" in page
    for r in httpx.get(service + "_standin/received").json()["requests"]:
        if r["status"] == "pending":
            httpx.post(f"{service}_standin/reject/{r['id']}")
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert deliver(row.idempotency_key, worker_id="test") == DEAD
    page = web.get(f"/workbench/dossiers/{dossier.code}/").content.decode()
    assert "không ký được — Người ký đã từ chối ký trên ứng dụng." in page
