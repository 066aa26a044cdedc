"""The national payment platform (PayGov), message version 1.0.6: checksums and codes (RULES.md §11, [V]).

``MaXacThuc = sha256_hex("v1|v2|…|secret")`` — plain SHA-256 of the values joined by ``|`` with the secret last,
lowercase hex; **not** HMAC. Field orders are :data:`INIT_FIELDS`, :data:`QUERY_FIELDS` (QUERY and GET_BILL),
:data:`CALLBACK_FIELDS`. ``ThoiGianGD`` is ``yyyyMMddHHmmss`` on a 24-hour clock (a 12-hour clock is a known
defect of one production system). Our answer to the result callback is ``{MaLoi, MoTaLoi, MaDoiTac,
MaThamChieu, ThoiGianGD, MaXacThuc}``; its checksum's field order is not in RULES.md, so
:data:`ANSWER_FIELDS` (the answer's fields in their listed order) is a reading.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone

VERSION = "1.0.6"
GMT7 = timezone(timedelta(hours=7))

INIT_FIELDS = (
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "LoaiHinhThanhToan",
    "MaKenhThanhToan",
    "MaThietBi",
    "NgonNgu",
    "MaTienTe",
    "MaNganHang",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "Ip",
)
QUERY_FIELDS = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD")
CALLBACK_FIELDS = (
    "LoaiBanTin",
    "MaLoi",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "MaTienTe",
    "MaGiaoDich",
    "MaNganHang",
    "ThoiGianGD",
    "ThongTinGiaoDich",
)
ANSWER_FIELDS = ("MaLoi", "MoTaLoi", "MaDoiTac", "MaThamChieu", "ThoiGianGD")  # reading

#: Constants seen in production (RULES.md §11): LoaiBanTin PAY, PhienBan … NgonNgu vi-VN, MaTienTe VND.
INIT_CONSTANTS: Mapping[str, str] = {
    "LoaiBanTin": "PAY",
    "LoaiHinhThanhToan": "1",
    "MaKenhThanhToan": "1",
    "NgonNgu": "vi-VN",
    "MaTienTe": "VND",
}
FEES_SERVICE = "2"  # ThongTinBienLai.MaDichVu: public-service fees
SUCCESS = "00"  # MaLoi of the result callback
MAX_REFERENCE = 255  # MaThamChieu

#: QUERY's TrangThaiGD.
QUERY_SUCCEEDED = "1"
QUERY_PENDING = "3"
QUERY_FAILED = "4"


def checksum(values: Mapping[str, object], fields: Sequence[str], secret: str) -> str:
    """``MaXacThuc``: SHA-256 of the values of ``fields`` in order, then the secret, joined by ``|``."""
    parts = ["" if values.get(f) is None else str(values.get(f)) for f in fields]
    return hashlib.sha256("|".join([*parts, secret]).encode()).hexdigest()


def verify(values: Mapping[str, object], fields: Sequence[str], secret: str) -> bool:
    given = str(values.get("MaXacThuc", "")).lower()
    return bool(given) and hmac.compare_digest(given, checksum(values, fields, secret))


def timestamp(moment: datetime) -> str:
    """``ThoiGianGD``: ``yyyyMMddHHmmss``, 24-hour clock, GMT+7."""
    return moment.astimezone(GMT7).strftime("%Y%m%d%H%M%S")
