"""What the stand-in portal refuses in a record or a progress row, read from RULES.md §10 independently of the
record builder (its own lists and regexes, so that a mistake of the builder shows as a refusal)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

DATE_RE = re.compile(r"^\d{14}$")
MINIMAL_SET = (
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "SoBienNhan",
    "ChuHoSo",
    "LoaiDoiTuong",
    "MaDoiTuong",
    "NgayTiepNhan",
    "NgayHenTra",
    "TrangThaiHoSo",
    "HinhThuc",
    "DonViXuLy",
    "TaiLieuNop",
    "DanhSachGiayToKetQua",
)
NOT_EMPTY = ("MaHoSo", "MaTTHC", "TenTTHC", "SoBienNhan", "ChuHoSo", "DonViXuLy")
DATES = ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayTuChoi", "NgayKetThucXuLy")
#: statuses in which the dossier has been received, so its receipt and appointment dates must be there
RECEIVED_STATUSES = frozenset({2, 4, 5, 6, 8, 9, 10})
FLAGS = ("HoSoCoThanhPhanSoHoa", "TaiKhoanDuocXacThucVoiVNeID")
DOCUMENT_FLAGS = ("DuocSoHoa", "DuocTaiSuDung", "DuocLayTuKhoDMQG")
PROGRESS_FIELDS = (
    "MaHoSo",
    "NguoiXuLy",
    "ChucDanh",
    "ThoiDiemXuLy",
    "PhongBanXuLy",
    "NoiDungXuLy",
    "TrangThai",
    "NgayBatDau",
    "NgayKetThucTheoQuyDinh",
)


def is_date(value: Any) -> bool:
    """``yyyyMMddHHmmss``, 24-hour, a moment that exists."""
    if not isinstance(value, str) or not DATE_RE.match(value):
        return False
    try:
        datetime.strptime(value, "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return True


def _int_in(value: Any, allowed: range | set[int]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in allowed


def record_problems(record: Any) -> list[str]:
    if not isinstance(record, dict):
        return ["hồ sơ phải là một đối tượng JSON"]
    problems = [f"thiếu {name}" for name in MINIMAL_SET if name not in record]
    problems += [f"{name} không được để trống" for name in NOT_EMPTY if name in record and not record[name]]
    for name in DATES:
        value = record.get(name, "")
        if value not in ("", None) and not is_date(value):
            problems.append(f"{name} phải có dạng yyyyMMddHHmmss")
    status = record.get("TrangThaiHoSo")
    if not _int_in(status, range(1, 11)):
        problems.append("TrangThaiHoSo phải là mã từ 1 đến 10")
    elif status in RECEIVED_STATUSES:
        problems += [
            f"{name} bắt buộc khi hồ sơ đã tiếp nhận" for name in ("NgayTiepNhan", "NgayHenTra") if not record.get(name)
        ]
    if not _int_in(record.get("LoaiDoiTuong"), range(1, 5)):
        problems.append("LoaiDoiTuong phải là 1, 2, 3 hoặc 4")
    if "KenhThucHien" in record and not _int_in(record["KenhThucHien"], range(1, 4)):
        problems.append("KenhThucHien phải là 1, 2 hoặc 3")
    if "HinhThuc" in record and not _int_in(record["HinhThuc"], {0, 1}):
        problems.append("HinhThuc phải là 0 hoặc 1")
    if "DuocThanhToanTrucTuyen" in record and not _int_in(record["DuocThanhToanTrucTuyen"], {0, 1, 2}):
        problems.append("DuocThanhToanTrucTuyen phải là 0, 1 hoặc 2")
    problems += [f"{name} phải là 0 hoặc 1" for name in FLAGS if name in record and not _int_in(record[name], {0, 1})]
    if len(str(record.get("TrichYeuHoSo", ""))) > 1000:
        problems.append("TrichYeuHoSo dài quá 1000 ký tự")
    for name in ("TaiLieuNop", "DanhSachGiayToKetQua", "DanhSachLePhi", "DanhSachHoSoBoSung", "DinhDanhCHS"):
        if name in record and not (isinstance(record[name], list) and all(isinstance(x, dict) for x in record[name])):
            problems.append(f"{name} phải là danh sách đối tượng")
    for document in record.get("TaiLieuNop") or []:
        if isinstance(document, dict):
            bad = [name for name in DOCUMENT_FLAGS if not _int_in(document.get(name), {0, 1})]
            problems += [f"TaiLieuNop.{name} phải là 0 hoặc 1" for name in bad]
    return problems


def progress_problems(row: Any) -> list[str]:
    if not isinstance(row, dict):
        return ["dòng tiến độ phải là một đối tượng JSON"]
    problems = [f"thiếu {name}" for name in PROGRESS_FIELDS if name not in row]
    if not row.get("MaHoSo"):
        problems.append("MaHoSo không được để trống")
    name = row.get("NguoiXuLy")
    if not isinstance(name, str) or not name:
        problems.append("NguoiXuLy không được để trống")
    elif len(name) > 50:
        problems.append("NguoiXuLy dài quá 50 ký tự")
    if not is_date(row.get("ThoiDiemXuLy")):
        problems.append("ThoiDiemXuLy phải có dạng yyyyMMddHHmmss")
    for field in ("NgayBatDau", "NgayKetThucTheoQuyDinh"):
        if row.get(field) not in ("", None) and not is_date(row.get(field)):
            problems.append(f"{field} phải có dạng yyyyMMddHHmmss")
    if not _int_in(row.get("TrangThai"), range(1, 11)):
        problems.append("TrangThai phải là mã từ 1 đến 10")
    return problems
