"""A multipart body without a boundary (or otherwise unreadable) is a 400 in Vietnamese, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import User
from motcua.accounts.services import create_api_token
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import open_dossier
from motcua.dossiers.tests.fixtures import counter_intake, offering_of
from motcua.testing import sign_in

#: Content types a browser or a program may send with a body Django's multipart parser cannot read.
BROKEN = [
    "multipart/form-data",  # no boundary at all
    "multipart/form-data; boundary=",  # an empty one
    "multipart/form-data; boundary=\u00e9t\u00e9",  # not a boundary Django accepts
]
BODY = b'--x\r\nContent-Disposition: form-data; name="data"\r\n\r\n{}\r\n--x--\r\n'


@pytest.fixture(autouse=True)
def _production(settings: Any) -> None:
    settings.DEBUG = False


@pytest.fixture
def dossier(commune: Agency, staff: dict[str, User]) -> Dossier:
    return open_dossier(counter_intake(offering_of("2.001035", commune)), user=staff["counter"])


def api_paths(dossier: Dossier) -> list[str]:
    return ["/api/v1/dossiers/upload", f"/api/v1/dossiers/{dossier.code}/documents"]


def assert_json_400(response: Any) -> None:
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail"}
    assert "multipart" in body["detail"]
    assert "Nội dung gửi lên không đọc được" in body["detail"]


@pytest.mark.parametrize("content_type", BROKEN)
def test_the_api_answers_400_with_a_token(dossier: Dossier, staff: dict[str, User], content_type: str) -> None:
    headers = {"Authorization": f"Bearer {create_api_token(staff['counter'], 'test')}"}
    client = Client(raise_request_exception=False)
    for path in api_paths(dossier):
        assert_json_400(client.post(path, BODY, content_type=content_type, headers=headers))


def test_the_api_answers_400_in_the_browser_session(dossier: Dossier, staff: dict[str, User]) -> None:
    client = Client(raise_request_exception=False)
    sign_in(client, staff["counter"])
    for path in api_paths(dossier):
        assert_json_400(client.post(path, BODY, content_type=BROKEN[0]))


def assert_page_400(response: Any) -> None:
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Yêu cầu không hợp lệ" in page
    assert "Nội dung gửi lên không đọc được" in page


@pytest.mark.parametrize("content_type", BROKEN)
def test_the_workbench_forms_answer_400(dossier: Dossier, staff: dict[str, User], content_type: str) -> None:
    client = Client(raise_request_exception=False)
    sign_in(client, staff["counter"])
    offering = offering_of("2.001035", dossier.resolving_agency)
    for path in [
        reverse("web:workbench-act", args=[dossier.code, "forward"]),
        reverse("web:workbench-intake-form", args=[offering.pk]),
        reverse("admin:index"),
    ]:
        assert_page_400(client.post(path, BODY, content_type=content_type))
    assert Dossier.objects.get(pk=dossier.pk).status == dossier.status  # nothing happened


def test_the_login_form_answers_400(db: None) -> None:
    client = Client(raise_request_exception=False)
    assert_page_400(client.post(reverse("web:login"), BODY, content_type=BROKEN[0]))


def test_a_well_formed_multipart_body_still_works(dossier: Dossier, staff: dict[str, User]) -> None:
    client = Client()
    sign_in(client, staff["counter"])
    response = client.post(reverse("web:workbench-act", args=[dossier.code, "forward"]), {"forward-note": "ok"})
    assert response.status_code == 302
