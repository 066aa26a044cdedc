"""The access log (issue 15): who read or downloaded which dossier or document, who logged in or failed to,
every admin change — with the address, append-only, searchable by the monitoring officer and exportable."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.accesslog.models import AccessEvent
from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import open_dossier
from motcua.dossiers.tests.fixtures import counter_intake, offering_of, officer
from motcua.rules.access import Access, AccessKind, classify
from motcua.testing import sign_in

pytestmark = pytest.mark.django_db

PROVINCE_OFFICE = "Văn phòng UBND tỉnh Thái Nguyên"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --------------------------------------------------------------------------------------------------
# which requests are reads, by route (a hand-made table)


@pytest.mark.parametrize(
    ("route", "kwargs", "method", "status", "expected"),
    [
        ("workbench/dossiers/<str:code>/", {"code": "X"}, "GET", 200, Access(AccessKind.READ_DOSSIER, "X", "")),
        ("api/v1/dossiers/<code>", {"code": "X"}, "GET", 200, Access(AccessKind.READ_DOSSIER, "X", "")),
        (
            "api/v1/dossiers/<code>/documents/<document_id>",
            {"code": "X", "document_id": "7"},
            "GET",
            200,
            Access(AccessKind.DOWNLOAD, "X", "7"),
        ),
        (
            "workbench/dossiers/<str:code>/documents/<int:document_id>/",
            {"code": "X", "document_id": 7},
            "GET",
            200,
            Access(AccessKind.DOWNLOAD, "X", "7"),
        ),
        ("track/<str:code>/", {"code": "X"}, "GET", 200, Access(AccessKind.READ_DOSSIER, "X", "")),
        ("procedures/<str:code>/", {"code": "1.000893"}, "GET", 200, None),  # the catalogue: no personal data
        ("workbench/dossiers/<str:code>/", {"code": "X"}, "GET", 404, None),  # nothing was read
        ("workbench/dossiers/<str:code>/actions/<str:action>/", {"code": "X", "action": "forward"}, "POST", 302, None),
        ("workbench/", {}, "GET", 200, None),
    ],
)
def test_what_counts_as_a_read(route: str, kwargs: dict[str, Any], method: str, status: int, expected: Any) -> None:
    assert classify(route, kwargs, method, status) == expected


# --------------------------------------------------------------------------------------------------
# recorded from real requests


@pytest.fixture
def dossier(commune: Agency, staff: dict[str, User]) -> Dossier:
    return open_dossier(counter_intake(offering_of("2.001035", commune)), user=staff["counter"])


@pytest.fixture
def monitor(demo_catalog: Any) -> User:
    return officer("giamsat", Agency.objects.get(name=PROVINCE_OFFICE), "monitor")


def client_of(user: User, address: str = "10.1.2.3") -> Client:
    client = Client(REMOTE_ADDR=address)
    sign_in(client, user)
    return client


def test_an_officer_reading_a_dossier_is_logged_with_the_address(dossier: Dossier, staff: dict[str, User]) -> None:
    response = client_of(staff["specialist"]).get(reverse("web:workbench-dossier", args=[dossier.code]))
    assert response.status_code == 200
    event = AccessEvent.objects.get(kind=AccessKind.READ_DOSSIER)
    assert (event.username, event.address, event.dossier_code, event.method) == (
        "specialist",
        "10.1.2.3",
        dossier.code,
        "GET",
    )


def test_a_document_download_through_the_api_is_logged(dossier: Dossier, staff: dict[str, User]) -> None:
    from motcua.dossiers.services import attach_document

    document_id = attach_document(
        dossier,
        SimpleUploadedFile("giay.pdf", PDF, content_type="application/pdf"),
        kind="supplement",
        user=staff["counter"],
    ).pk
    response = client_of(staff["counter"]).get(f"/api/v1/dossiers/{dossier.code}/documents/{document_id}")
    assert response.status_code == 200
    event = AccessEvent.objects.get(kind=AccessKind.DOWNLOAD)
    assert (event.username, event.dossier_code, event.document) == ("counter", dossier.code, str(document_id))


def test_an_anonymous_lookup_on_the_tracking_page_is_logged_without_a_user(dossier: Dossier) -> None:
    response = Client(REMOTE_ADDR="203.0.113.9").get(reverse("web:track", args=[dossier.code]))
    assert response.status_code == 200
    event = AccessEvent.objects.get(kind=AccessKind.READ_DOSSIER)
    assert (event.user, event.username, event.address) == (None, "", "203.0.113.9")


def test_a_refused_read_is_not_a_read(dossier: Dossier, other_commune: Agency) -> None:
    stranger = officer("la", other_commune, "specialist")
    assert client_of(stranger).get(reverse("web:workbench-dossier", args=[dossier.code])).status_code == 404
    assert not AccessEvent.objects.filter(kind=AccessKind.READ_DOSSIER).exists()


def test_logins_and_failed_logins_are_logged(staff: dict[str, User]) -> None:
    client = Client(REMOTE_ADDR="198.51.100.4")
    login = reverse("web:login")
    client.post(login, {"username": "counter", "password": "sai-mat-khau"})
    client.post(login, {"username": "counter", "password": "x"})
    failed, logged_in = AccessEvent.objects.order_by("pk")
    assert (failed.kind, failed.username, failed.user, failed.address) == (
        AccessKind.LOGIN_FAILED,
        "counter",
        None,
        "198.51.100.4",
    )
    assert "sai-mat-khau" not in failed.detail + failed.path
    assert (logged_in.kind, logged_in.user, logged_in.address) == (AccessKind.LOGIN, staff["counter"], "198.51.100.4")


def test_an_admin_change_is_logged_with_who_what_and_where(commune: Agency) -> None:
    admin = User.objects.create_superuser("quantri", password="x")
    client = client_of(admin, "192.0.2.77")
    url = reverse("admin:accounts_user_change", args=[admin.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data |= {"username": "quantri", "full_name": "Quản trị viên", "date_joined_0": "2026-01-01"}
    data |= {"date_joined_1": "08:00:00", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}
    response = client.post(url, data)
    assert response.status_code == 302, getattr(response, "context", None) and response.context["adminform"].errors
    event = AccessEvent.objects.get(kind=AccessKind.ADMIN_CHANGE)
    assert (event.user, event.address) == (admin, "192.0.2.77")
    assert "«Quản trị viên»" in event.detail
    assert "Họ và tên" in event.detail


def test_the_log_cannot_be_changed_or_deleted_through_the_code(staff: dict[str, User], dossier: Dossier) -> None:
    client_of(staff["counter"]).get(reverse("web:workbench-dossier", args=[dossier.code]))
    event = AccessEvent.objects.get(kind=AccessKind.READ_DOSSIER)
    with pytest.raises(TypeError):
        AccessEvent.objects.filter(pk=event.pk).update(username="khac")
    with pytest.raises(TypeError):
        event.delete()
    event.username = "khac"
    with pytest.raises(TypeError):
        event.save()


# --------------------------------------------------------------------------------------------------
# the monitoring officer's page and its export


def test_the_monitoring_officer_searches_and_exports(dossier: Dossier, staff: dict[str, User], monitor: User) -> None:
    client_of(staff["specialist"], "10.0.0.1").get(reverse("web:workbench-dossier", args=[dossier.code]))
    Client(REMOTE_ADDR="10.0.0.2").post(reverse("web:login"), {"username": "=HYPERLINK(1)", "password": "x"})
    page = client_of(monitor).get(reverse("web:workbench-access-log"), {"dossier_code": dossier.code})
    assert page.status_code == 200
    assert [e.username for e in page.context["events"]] == ["specialist"]
    export = client_of(monitor).get(reverse("web:workbench-access-log-xlsx"), {"kind": "login_failed"})
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][1:4] == ("Đăng nhập không thành công", "=HYPERLINK(1)", "10.0.0.2")
    assert sheet.cell(row=2, column=3).data_type == "s"  # text, not a formula


def test_other_officers_cannot_read_the_log(staff: dict[str, User]) -> None:
    client = client_of(staff["leader"])
    assert client.get(reverse("web:workbench-access-log")).status_code == 404
    assert client.get(reverse("web:workbench-access-log-xlsx")).status_code == 404


def test_a_bad_filter_is_explained_not_a_crash(monitor: User) -> None:
    page = client_of(monitor).get(reverse("web:workbench-access-log"), {"address": "không-phải-IP", "first": "x"})
    assert page.status_code == 200
    assert page.context["form"].errors.keys() == {"address", "first"}
    assert page.context["events"] == []
