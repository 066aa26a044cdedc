"""Importing catalogue files from the admin: the CLI's pipeline behind an upload form, for the permitted only.

Uploaded files are real detail records and lists of the sample committed with the tests (``motcua.testing``)
and broken files built from them.
"""

from __future__ import annotations

import io
import json
import re
from html import unescape
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import User
from motcua.catalog.interchange import dump_catalog
from motcua.catalog.models import Field, Procedure
from motcua.testing import national_catalog_dir, sign_in

NATIONAL = national_catalog_dir()
URL = "/admin/catalog/procedure/import/"
CHANGELIST = "/admin/catalog/procedure/"


def detail_bytes(name: str) -> bytes:
    return (NATIONAL / "detail" / f"{name}.json").read_bytes()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def headerless_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["DANH SÁCH THỦ TỤC HÀNH CHÍNH"])
    workbook.active.append(["1.999901", "Thủ tục không có dòng tiêu đề", "Bộ Tư pháp", "Sở Tư pháp", "Hộ tịch"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def half_valid_catalogue() -> bytes:
    """motcua's format: a valid new field and procedure, then a procedure with a bad code."""
    document = {
        "format": "motcua-catalog/1",
        "fields": [{"code": "linh-vuc-tai-len", "name": "Lĩnh vực tải lên"}],
        "procedures": [
            {"code": "1.999911", "name": "Thủ tục hợp lệ", "field": "linh-vuc-tai-len"},
            {"code": "sai-ma", "name": "Thủ tục sai mã"},
        ],
    }
    return json.dumps(document, ensure_ascii=False).encode()


def page_text(response: Any) -> str:
    return unescape(response.content.decode())


def staff_user(*permissions: str) -> User:
    user = User.objects.create_user("can-bo-cchc", password="mat-khau-thu", is_staff=True)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="catalog", codename=codename))
    return user


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


# -------------------------------------------------------------------------------------------------
# uploads


@pytest.mark.django_db
def test_good_and_broken_files_are_imported_and_reported(admin_client: Client) -> None:
    truncated = detail_bytes("bo-cong-an/1.000807")
    no_code = json.loads(detail_bytes("bo-tai-chinh/2.000575"))
    del no_code["ma_thu_tuc"]
    files = [
        upload("1.000426.json", detail_bytes("bo-tu-phap/1.000426")),
        upload("1.000771.json", detail_bytes("bo-cong-an/1.000771")),
        upload("danh-sach-tthc-ToaAnNhanDan.xlsx", (NATIONAL / "danh-sach-tthc-ToaAnNhanDan.xlsx").read_bytes()),
        upload("cat-doi.json", truncated[: len(truncated) // 2]),
        upload("khong-ma.json", json.dumps(no_code, ensure_ascii=False).encode()),
        upload("khong-tieu-de.xlsx", headerless_xlsx()),
        upload("nua-hop-le.json", half_valid_catalogue()),
    ]

    response = admin_client.post(URL, {"files": files})

    assert response.status_code == 200
    text = page_text(response)
    assert "Kết quả nhập" in text
    assert "Bản ghi: tạo mới 8, cập nhật 0, không đổi 0." in text  # 5 procedures, 3 fields
    assert "Đã nhập 3 tệp." in text
    assert "4 tệp không nhập được" in text
    for name in ("1.000426.json", "1.000771.json", "danh-sach-tthc-ToaAnNhanDan.xlsx"):
        assert name in text
    assert "Bản ghi chi tiết (Cổng DVCQG)" in text
    assert "Danh sách Excel (Cổng DVCQG)" in text
    assert "cat-doi.json" in text
    assert "JSON không hợp lệ hoặc bị cắt cụt" in text
    assert "khong-ma.json" in text
    assert "bản ghi thủ tục không có mã thủ tục" in text
    assert "khong-tieu-de.xlsx" in text
    assert "thiếu dòng tiêu đề 'Mã số | Tên | …'" in text
    assert "nua-hop-le.json" in text
    assert "procedures[1].code: Mã thủ tục “sai-ma” không hợp lệ" in text

    assert sorted(Procedure.objects.values_list("code", flat=True)) == [
        "1.000426",
        "1.000771",
        "3.000163",
        "3.000164",
        "3.000165",
    ]
    assert Procedure.objects.get(code="1.000771").portal_terms[0]["fees"][0]["currency"] == "USD"
    # nothing of the broken files
    assert not Procedure.objects.filter(code__in=["1.000807", "2.000575", "1.999901", "1.999911"]).exists()
    assert not Field.objects.filter(code="linh-vuc-tai-len").exists()


@pytest.mark.django_db
def test_uploading_the_same_file_again_changes_nothing(admin_client: Client) -> None:
    content = detail_bytes("toa-an-nhan-dan/3.000163")
    admin_client.post(URL, {"files": [upload("3.000163.json", content)]})
    dumped = dump_catalog()
    response = admin_client.post(URL, {"files": [upload("3.000163.json", content)]})
    assert "Bản ghi: tạo mới 0, cập nhật 0, không đổi 1." in page_text(response)
    assert dump_catalog() == dumped
    # the record's unparsed parts are counted by field
    text = page_text(response)
    assert "cach_thuc_thuc_hien" in text
    assert "can_cu_phap_ly" in text


@pytest.mark.django_db
def test_a_file_of_another_format_refuses_the_whole_upload(admin_client: Client) -> None:
    response = admin_client.post(
        URL,
        {"files": [upload("1.000426.json", detail_bytes("bo-tu-phap/1.000426")), upload("ghi-chu.txt", b"xin chao")]},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Tệp “ghi-chu.txt”: chỉ nhận tệp .json, .yaml, .yml, .xlsx." in text
    assert "Chưa nhập tệp nào." in text
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(admin_client: Client, settings: Any) -> None:
    content = detail_bytes("bo-tu-phap/1.000426")
    settings.MOTCUA_CATALOG_IMPORT_MAX_BYTES = len(content) - 1
    response = admin_client.post(URL, {"files": [upload("1.000426.json", content)]})
    assert "Tệp “1.000426.json”" in page_text(response)
    assert "lớn hơn giới hạn" in page_text(response)
    assert not Procedure.objects.exists()
    settings.MOTCUA_CATALOG_IMPORT_MAX_BYTES = len(content)
    admin_client.post(URL, {"files": [upload("1.000426.json", content)]})
    assert Procedure.objects.filter(code="1.000426").exists()


@pytest.mark.django_db
def test_the_limit_is_a_setting(admin_client: Client, settings: Any) -> None:
    settings.MOTCUA_CATALOG_IMPORT_MAX_BYTES = 1000
    response = admin_client.post(URL, {"files": [upload("1.000426.json", detail_bytes("bo-tu-phap/1.000426"))]})
    assert "lớn hơn giới hạn" in page_text(response)
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_no_file_is_an_error(admin_client: Client) -> None:
    response = admin_client.post(URL, {})
    assert response.status_code == 200
    assert "Hãy chọn ít nhất một tệp." in page_text(response)


@pytest.mark.django_db
def test_the_page_and_the_button(admin_client: Client) -> None:
    assert reverse("admin:catalog_procedure_import") == URL
    page = admin_client.get(URL)
    assert page.status_code == 200
    text = page_text(page)
    assert 'enctype="multipart/form-data"' in text
    assert "csrfmiddlewaretoken" in text
    assert "Nhập danh mục thủ tục" in text
    assert re.search(r'<input type="file" name="files"[^>]* multiple', text)
    changelist = admin_client.get(CHANGELIST)
    assert f'href="{URL}"' in changelist.content.decode()


# -------------------------------------------------------------------------------------------------
# who may import


@pytest.mark.django_db
@pytest.mark.parametrize("permissions", [(), ("view_procedure",), ("add_procedure",), ("change_procedure",)])
def test_without_both_permissions_the_import_is_forbidden(permissions: tuple[str, ...]) -> None:
    client = client_for(staff_user(*permissions))
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"files": [upload("1.000426.json", detail_bytes("bo-tu-phap/1.000426"))]})
    assert response.status_code == 403
    assert not Procedure.objects.exists()
    if "view_procedure" in permissions or "change_procedure" in permissions:
        changelist = client.get(CHANGELIST)
        assert changelist.status_code == 200
        assert f'href="{URL}"' not in changelist.content.decode()


@pytest.mark.django_db
def test_a_reform_officer_with_both_permissions_may_import() -> None:
    client = client_for(staff_user("add_procedure", "change_procedure"))
    assert f'href="{URL}"' in client.get(CHANGELIST).content.decode()
    response = client.post(URL, {"files": [upload("1.000426.json", detail_bytes("bo-tu-phap/1.000426"))]})
    assert response.status_code == 200
    assert Procedure.objects.filter(code="1.000426").exists()


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login_page() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(admin_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, admin_user)
    response = client.post(URL, {"files": [upload("1.000426.json", detail_bytes("bo-tu-phap/1.000426"))]})
    assert response.status_code == 403
    assert not Procedure.objects.exists()
