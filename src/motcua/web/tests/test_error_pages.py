"""Error pages speak Vietnamese when DEBUG is off (Django's own are English)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import User
from motcua.testing import sign_in

ENGLISH = ["Not Found", "Server Error", "Bad Request", "Forbidden", "The requested resource"]


@pytest.fixture(autouse=True)
def _production(settings: Any) -> None:
    settings.DEBUG = False


def vietnamese(response: Any, status: int, heading: str) -> str:
    assert response.status_code == status
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert heading in page
    assert not [word for word in ENGLISH if word in page]
    return page


def test_404_is_vietnamese(client: Client, db: None) -> None:
    vietnamese(client.get("/khong-co-trang-nay/"), 404, "Không tìm thấy trang")


def test_a_citizen_in_the_workbench_gets_the_vietnamese_404(client: Client, db: None) -> None:
    sign_in(client, User.objects.create_user("congdan", password="x"))
    vietnamese(client.get("/workbench/"), 404, "Không tìm thấy trang")


def test_500_is_vietnamese(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("motcua.web.views.render", broken)
    page = vietnamese(Client(raise_request_exception=False).get("/"), 500, "Đã có lỗi ở máy chủ")
    assert "a bug" not in page  # never the error itself
    assert "Traceback" not in page


def test_400_is_vietnamese(client: Client, db: None) -> None:
    vietnamese(client.get("/", HTTP_HOST="khong-duoc-phep.example"), 400, "Yêu cầu không hợp lệ")


def test_403_is_vietnamese(admin_client: Client) -> None:
    vietnamese(admin_client.get(reverse("admin:dossiers_dossiercodesequence_add")), 403, "Không có quyền truy cập")


def test_an_expired_form_is_explained_in_vietnamese(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("web:login"), {"username": "x", "password": "y"})
    vietnamese(response, 403, "Biểu mẫu đã hết hạn")
