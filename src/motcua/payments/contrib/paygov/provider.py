"""The national payment platform (PayGov, message version 1.0.6) as a payment provider: INIT, the result
callback, QUERY and GET_BILL (RULES.md §11, [V]).

Settings, from the environment only: ``MOTCUA_PAYGOV_URL`` (the platform's API address, or the province's
gateway in front of it), ``MOTCUA_PAYGOV_PARTNER_CODE`` (``MaDoiTac``), ``MOTCUA_PAYGOV_SECRET``. The checksum is
``rules.paygov``'s (plain SHA-256, not HMAC).

Readings (RULES.md does not say, each one constant here): ``PhienBan`` is the message version ``1.0.6``;
``MaThietBi`` is ``1``; ``ThongTinGiaoDich`` is ``PAYMENT`` (the last of the constants production sends);
``MaNganHang`` empty (the payer chooses the bank on the platform's page); the codes of our answer to the callback
are VNPay's (``00`` recorded or already recorded, ``01`` unknown reference, ``04`` amount, ``97`` checksum, ``99``
other); the QUERY answer carries no checksum we know the order of, so it is not verified (it only ever settles
an attempt we made, for the amount we recorded — the amount check still applies); GET_BILL's PDF comes either as
the body (``application/pdf``) or base64 in a JSON field ``BienLai``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.integrations.payments import (
    Attempt,
    CallbackResult,
    ForgedCallback,
    GatewayError,
    PaymentOutcome,
    PaymentRequest,
    PaymentStart,
    PaymentVerdict,
    payment_providers,
)
from motcua.rules import paygov
from motcua.rules.national_portal import NATIONAL_PAYMENT_ACTOR

DEVICE = "1"  # MaThietBi, reading
TRANSACTION_INFO = "PAYMENT"  # ThongTinGiaoDich, reading (the constant production sends)
_ANSWER = {
    CallbackResult.RECORDED: ("00", "Thành công"),
    CallbackResult.ALREADY: ("00", "Giao dịch đã được ghi nhận trước đó"),
    CallbackResult.PENDING: ("00", "Đã nhận"),
    CallbackResult.NOT_FOUND: ("01", "Không tìm thấy giao dịch"),
    CallbackResult.AMOUNT: ("04", "Số tiền không khớp"),
    CallbackResult.FORGED: ("97", "Sai mã xác thực"),
    CallbackResult.ERROR: ("99", "Lỗi khác"),
}


_CLIENT: httpx.Client | None = None


def _client() -> httpx.Client:
    """One pooled client for the process (thread-safe): building one per call costs a TLS context each time
    (~0.1 s of loading CA certificates), which alone capped reconciliation at a few queries a second."""
    global _CLIENT
    if _CLIENT is None:
        _CLIENT = httpx.Client()
    return _CLIENT


def _setting(name: str) -> str:
    return str(getattr(settings, name, "") or "")


def unwrap(data: Any) -> dict[str, Any]:
    """The platform's answer: flat (``{MaLoi, UrlThanhToan, …}``), or wrapped by a gateway as
    ``{error_code, message: "<JSON>"}`` (RULES.md §11) — both read."""
    if isinstance(data, dict) and "MaLoi" not in data and "message" in data and "error_code" in data:
        if str(data["error_code"]) not in ("0", "00"):
            raise GatewayError(f"gateway error_code {data['error_code']}")
        inner = data["message"]
        data = json.loads(inner) if isinstance(inner, str) else inner
    if not isinstance(data, dict):
        raise GatewayError("unreadable answer")
    return data


def receipt_lines(request: PaymentRequest) -> dict[str, Any]:
    """``ThongTinBienLai`` for public-service fees (``MaDichVu`` 2, RULES.md §11)."""
    d = request.details
    return {
        "MaDichVu": paygov.FEES_SERVICE,
        "NoiDungThanhToan": request.order_info,
        "HoTenNguoiNop": d.get("payer_name", ""),
        "SoCMNDNguoiNop": d.get("payer_id_number", ""),
        "DiaChiNguoiNop": d.get("payer_address", ""),
        "HuyenNguoiNop": "",
        "TinhNguoiNop": "",
        "TaiKhoanThuNSNN": "",
        "PhiLePhi": [
            {
                "LoaiPhiLePhi": {"fee": 1, "charge": 2}.get(str(line.get("kind")), 1),
                "MaPhiLePhi": str(line.get("id", "")),
                "TenPhiLePhi": str(line.get("name", "")),
                "SoTien": int(line.get("amount_vnd", 0)),
            }
            for line in request.fee_lines
        ],
        "DSKhoanNop": [
            {"NoiDung": str(line.get("name", "")), "SoTien": int(line.get("amount_vnd", 0))}
            for line in request.fee_lines
        ],
        "MaDVC": d.get("procedure_code", ""),
        "TenDVC": d.get("procedure_name", ""),
        "MaTTHC": d.get("procedure_code", ""),
        "TenTTHC": d.get("procedure_name", ""),
        "MaDonVi": d.get("agency_code", ""),
        "TenDonVi": d.get("agency_name", ""),
        "MaHoSo": d.get("dossier_code", ""),
        "TKThuHuong": "",
        "MaNHThuHuong": "",
        "TenTKThuHuong": "",
    }


@payment_providers.register("paygov")
class PaygovProvider:
    name = "paygov"
    online = True
    component = NATIONAL_PAYMENT_ACTOR  # DuocThanhToanTrucTuyen 1 in the portal's payload (rules.national_portal)

    @property
    def label(self) -> str:
        return str(_("Nền tảng thanh toán quốc gia"))

    def problem(self) -> str | None:
        names = ("MOTCUA_PAYGOV_URL", "MOTCUA_PAYGOV_PARTNER_CODE", "MOTCUA_PAYGOV_SECRET")
        missing = [n for n in names if not _setting(n)]
        return str(_("thiếu %(names)s") % {"names": ", ".join(missing)}) if missing else None

    @property
    def secret(self) -> str:
        return _setting("MOTCUA_PAYGOV_SECRET")

    def _post(self, body: dict[str, Any]) -> httpx.Response:
        timeout = float(getattr(settings, "MOTCUA_PAYGOV_TIMEOUT_SECONDS", 20))
        try:
            response = _client().post(_setting("MOTCUA_PAYGOV_URL"), json=body, timeout=timeout)
        except httpx.HTTPError as error:
            raise GatewayError(f"PayGov: {error}") from error
        if response.status_code != 200:
            raise GatewayError(f"PayGov: HTTP {response.status_code}")
        return response

    def init_message(self, request: PaymentRequest) -> dict[str, Any]:
        values: dict[str, Any] = {
            **paygov.INIT_CONSTANTS,
            "PhienBan": paygov.VERSION,
            "MaDoiTac": _setting("MOTCUA_PAYGOV_PARTNER_CODE"),
            "MaThamChieu": request.reference,
            "SoTien": str(request.amount_vnd),
            "MaThietBi": DEVICE,
            "MaNganHang": "",
            "ThongTinGiaoDich": TRANSACTION_INFO,
            "ThoiGianGD": paygov.timestamp(request.created_at),
            "Ip": request.client_ip,
        }
        values["MaXacThuc"] = paygov.checksum(values, paygov.INIT_FIELDS, self.secret)
        values["ThongTinBienLai"] = receipt_lines(request)
        return values

    def start(self, request: PaymentRequest) -> PaymentStart:
        try:
            data = unwrap(self._post(self.init_message(request)).json())
        except ValueError as error:
            raise GatewayError(f"PayGov INIT: {error}") from error
        if str(data.get("MaLoi", "")) != paygov.SUCCESS or not data.get("UrlThanhToan"):
            raise GatewayError(f"PayGov INIT: MaLoi {data.get('MaLoi')} {data.get('MoTaLoi', '')}")
        return PaymentStart(str(data["UrlThanhToan"]))

    def verify_callback(self, params: Mapping[str, str], body: bytes) -> PaymentVerdict:
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("the body is not a JSON object")
        if not paygov.verify(data, paygov.CALLBACK_FIELDS, self.secret):
            raise ForgedCallback("MaXacThuc")
        if str(data.get("MaDoiTac", "")) != _setting("MOTCUA_PAYGOV_PARTNER_CODE"):
            raise ForgedCallback("MaDoiTac")
        amount = str(data.get("SoTien", ""))
        code = str(data.get("MaLoi", ""))
        return PaymentVerdict(
            reference=str(data["MaThamChieu"]),
            outcome=PaymentOutcome.SUCCEEDED if code == paygov.SUCCESS else PaymentOutcome.FAILED,
            amount_vnd=int(amount) if amount.isdigit() else None,
            provider_transaction=str(data.get("MaGiaoDich", "")),
            message=f"MaLoi={code}",
        )

    def answer(
        self, result: CallbackResult, verdict: PaymentVerdict | None, params: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        """``{MaLoi, MoTaLoi, MaDoiTac, MaThamChieu, ThoiGianGD, MaXacThuc}`` (RULES.md §11)."""
        code, words = _ANSWER[result]
        reference = verdict.reference if verdict else ""
        if not reference:
            try:
                reference = str(json.loads(body).get("MaThamChieu", ""))[:255]
            except (ValueError, AttributeError):
                reference = ""
        answer = {
            "MaLoi": code,
            "MoTaLoi": words,
            "MaDoiTac": _setting("MOTCUA_PAYGOV_PARTNER_CODE"),
            "MaThamChieu": reference,
            "ThoiGianGD": paygov.timestamp(timezone.now()),
        }
        answer["MaXacThuc"] = paygov.checksum(answer, paygov.ANSWER_FIELDS, self.secret)
        return 200, answer

    def _query_message(self, kind: str, attempt: Attempt) -> dict[str, Any]:
        values = {
            "LoaiBanTin": kind,
            "PhienBan": paygov.VERSION,
            "MaDoiTac": _setting("MOTCUA_PAYGOV_PARTNER_CODE"),
            "MaThamChieu": attempt.reference,
            "ThoiGianGD": paygov.timestamp(attempt.created_at),
        }
        values["MaXacThuc"] = paygov.checksum(values, paygov.QUERY_FIELDS, self.secret)
        return values

    def query(self, attempt: Attempt) -> PaymentVerdict:
        """QUERY: ``TrangThaiGD`` 1 success, 3 pending or unknown, 4 failed (RULES.md §11)."""
        try:
            data = unwrap(self._post(self._query_message("QUERY", attempt)).json())
        except ValueError as error:
            raise GatewayError(f"PayGov QUERY: {error}") from error
        status = str(data.get("TrangThaiGD", ""))
        outcome = {
            paygov.QUERY_SUCCEEDED: PaymentOutcome.SUCCEEDED,
            paygov.QUERY_FAILED: PaymentOutcome.FAILED,
        }.get(status, PaymentOutcome.PENDING)
        amount = str(data.get("SoTien", ""))
        return PaymentVerdict(
            reference=str(data.get("MaThamChieu") or attempt.reference),
            outcome=outcome,
            amount_vnd=int(amount) if amount.isdigit() else None,
            provider_transaction=str(data.get("MaGiaoDich", "")),
            message=f"TrangThaiGD={status}",
            raw=json.dumps(data, ensure_ascii=False, sort_keys=True),
        )

    def refund(self, attempt: Attempt, amount_vnd: int, reason: str, by: str) -> PaymentVerdict:
        """RULES.md §11 describes no refund message: refunds of the national platform are made on the platform,
        and recorded here by the leader (the row moves ``succeeded → refunded``)."""
        return PaymentVerdict(attempt.reference, PaymentOutcome.REFUNDED, amount_vnd, "", "recorded locally")

    def receipt(self, attempt: Attempt) -> bytes | None:
        """GET_BILL: the platform's e-receipt (PDF)."""
        response = self._post(self._query_message("GET_BILL", attempt))
        if response.headers.get("content-type", "").startswith("application/pdf"):
            return response.content
        try:
            data = unwrap(response.json())
            bill = data.get("BienLai")
            return base64.b64decode(bill) if bill else None
        except (ValueError, binascii.Error) as error:
            raise GatewayError(f"PayGov GET_BILL: {error}") from error
