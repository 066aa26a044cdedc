"""The records the National Public Service Portal receives, built from a dossier's snapshot (RULES.md §10 [V]).

Pure: the Django side (``integrations.contrib.national_portal.snapshot``) reads the dossier's row, its log,
documents and terms into a :class:`DossierSnapshot`; this module turns it into

- the ``DongBoHoSoMC`` dossier record (:func:`dossier_record`), a full picture of the dossier now, and
- the ``CapNhatTienDoHoSoMC`` progress rows (:func:`progress_row`), one per logged action.

Formats (RULES §10 [V]): dates ``yyyyMMddHHmmss`` (24-hour) in Asia/Ho_Chi_Minh; ``TrangThaiHoSo`` codes of the
§4 table; ``KenhThucHien`` 1 counter / 2 online / 3 post; ``LoaiDoiTuong`` 1–4. Texts the portal limits
(``TrichYeuHoSo`` ≤ 1,000 and ``NguoiXuLy`` ≤ 50 characters; RULES states no other limit) are cut at a word
boundary by :func:`cut`; the full text stays in our database.

Fields we hold no data for, sent empty or 0 as the protocol allows:

- ``MaDoiTuong`` "": we do not hold the applicant's national-portal account id;
- ``HinhThuc`` 0: no choice of return by post is recorded;
- ``DSKetNoiCSDL`` lists the databases the opening action says were consulted, e.g. the population registry's
  code after a prefill with consent;
- ``MaGiayToKetQua`` "" and the result's ``MaThanhPhanHoSo`` "": results have no catalogue code;
- ``DinhDanhCHS`` []: only a 12-digit citizen identity number has a known ``LoaiDinhDanh`` (1).

Readings (marked as such, RULES gives no code list): ``LoaiPhiLePhi`` 1 phí (fee) / 2 lệ phí (charge);
``HinhThucThu`` 1 paid at the counter, 2 paid online, 0 not paid yet; ``TrangThaiBoSung`` 0 waiting for the
applicant, 1 supplement received; ``DuocThanhToanTrucTuyen`` 1 when the confirming gateway is the national
payment platform (``payment:national``), 2 for any other gateway (the province's), 0 otherwise. The local
practice of sending statuses 5, 6 and 8 as 9 (RULES §10) is the ``pending_as_done`` parameter (the setting
``MOTCUA_NATIONAL_PORTAL_PENDING_AS_DONE``, off by default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from motcua.rules.actions import NATIONAL_STATUS_CODE, ActionType, Status
from motcua.rules.identity import is_citizen_id
from motcua.rules.workdays import VIETNAM_TZ

DATE_FORMAT = "%Y%m%d%H%M%S"
#: Lengths the portal enforces (RULES §10 [V]).
LIMITS: Mapping[str, int] = {"TrichYeuHoSo": 1000, "NguoiXuLy": 50}
CHANNEL_CODE: Mapping[str, int] = {"counter": 1, "online": 2, "postal": 3}
APPLICANT_CODE: Mapping[str, int] = {"citizen": 1, "enterprise": 2, "state_agency": 3, "other": 4}
#: Local practice (RULES §10): supplement requested, payment required and stopped reported as "result ready".
PENDING_STATUSES = frozenset({5, 6, 8})
DONE = 9
FEE_KIND_CODE: Mapping[str, int] = {"fee": 1, "charge": 2}  # reading
NATIONAL_PAYMENT_ACTOR = "payment:national"  # reading: the national payment platform's confirmations


@dataclass(frozen=True)
class LoggedAction:
    """One row of the dossier's log, with the names the portal shows (resolved by the Django side)."""

    seq: int
    kind: str
    at: datetime
    to_status: str
    label: str  # the action's Vietnamese name
    actor_name: str
    actor_title: str  # the capacity it acted in (role label)
    department: str  # the agency it acted for
    actor_role: str = ""
    system_actor: str = ""
    note: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)
    appointment_after: datetime | None = None
    step_due_at: datetime | None = None


@dataclass(frozen=True)
class Document:
    id: int
    name: str
    kind: str  # submitted, supplement, result
    required_document_id: int | None = None
    url: str = ""


@dataclass(frozen=True)
class FeeLine:
    id: int
    name: str
    kind: str  # fee, charge
    amount_vnd: int | None


@dataclass(frozen=True)
class DossierSnapshot:
    code: str
    procedure_code: str
    procedure_name: str
    field_code: str
    field_name: str
    channel: str
    applicant_type: str
    applicant_name: str
    applicant_id_number: str
    status: str
    resolving_agency_name: str
    subject: str = ""
    applicant_email: str = ""
    applicant_phone: str = ""
    submitted_at: datetime | None = None
    received_at: datetime | None = None
    appointment_at: datetime | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    documents: Sequence[Document] = ()
    #: required documents taken from the applicant's personal data store: (catalogue id, name)
    reused: Sequence[tuple[int, str]] = ()
    fees: Sequence[FeeLine] = ()
    actions: Sequence[LoggedAction] = ()
    #: filed online by an account whose identity an identity provider (VNeID) vouched for (RULES §6)
    identity_verified: bool = False
    #: codes of the connected databases consulted for the dossier (``DSKetNoiCSDL[].MaCSDL``)
    consulted_databases: Sequence[str] = ()


def moment(value: datetime | None) -> str:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh, or "" when there is no moment."""
    return value.astimezone(VIETNAM_TZ).strftime(DATE_FORMAT) if value is not None else ""


def cut(text: str, limit: int) -> str:
    """``text`` if it fits, else its longest prefix of at most ``limit`` characters that ends at a word boundary
    (before a white space, trailing spaces dropped); a first word longer than ``limit`` is cut inside."""
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    for i in range(limit, 0, -1):
        if head[i].isspace() and not head[i - 1].isspace():
            return head[:i]
    return text[:limit]


def portal_status(status: str, *, pending_as_done: bool) -> int:
    """The ``TrangThaiHoSo`` code of a motcua status (RULES §4), with the local practice when asked."""
    code = NATIONAL_STATUS_CODE[Status(status)]
    return DONE if pending_as_done and code in PENDING_STATUSES else code


def _flag(value: bool) -> int:
    return 1 if value else 0


def _opening(snapshot: DossierSnapshot) -> Mapping[str, Any]:
    first = next(iter(snapshot.actions), None)
    return first.payload if first is not None else {}


def _paid_online(snapshot: DossierSnapshot) -> int:
    for action in snapshot.actions:
        if action.kind == ActionType.RECORD_PAYMENT and action.actor_role == "system":
            return 1 if action.system_actor == NATIONAL_PAYMENT_ACTOR else 2
    return 0


def _fee_payment_method(snapshot: DossierSnapshot) -> int:
    """``HinhThucThu`` (reading): 0 unpaid, 1 at the counter, 2 online."""
    paid = [a for a in snapshot.actions if a.kind == ActionType.RECORD_PAYMENT]
    if not paid:
        return 0
    return 2 if paid[-1].actor_role == "system" else 1


def _submitted_documents(snapshot: DossierSnapshot) -> list[dict[str, Any]]:
    reused_ids = {doc_id for doc_id, _ in snapshot.reused}
    rows = [
        {
            "TepDinhKemId": str(doc.id),
            "TenTepDinhKem": doc.name,
            "IsDeleted": False,
            "MaThanhPhanHoSo": str(doc.required_document_id or ""),
            "DuongDanTaiTepTin": doc.url,
            "DuocSoHoa": 1,  # we hold an e-copy of every file (uploaded online or scanned at the desk)
            "DuocTaiSuDung": _flag(doc.required_document_id in reused_ids),
            "DuocLayTuKhoDMQG": _flag(doc.required_document_id in reused_ids),
        }
        for doc in snapshot.documents
        if doc.kind in ("submitted", "supplement")
    ]
    uploaded = {doc.required_document_id for doc in snapshot.documents}
    for doc_id, name in snapshot.reused:
        if doc_id not in uploaded:  # taken from the store, no file of ours
            rows.append(
                {
                    "TepDinhKemId": f"kho-{doc_id}",
                    "TenTepDinhKem": name,
                    "IsDeleted": False,
                    "MaThanhPhanHoSo": str(doc_id),
                    "DuongDanTaiTepTin": "",
                    "DuocSoHoa": 0,
                    "DuocTaiSuDung": 1,
                    "DuocLayTuKhoDMQG": 1,
                }
            )
    return rows


def _supplements(snapshot: DossierSnapshot) -> list[dict[str, Any]]:
    """One entry per request to supplement (form 02), with the supplement that answered it, if any."""
    rows: list[dict[str, Any]] = []
    before: datetime | None = None  # the appointment before the request
    appointment: datetime | None = None
    open_row: dict[str, Any] | None = None
    for action in snapshot.actions:
        if action.kind == ActionType.REQUEST_SUPPLEMENT:
            open_row = {
                "HoSoBoSungId": f"{snapshot.code}-{action.seq}",
                "NguoiYeuCauBoSung": cut(action.actor_name, LIMITS["NguoiXuLy"]),
                "NoiDungBoSung": "; ".join(action.payload.get("missing", [])) or action.note,
                "NgayBoSung": moment(action.at),
                "NgayTiepNhanBoSung": "",
                "TrangThaiBoSung": 0,
                "NgayHenTraTruoc": moment(appointment),
                "NgayHenTraMoi": "",
            }
            before = appointment
            rows.append(open_row)
        elif action.kind == ActionType.SUPPLEMENT and open_row is not None:
            open_row.update(
                NgayTiepNhanBoSung=moment(action.at),
                TrangThaiBoSung=1,
                NgayHenTraTruoc=moment(before),
                NgayHenTraMoi=moment(action.appointment_after or appointment),
            )
            open_row = None
        if action.appointment_after is not None:
            appointment = action.appointment_after
    return rows


def dossier_record(snapshot: DossierSnapshot, *, pending_as_done: bool = False) -> dict[str, Any]:
    """The ``DongBoHoSoMC`` record of the dossier as it is now (every field of RULES §10)."""
    refused = next((a.at for a in snapshot.actions if a.kind == ActionType.REFUSE), None)
    identity = snapshot.applicant_id_number
    files = [d for d in snapshot.documents if d.kind in ("submitted", "supplement")]
    fee_method = _fee_payment_method(snapshot)
    return {
        "MaHoSo": snapshot.code,
        "MaTTHC": snapshot.procedure_code,
        "TenTTHC": snapshot.procedure_name,
        "MaLinhVuc": snapshot.field_code,
        "TenLinhVuc": snapshot.field_name,
        "KenhThucHien": CHANNEL_CODE[snapshot.channel],
        "SoBienNhan": snapshot.code,
        "ChuHoSo": snapshot.applicant_name,
        "LoaiDoiTuong": APPLICANT_CODE[snapshot.applicant_type],
        "MaDoiTuong": "",
        "SoGiayToChuHoSo": identity,
        "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": identity}] if is_citizen_id(identity) else [],
        "Email": snapshot.applicant_email,
        "SoDienThoai": snapshot.applicant_phone,
        "TrichYeuHoSo": cut(snapshot.subject or snapshot.procedure_name, LIMITS["TrichYeuHoSo"]),
        "NgayNopHoSo": moment(snapshot.submitted_at or snapshot.received_at),
        "NgayTiepNhan": moment(snapshot.received_at),
        "NgayHenTra": moment(snapshot.appointment_at),
        "TrangThaiHoSo": portal_status(snapshot.status, pending_as_done=pending_as_done),
        "NgayTra": moment(snapshot.returned_at),
        "NgayTuChoi": moment(refused),
        "NgayKetThucXuLy": moment(snapshot.finished_at),
        "HinhThuc": 0,
        "DonViXuLy": snapshot.resolving_agency_name,
        "HoSoCoThanhPhanSoHoa": _flag(bool(files) or bool(_opening(snapshot).get("documents"))),
        "TaiKhoanDuocXacThucVoiVNeID": _flag(snapshot.identity_verified),
        "DuocThanhToanTrucTuyen": _paid_online(snapshot),
        "DSKetNoiCSDL": [{"MaCSDL": code} for code in snapshot.consulted_databases],
        "TaiLieuNop": _submitted_documents(snapshot),
        "DanhSachLePhi": [
            {
                "TenPhiLePhi": fee.name,
                "MaPhiLePhi": str(fee.id),
                "HinhThucThu": fee_method,
                "Gia": fee.amount_vnd or 0,
                "LoaiPhiLePhi": FEE_KIND_CODE.get(fee.kind, 1),
            }
            for fee in snapshot.fees
        ],
        "DanhSachHoSoBoSung": _supplements(snapshot),
        "DanhSachGiayToKetQua": [
            {
                "TenGiayTo": doc.name,
                "MaThanhPhanHoSo": "",
                "GiayToId": str(doc.id),
                "DuongDanTepTinKetQua": doc.url,
                "MaGiayToKetQua": "",
            }
            for doc in snapshot.documents
            if doc.kind == "result"
        ],
    }


def _content(action: LoggedAction) -> str:
    details = [*action.payload.get("reasons", []), *action.payload.get("missing", [])]
    for name in ("reason",):
        if action.payload.get(name):
            details.append(str(action.payload[name]))
    if action.note:
        details.append(action.note)
    return f"{action.label}: {'; '.join(details)}" if details else action.label


def progress_row(code: str, action: LoggedAction, *, pending_as_done: bool = False) -> dict[str, Any]:
    """The ``CapNhatTienDoHoSoMC`` row of one logged action (RULES §10 [V]).

    ``NgayBatDau`` is the action's moment (the handling it records starts then); ``NgayKetThucTheoQuyDinh``
    the due moment of the step it leads into, else "" (reading).
    """
    return {
        "MaHoSo": code,
        "NguoiXuLy": cut(action.actor_name, LIMITS["NguoiXuLy"]),
        "ChucDanh": action.actor_title,
        "ThoiDiemXuLy": moment(action.at),
        "PhongBanXuLy": action.department,
        "NoiDungXuLy": _content(action),
        "TrangThai": portal_status(action.to_status, pending_as_done=pending_as_done),
        "NgayBatDau": moment(action.at),
        "NgayKetThucTheoQuyDinh": moment(action.step_due_at),
    }
