"""A stand-in national payment platform (PayGov 1.0.6, RULES.md §11): INIT, the payer's page, the result
callback, QUERY and GET_BILL.

Documented in docs/components/paygov-standin.md. One address takes every message (``POST /``, JSON), told apart
by ``LoaiBanTin`` (``PAY``, ``QUERY``, ``GET_BILL``); each is checked as the platform does — ``MaDoiTac``, the
fields, ``ThoiGianGD`` (``yyyyMMddHHmmss``, 24-hour clock), ``MaXacThuc`` (SHA-256 over the ``|``-joined values
with the secret last) — and a bad one is answered with ``MaLoi`` ≠ ``00``. INIT answers ``{MaLoi, UrlThanhToan}``
(or wrapped ``{error_code, message: "<JSON>"}`` when started with ``--wrapped``, as a province's gateway does). On
the payer's page the payer chooses success, failure or cancel; the stand-in then POSTs the signed result to the
merchant's callback address and sends the browser back. ``/_standin/…`` controls it (see the doc).
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from motcua.documents.pdf import html_to_pdf
from motcua.payments.contrib.standin import (
    CHOICES,
    GatewayState,
    PaymentStandinHandler,
    Transaction,
    payer_page,
    post_callback,
)
from motcua.rules import paygov

_RECEIPT_FIELDS = ("MaDichVu", "MaHoSo", "PhiLePhi")


def message_problems(message: Any, partner: str, secret: str) -> list[str]:
    """What is wrong with a message (empty when the platform would take it)."""
    if not isinstance(message, dict):
        return ["nội dung phải là một đối tượng JSON"]
    kind = message.get("LoaiBanTin")
    fields = paygov.INIT_FIELDS if kind == "PAY" else paygov.QUERY_FIELDS if kind in ("QUERY", "GET_BILL") else None
    if fields is None:
        return ["LoaiBanTin phải là PAY, QUERY hoặc GET_BILL"]
    problems = [f"thiếu {f}" for f in fields if f not in message]
    if message.get("MaDoiTac") != partner:
        problems.append("MaDoiTac không phải đối tác đã đăng ký")
    if message.get("PhienBan") != paygov.VERSION:
        problems.append(f"PhienBan phải là {paygov.VERSION}")
    when = str(message.get("ThoiGianGD", ""))
    try:
        datetime.strptime(when, "%Y%m%d%H%M%S")
    except ValueError:
        problems.append("ThoiGianGD phải có dạng yyyyMMddHHmmss (24 giờ)")
    if not paygov.verify(message, fields, secret):
        problems.append("MaXacThuc sai (SHA-256 của các giá trị nối bằng | và khóa bí mật ở cuối)")
    reference = str(message.get("MaThamChieu", ""))
    if not reference or len(reference) > paygov.MAX_REFERENCE:
        problems.append("MaThamChieu phải có từ 1 đến 255 ký tự")
    if kind == "PAY":
        for name, value in paygov.INIT_CONSTANTS.items():
            if message.get(name) != value:
                problems.append(f"{name} phải là {value}")
        if not str(message.get("SoTien", "")).isdigit() or int(message["SoTien"]) <= 0:
            problems.append("SoTien phải là số nguyên dương (đồng)")
        receipt = message.get("ThongTinBienLai")
        if not isinstance(receipt, dict):
            problems.append("thiếu ThongTinBienLai")
        else:
            problems += [f"ThongTinBienLai thiếu {f}" for f in _RECEIPT_FIELDS if f not in receipt]
            lines = receipt.get("PhiLePhi")
            amount = str(message.get("SoTien", ""))
            if (
                isinstance(lines, list)
                and amount.isdigit()
                and sum(int(x.get("SoTien", 0)) for x in lines) != int(amount)
            ):
                problems.append("tổng PhiLePhi khác SoTien")
    return problems


class PaygovHandler(PaymentStandinHandler):
    server: PaygovServer  # type: ignore[assignment]
    name = "paygov-standin"

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        if split.path.rstrip("/") == "/_standin/received":
            self._answer(200, self.server.state.snapshot())
            return
        if not split.path.startswith("/pay/"):
            self._answer(404, {"reason": "không có địa chỉ này"})
            return
        reference = split.path.rsplit("/", 1)[-1]
        with self.server.state.lock:
            txn = self.server.state.transactions.get(reference)
        if txn is None:
            self._answer(404, {"reason": "không có giao dịch"})
            return
        page = payer_page("Nền tảng thanh toán quốc gia", reference, txn.amount_vnd, "", f"/_standin/pay/{reference}")
        self._html(200, page)

    def do_POST(self) -> None:
        body = self._read_body()
        if body is None:
            return
        path = urlsplit(self.path).path
        if path.startswith("/_standin/pay/"):
            outcome = self.server.settle(path.rsplit("/", 1)[-1], self._form(body).get("choice", ""), callback=True)
            if outcome is None:
                self._answer(404, {"reason": "không có giao dịch hoặc lựa chọn"})
                return
            self._redirect(outcome["return_url"])
            return
        if path.startswith("/_standin/") and self._control(body):
            return
        if path.rstrip("/") not in ("", "/api"):
            self._answer(404, {"reason": "không có địa chỉ này"})
            return
        failure = self._take_failure()
        if failure is not None and failure.mode not in ("bad_signature", "no_callback"):
            self._fail(failure)
            return
        try:
            message = json.loads(body)
        except ValueError:
            self._reply({"MaLoi": "01", "MoTaLoi": "JSON không hợp lệ"})
            return
        state = self.server.state
        problems = message_problems(message, state.merchant, state.secret)
        if problems:
            with state.lock:
                state.refused.append({"message": message, "problems": problems})
            self._reply(
                {"MaLoi": "07" if any("MaXacThuc" in p for p in problems) else "01", "MoTaLoi": "; ".join(problems)}
            )
            return
        kind, reference = message["LoaiBanTin"], str(message["MaThamChieu"])
        if kind == "PAY":
            with state.lock:
                known = state.transactions.get(reference)
                if known is not None and known.fields.get("ThoiGianGD") != message.get("ThoiGianGD"):
                    self._reply({"MaLoi": "02", "MoTaLoi": "MaThamChieu đã dùng"})
                    return
                state.transactions.setdefault(reference, Transaction(reference, int(message["SoTien"]), message))
            host = self.headers.get("Host", f"127.0.0.1:{self.server.server_address[1]}")
            self._reply({"MaLoi": "00", "MoTaLoi": "Thành công", "UrlThanhToan": f"http://{host}/pay/{reference}"})
            return
        with state.lock:
            state.queries += 1
            txn = state.transactions.get(reference)
        if kind == "QUERY":
            status = {"success": "1", "failure": "4", "cancel": "4"}.get(txn.status if txn else "", "3")
            answer = {"MaLoi": "00", "MaThamChieu": reference, "TrangThaiGD": status}
            if txn is not None:
                answer |= {"SoTien": str(txn.amount_vnd), "MaGiaoDich": txn.transaction_no}
            self._reply(answer)
            return
        if txn is None or txn.status != "success":  # GET_BILL of an unpaid transaction
            self._reply({"MaLoi": "03", "MoTaLoi": "Giao dịch chưa thanh toán"})
            return
        pdf = self.server.bill(txn)
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(pdf)))
        self.end_headers()
        self.wfile.write(pdf)

    def _reply(self, data: dict[str, Any]) -> None:
        if self.server.wrapped:
            self._answer(200, {"error_code": 0, "message": json.dumps(data, ensure_ascii=False)})
        else:
            self._answer(200, data)


class PaygovServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], partner: str, secret: str, callback_url: str, *, wrapped: bool = False
    ) -> None:
        super().__init__(address, PaygovHandler)
        self.state = GatewayState(secret=secret, merchant=partner, callback_url=callback_url)
        self.wrapped = wrapped
        self.return_url = ""
        self._bills: dict[str, bytes] = {}

    def result_message(self, txn: Transaction) -> dict[str, str]:
        values = {
            "LoaiBanTin": "PAY",
            "MaLoi": "00" if txn.status == "success" else "24" if txn.status == "cancel" else "51",
            "MaDoiTac": self.state.merchant,
            "MaThamChieu": txn.reference,
            "SoTien": str(txn.amount_vnd),
            "MaTienTe": "VND",
            "MaGiaoDich": txn.transaction_no,
            "MaNganHang": "NCB",
            "ThoiGianGD": paygov.timestamp(datetime.fromtimestamp(txn.paid_at or time.time()).astimezone()),
            "ThongTinGiaoDich": str(txn.fields.get("ThongTinGiaoDich", "")),
        }
        values["MaXacThuc"] = paygov.checksum(values, paygov.CALLBACK_FIELDS, self.state.secret)
        return values

    def settle(self, reference: str, choice: str, *, callback: bool) -> dict[str, Any] | None:
        state = self.state
        if choice not in CHOICES:
            return None
        with state.lock:
            txn = state.transactions.get(reference)
            if txn is None:
                return None
            if txn.status == "pending":
                txn.status = choice
                txn.paid_at = time.time()
        if not txn.transaction_no:
            txn.transaction_no = state.new_number()
        message = self.result_message(txn)
        with state.lock:
            failure = state.take_failure()
        if failure is not None and failure.mode == "bad_signature":
            message["MaXacThuc"] = "0" * 64
        outcome: dict[str, Any] = {"message": message, "return_url": self.return_url or "about:blank"}
        if callback and state.callback_url and not (failure is not None and failure.mode == "no_callback"):
            answer = post_callback("POST", state.callback_url, message)
            with state.lock:
                txn.callbacks.append(answer)
            outcome["callback"] = answer
        return outcome

    def seed(self, reference: str, amount_vnd: int, status: str) -> None:
        with self.state.lock:
            txn = Transaction(reference, amount_vnd, {}, status=status)
            txn.transaction_no = str(15000000 + len(self.state.transactions) + 1)
            txn.paid_at = time.time()
            self.state.transactions[reference] = txn

    def bill(self, txn: Transaction) -> bytes:
        if txn.reference not in self._bills:
            html = (
                "<!doctype html><meta charset=utf-8><h1>Biên lai điện tử (giả lập)</h1>"
                f"<p>MaThamChieu: {txn.reference}</p><p>MaGiaoDich: {txn.transaction_no}</p>"
                f"<p>SoTien: {txn.amount_vnd} VND</p>"
            )
            self._bills[txn.reference] = html_to_pdf(html)
        return self._bills[txn.reference]
