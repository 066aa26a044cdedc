"""The portal's records against independent statements of RULES.md §10 and §4 (regexes, hand-worked tables)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.national_portal import (
    Document,
    DossierSnapshot,
    FeeLine,
    LoggedAction,
    cut,
    dossier_record,
    moment,
    portal_status,
    progress_row,
)
from motcua.rules.workdays import VIETNAM_TZ

#: RULES §10: ``yyyyMMddHHmmss`` (24-hour): a month 01–12, a day 01–31, an hour 00–23, minutes and seconds 00–59.
DATE_RE = re.compile(r"^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])([01]\d|2[0-3])[0-5]\d[0-5]\d$")

#: RULES §4, copied by hand from the table (not from the code).
HAND_TABLE = {
    "submitted": 1,
    "received": 2,
    "refused": 3,
    "processing": 4,
    "awaiting_supplement": 5,
    "awaiting_payment": 6,
    "withdrawn": 7,
    "stopped": 8,
    "result_ready": 9,
    "returned": 10,
}
#: RULES §10 local practice: 5, 6 and 8 sent as 9; the others unchanged.
HAND_TABLE_PENDING_AS_DONE = HAND_TABLE | {"awaiting_supplement": 9, "awaiting_payment": 9, "stopped": 9}

MINIMAL_SET = {
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
}

moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.sampled_from([UTC, VIETNAM_TZ])
)
texts = st.text(alphabet=st.sampled_from("aăâđ xyzÁỆ \t\n-"), max_size=120)


@given(moments)
def test_moments_are_fourteen_digits_of_vietnam_local_time(value: datetime) -> None:
    text = moment(value)
    assert DATE_RE.match(text), text
    # independent: Vietnam is UTC+7 all year (no daylight saving)
    local = value.astimezone(UTC) + timedelta(hours=7)
    assert (
        text == f"{local.year:04d}{local.month:02d}{local.day:02d}{local.hour:02d}{local.minute:02d}{local.second:02d}"
    )


def test_a_moment_by_hand() -> None:
    assert moment(datetime(2025, 9, 5, 8, 0, 7, tzinfo=UTC)) == "20250905150007"
    assert moment(datetime(2025, 12, 31, 17, 30, tzinfo=UTC)) == "20260101003000"
    assert moment(None) == ""


def test_status_codes_follow_the_hand_worked_table() -> None:
    for status, code in HAND_TABLE.items():
        assert portal_status(status, pending_as_done=False) == code
    for status, code in HAND_TABLE_PENDING_AS_DONE.items():
        assert portal_status(status, pending_as_done=True) == code


@given(texts, st.integers(min_value=1, max_value=60))
def test_a_cut_is_a_prefix_within_the_limit_ending_at_a_word(text: str, limit: int) -> None:
    result = cut(text, limit)
    assert len(result) <= limit
    assert text.startswith(result)
    if len(text) <= limit:
        assert result == text
        return
    # a word boundary: a white space right after a letter; the cut ends at the last one within the limit
    boundaries = [i for i in range(1, limit + 1) if text[i].isspace() and not text[i - 1].isspace()]
    if boundaries:
        assert text[len(result)].isspace()
        assert not result[-1].isspace()
        assert len(result) == max(boundaries)
    else:  # a first word longer than the limit: cut inside it, at the limit
        assert len(result) == limit


def test_a_cut_by_hand() -> None:
    assert cut("Nguyễn Văn An", 50) == "Nguyễn Văn An"
    assert cut("Nguyễn Văn An", 10) == "Nguyễn Văn"
    assert cut("Nguyễn Văn An", 11) == "Nguyễn Văn"
    assert cut("Abcdefghij", 4) == "Abcd"


def action(seq: int, kind: str, status: str, at: datetime, **extra: object) -> LoggedAction:
    return LoggedAction(
        seq=seq,
        kind=kind,
        at=at,
        to_status=status,
        label=kind,
        actor_name=str(extra.pop("actor_name", "Trần Thị Bình")),
        actor_title="Chuyên viên xử lý",
        department="UBND phường A",
        **extra,  # type: ignore[arg-type]
    )


T0 = datetime(2025, 9, 5, 8, 0, tzinfo=UTC)


def snapshot(**changes: object) -> DossierSnapshot:
    values: dict[str, object] = {
        "code": "H55.01-250905-0001",
        "procedure_code": "2.001035",
        "procedure_name": "Đăng ký khai sinh",
        "field_code": "ho-tich",
        "field_name": "Hộ tịch",
        "channel": "online",
        "applicant_type": "enterprise",
        "applicant_name": "Công ty A",
        "applicant_id_number": "0101234567",
        "status": "received",
        "resolving_agency_name": "UBND phường A",
        "received_at": T0,
        "appointment_at": T0 + timedelta(days=3),
        "documents": (Document(7, "Tờ khai", "submitted", 3, "https://x/7"), Document(9, "Giấy khai sinh", "result")),
        "reused": ((4, "Căn cước"),),
        "fees": (FeeLine(1, "Lệ phí", "charge", 8000),),
        "actions": (
            action(1, "receive", "received", T0, payload={"documents": [7]}, appointment_after=T0 + timedelta(days=3)),
            action(2, "request_supplement", "awaiting_supplement", T0 + timedelta(hours=1), payload={"missing": ["X"]}),
            action(3, "supplement", "processing", T0 + timedelta(hours=2), appointment_after=T0 + timedelta(days=4)),
            action(
                4,
                "record_payment",
                "processing",
                T0 + timedelta(hours=3),
                actor_role="system",
                system_actor="payment:vnpay",
            ),
        ),
    }
    return DossierSnapshot(**(values | changes))  # type: ignore[arg-type]


def test_the_record_has_the_minimal_set_and_hand_checked_values() -> None:
    record = dossier_record(snapshot())
    assert record.keys() >= MINIMAL_SET
    assert record["KenhThucHien"] == 2  # online (RULES §4)
    assert record["LoaiDoiTuong"] == 2  # enterprise
    assert record["DinhDanhCHS"] == []  # a tax code has no known LoaiDinhDanh
    assert record["TrangThaiHoSo"] == 2
    assert record["NgayTiepNhan"] == "20250905150000"
    assert record["DuocThanhToanTrucTuyen"] == 2  # the province's gateway
    assert record["HoSoCoThanhPhanSoHoa"] == 1
    submitted = {row["TepDinhKemId"]: row for row in record["TaiLieuNop"]}
    assert (submitted["7"]["DuocSoHoa"], submitted["7"]["DuocTaiSuDung"]) == (1, 0)
    assert (submitted["kho-4"]["DuocLayTuKhoDMQG"], submitted["kho-4"]["DuocSoHoa"]) == (1, 0)
    assert record["DanhSachGiayToKetQua"][0]["GiayToId"] == "9"
    assert record["DSKetNoiCSDL"] == []  # nothing consulted
    consulted = dossier_record(snapshot(consulted_databases=("CSDLQGDC",)))
    assert consulted["DSKetNoiCSDL"] == [{"MaCSDL": "CSDLQGDC"}]
    assert record["DanhSachLePhi"] == [
        {"TenPhiLePhi": "Lệ phí", "MaPhiLePhi": "1", "HinhThucThu": 2, "Gia": 8000, "LoaiPhiLePhi": 2}
    ]
    (supplement,) = record["DanhSachHoSoBoSung"]
    assert supplement["TrangThaiBoSung"] == 1
    assert supplement["NgayBoSung"] == "20250905160000"
    assert supplement["NgayHenTraTruoc"] == "20250908150000"
    assert supplement["NgayHenTraMoi"] == "20250909150000"
    assert dossier_record(snapshot(applicant_type="citizen", applicant_id_number="019099012345"))["DinhDanhCHS"] == [
        {"LoaiDinhDanh": 1, "SoDinhDanh": "019099012345"}
    ]


@given(
    st.text(max_size=1500),
    st.text(min_size=1, max_size=120),
    st.sampled_from(sorted(HAND_TABLE)),
    st.booleans(),
    moments,
)
def test_records_and_rows_respect_formats_and_limits(
    subject: str, name: str, status: str, pending: bool, at: datetime
) -> None:
    snap = snapshot(
        subject=subject, status=status, received_at=at, actions=(action(1, "receive", status, at, actor_name=name),)
    )
    record = dossier_record(snap, pending_as_done=pending)
    assert len(record["TrichYeuHoSo"]) <= 1000
    assert (subject or snap.procedure_name).startswith(record["TrichYeuHoSo"])
    assert record["TrangThaiHoSo"] == (HAND_TABLE_PENDING_AS_DONE if pending else HAND_TABLE)[status]
    for name_ in ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra"):
        assert DATE_RE.match(record[name_])
    row = progress_row(snap.code, snap.actions[0], pending_as_done=pending)
    assert len(row["NguoiXuLy"]) <= 50
    assert name.startswith(row["NguoiXuLy"])
    assert DATE_RE.match(row["ThoiDiemXuLy"])
    assert DATE_RE.match(row["NgayBatDau"])
    assert row["TrangThai"] == record["TrangThaiHoSo"]
    assert set(row) == {
        "MaHoSo",
        "NguoiXuLy",
        "ChucDanh",
        "ThoiDiemXuLy",
        "PhongBanXuLy",
        "NoiDungXuLy",
        "TrangThai",
        "NgayBatDau",
        "NgayKetThucTheoQuyDinh",
    }
