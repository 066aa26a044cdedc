"""The stand-in portal speaks RULES.md §10 and refuses what a strict portal refuses (a real process)."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from motcua.integrations.contrib.national_portal.tests.conftest import DSTCODE, PASSWORD, USERNAME, Portal

RECORD: dict[str, Any] = {
    "MaHoSo": "H55-1",
    "MaTTHC": "2.001035",
    "TenTTHC": "Chứng thực",
    "MaLinhVuc": "chung-thuc",
    "TenLinhVuc": "Chứng thực",
    "KenhThucHien": 1,
    "SoBienNhan": "H55-1",
    "ChuHoSo": "Nguyễn Văn An",
    "LoaiDoiTuong": 1,
    "MaDoiTuong": "",
    "NgayTiepNhan": "20250905150000",
    "NgayHenTra": "20250908170000",
    "TrangThaiHoSo": 2,
    "HinhThuc": 0,
    "DonViXuLy": "UBND phường A",
    "TaiLieuNop": [],
    "DanhSachGiayToKetQua": [],
}
ROW = {
    "MaHoSo": "H55-1",
    "NguoiXuLy": "Trần Thị Bình",
    "ChucDanh": "Chuyên viên",
    "ThoiDiemXuLy": "20250905160000",
    "PhongBanXuLy": "UBND phường A",
    "NoiDungXuLy": "Chuyển bước",
    "TrangThai": 4,
    "NgayBatDau": "20250905160000",
    "NgayKetThucTheoQuyDinh": "",
}


def login(portal: Portal, *, dstcode: str = DSTCODE, password: str = PASSWORD) -> dict[str, Any]:
    body = {"username": USERNAME, "password": password}
    return httpx.post(portal.auth_url, json=body, headers={"dstcode": dstcode}, timeout=5).json()


def call(portal: Portal, session: str, service: str, **fields: Any) -> dict[str, Any]:
    body = {"session": session, "madonvi": "999.00.27.H55", "service": service, **fields}
    return httpx.post(portal.service_url, json=body, headers={"dstcode": DSTCODE}, timeout=5).json()


@pytest.fixture
def session(portal: Portal) -> str:
    answer = login(portal)
    assert answer["error_code"] == 0
    return answer["session"]


def test_login_needs_the_credentials_and_the_dstcode(portal: Portal) -> None:
    assert login(portal, password="sai")["error_code"] == 1
    assert login(portal, dstcode="H99")["error_code"] == 1
    assert call(portal, "not-a-session", "TraCuuHoSo", mahoso="X")["error_code"] == 401


def test_create_update_progress_and_look_up(portal: Portal, session: str) -> None:
    assert call(portal, session, "DongBoHoSoMC", isUpdating="True", data=[RECORD])["error_code"] == 4  # unknown
    assert call(portal, session, "CapNhatTienDoHoSoMC", data=[ROW])["error_code"] == 4  # progress of an unknown one
    assert call(portal, session, "DongBoHoSoMC", isUpdating="False", data=[RECORD])["error_code"] == 0
    assert call(portal, session, "DongBoHoSoMC", isUpdating="False", data=[RECORD])["error_code"] == 3  # exists
    assert call(portal, session, "TraCuuHoSo", mahoso="H55-1")["result"]["exists"] is True
    assert call(portal, session, "TraCuuHoSo", mahoso="H55-2")["result"]["exists"] is False
    assert call(portal, session, "CapNhatTienDoHoSoMC", data=[ROW])["error_code"] == 0
    assert call(portal, session, "CapNhatTienDoHoSoMC", data=[ROW])["error_code"] == 0  # the same row again
    updated = RECORD | {"TrangThaiHoSo": 4}
    assert call(portal, session, "DongBoHoSoMC", isUpdating="True", data=[updated])["error_code"] == 0
    held = httpx.get(portal.url + "_standin/dossiers/H55-1", timeout=5).json()
    assert (held["record"]["TrangThaiHoSo"], held["versions"], held["progress"]) == (4, 2, [ROW])
    counts = portal.summary()["counts"]
    assert (counts["created"], counts["updated"], counts["progress"], counts["duplicate_progress"]) == (1, 1, 1, 1)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"NgayTiepNhan": "2025-09-05 15:00"}, "NgayTiepNhan phải có dạng yyyyMMddHHmmss"),
        ({"NgayHenTra": "20250231150000"}, "NgayHenTra phải có dạng yyyyMMddHHmmss"),  # 31 February
        ({"TrangThaiHoSo": 11}, "TrangThaiHoSo phải là mã từ 1 đến 10"),
        ({"LoaiDoiTuong": 5}, "LoaiDoiTuong"),
        ({"KenhThucHien": 4}, "KenhThucHien"),
        ({"TrichYeuHoSo": "x" * 1001}, "TrichYeuHoSo dài quá 1000"),
        ({"NgayTiepNhan": ""}, "NgayTiepNhan bắt buộc"),
        ({"MaTTHC": ""}, "MaTTHC không được để trống"),
        ({"TaiLieuNop": [{"DuocSoHoa": 2, "DuocTaiSuDung": 0, "DuocLayTuKhoDMQG": 0}]}, "TaiLieuNop.DuocSoHoa"),
    ],
)
def test_invalid_records_are_refused_whole(portal: Portal, session: str, change: dict[str, Any], said: str) -> None:
    good = copy.deepcopy(RECORD) | {"MaHoSo": "H55-2", "SoBienNhan": "H55-2"}
    answer = call(portal, session, "DongBoHoSoMC", isUpdating="False", data=[good, RECORD | change])
    assert answer["error_code"] == 2
    assert said in answer["message"]
    assert portal.summary()["dossiers"] == 0  # the valid one of the call was not kept either
    missing = {k: v for k, v in RECORD.items() if k != "DonViXuLy"}
    assert "thiếu DonViXuLy" in call(portal, session, "DongBoHoSoMC", isUpdating="False", data=[missing])["message"]


def test_invalid_progress_rows_are_refused(portal: Portal, session: str) -> None:
    assert call(portal, session, "DongBoHoSoMC", isUpdating="False", data=[RECORD])["error_code"] == 0
    for change, said in [
        ({"NguoiXuLy": "x" * 51}, "NguoiXuLy dài quá 50"),
        ({"ThoiDiemXuLy": "20250905246000"}, "ThoiDiemXuLy"),
        ({"TrangThai": 0}, "TrangThai"),
    ]:
        answer = call(portal, session, "CapNhatTienDoHoSoMC", data=[ROW | change])
        assert (answer["error_code"], said in answer["message"]) == (2, True)


def test_sessions_expire_and_failures_come_when_ordered(portal: Portal, session: str) -> None:
    portal.expire_sessions()
    assert call(portal, session, "TraCuuHoSo", mahoso="H55-1")["error_code"] == 401
    fresh = login(portal)["session"]
    portal.fail(mode="error", count=1, error_code=7, message="bảo trì")
    assert call(portal, fresh, "TraCuuHoSo", mahoso="H55-1") == {"error_code": 7, "message": "bảo trì"}
    portal.fail(mode="session", count=1)
    assert call(portal, fresh, "TraCuuHoSo", mahoso="H55-1")["error_code"] == 401
    portal.fail(mode="http503", count=1)
    body = {"session": fresh, "madonvi": "x", "service": "TraCuuHoSo", "mahoso": "H55-1"}
    assert httpx.post(portal.service_url, json=body, headers={"dstcode": DSTCODE}, timeout=5).status_code == 503
    assert call(portal, fresh, "TraCuuHoSo", mahoso="H55-1")["error_code"] == 0
    portal.fail(mode="timeout", count=1, delay=2)
    with pytest.raises(httpx.TimeoutException):
        httpx.post(portal.service_url, json=body, headers={"dstcode": DSTCODE}, timeout=0.3)
    assert httpx.post(portal.url + "_standin/fail", json={"mode": "nonsense"}, timeout=5).status_code == 400
