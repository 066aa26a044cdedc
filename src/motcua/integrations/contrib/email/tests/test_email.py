"""The e-mail channel: ``MOTCUA_EMAIL_URL``, the file backend, and SMTP failures classified against a real server.

The SMTP server is aiosmtpd's (an asyncio SMTP server, a PyPI package used by the tests only), listening on
loopback in a thread of the test process: the channel talks SMTP to it over TCP through Django's SMTP backend.
Its handler refuses some recipients with 550 (a permanent bounce) or 451 (try later), as a real server does.
Delivery goes through the outbox (``delivery.deliver``), outside any transaction, as the worker runs it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from motcua.integrations import delivery
from motcua.integrations.contrib.email.url import BadEmailUrl, parse_email_url
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.notify.tests.conftest import last_row, receive

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    ("url", "backend", "options"),
    [
        ("smtp://mail.thainguyen.gov.vn", SMTP, {"host": "mail.thainguyen.gov.vn", "port": 25}),
        (
            "smtp://motcua%40tn.gov.vn:p%3Ass@mail:2525?tls=1&timeout=5",
            SMTP,
            {"host": "mail", "port": 2525, "username": "motcua@tn.gov.vn", "password": "p:ss", "use_tls": True},
        ),
        ("smtp://mail?tls=yes", SMTP, {"port": 587, "use_tls": True, "use_ssl": False}),
        ("smtp://mail?ssl=1", SMTP, {"port": 465, "use_ssl": True, "use_tls": False}),
        ("smtps://mail", SMTP, {"port": 465, "use_ssl": True}),
        ("console:", "django.core.mail.backends.console.EmailBackend", {}),
        (
            "file:///srv/motcua/mail",
            "django.core.mail.backends.filebased.EmailBackend",
            {"file_path": "/srv/motcua/mail"},
        ),
        ("memory:", "django.core.mail.backends.locmem.EmailBackend", {}),
    ],
)
def test_email_urls(url: str, backend: str, options: dict[str, Any]) -> None:
    parsed = parse_email_url(url)
    assert parsed.backend == backend
    assert options.items() <= parsed.options.items()
    assert "p:ss" not in parsed.describe()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("pop3://mail", "phải bắt đầu bằng một trong"),
        ("file://var/mail", "đường dẫn tuyệt đối"),
        ("smtp://", "thiếu tên máy chủ"),
        ("smtp://mail:25x", "không phải là số"),
        ("smtp://mail?starttls=1", "tham số không hiểu: starttls"),
    ],
)
def test_bad_email_urls_are_named_not_used(settings: Any, url: str, problem: str) -> None:
    with pytest.raises(BadEmailUrl, match=problem):
        parse_email_url(url)
    from motcua.integrations.notifications import notification_channels

    settings.MOTCUA_EMAIL_URL = url
    assert problem in (notification_channels["email"].problem() or "")


@pytest.mark.django_db
def test_integrations_lists_the_channels_and_where_they_send(settings: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    settings.MOTCUA_EMAIL_URL = "smtp://motcua%40tn.gov.vn:bi-mat@mail.tn.gov.vn?tls=1"
    settings.MOTCUA_SMS_URL, settings.MOTCUA_SMS_TOKEN = "https://sms.example.vn/messages", ""
    out = StringIO()
    call_command("integrations", stdout=out)
    text = out.getvalue()
    assert "  email: đã cấu hình (smtp://motcua@tn.gov.vn@mail.tn.gov.vn:587 (STARTTLS))" in text
    assert "  sms: Chưa cấu hình: biến môi trường MOTCUA_SMS_TOKEN (khóa truy cập cổng SMS) chưa được đặt." in text
    assert "bi-mat" not in text


# --- through the outbox, outside any transaction ---------------------------------------------------------------


def outbox_row(settings: Any, commune: Any, staff: Any, url: str, **contact: str) -> OutboxMessage:
    settings.MOTCUA_EMAIL_URL = url
    settings.MOTCUA_OUTBOX_MAX_ATTEMPTS = 3
    settings.MOTCUA_OUTBOX_BACKOFF_SECONDS = 0
    return last_row(receive(commune, staff, phone="", **contact))


@pytest.mark.django_db(transaction=True)
def test_the_file_backend_writes_the_message_under_its_directory(
    settings: Any, commune: Any, staff: Any, tmp_path: Path
) -> None:
    row = outbox_row(settings, commune, staff, f"file://{tmp_path}/mail")
    assert delivery.deliver(row.idempotency_key, worker_id="w") == delivery.DELIVERED
    [written] = (tmp_path / "mail").iterdir()
    message = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"] == "an.nguyen@example.vn"
    assert message["Subject"].strip() == f"Hồ sơ {row.dossier.code} đã được tiếp nhận"  # RFC 2047 encoded, decoded back
    assert message["Message-ID"] == f"<email.{row.dossier.code}.1@motcua.local>"
    assert "Kính gửi Nguyễn Văn An" in message.get_content()
    row.refresh_from_db()
    assert (row.state, row.response) == (OutboxState.DELIVERED, f"file://{tmp_path}/mail {message['Message-ID']}")


class Handler:
    """Accepts mail, but refuses ``gone@…`` for good (550) and ``busy@…`` for now (451)."""

    def __init__(self) -> None:
        self.received: list[Any] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("gone@"):
            return "550 5.1.1 Hộp thư không tồn tại"
        if address.startswith("busy@"):
            return "451 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, Handler]]:
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}?timeout=5", handler
    finally:
        controller.stop()


@pytest.mark.django_db(transaction=True)
def test_smtp_accepts_delivers(settings: Any, commune: Any, staff: Any, smtp_server: Any) -> None:
    url, handler = smtp_server
    row = outbox_row(settings, commune, staff, url)
    assert delivery.deliver(row.idempotency_key, worker_id="w") == delivery.DELIVERED
    [envelope] = handler.received
    assert envelope.rcpt_tos == ["an.nguyen@example.vn"]
    assert f"Message-ID: <email.{row.dossier.code}.1@motcua.local>" in envelope.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_550_is_a_bounce_dead_at_once_with_the_servers_reply(
    settings: Any, commune: Any, staff: Any, smtp_server: Any
) -> None:
    url, handler = smtp_server
    row = outbox_row(settings, commune, staff, url, email="gone@example.vn")
    assert delivery.deliver(row.idempotency_key, worker_id="w") == delivery.DEAD
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.DEAD, 1)
    assert row.last_error.startswith("Máy chủ thư từ chối người nhận (thư bị trả lại): 550 5.1.1")
    assert not handler.received


@pytest.mark.django_db(transaction=True)
def test_a_451_and_a_closed_port_are_retried_then_dead(
    settings: Any, commune: Any, staff: Any, smtp_server: Any
) -> None:
    url, _handler = smtp_server
    busy = outbox_row(settings, commune, staff, url, email="busy@example.vn")
    assert delivery.deliver(busy.idempotency_key, worker_id="w") == delivery.RETRY
    busy.refresh_from_db()
    assert (busy.state, busy.attempts) == (OutboxState.PENDING, 1)
    assert busy.last_error.startswith("Máy chủ thư tạm thời chưa nhận: 451 4.2.1 Mailbox busy")

    closed = outbox_row(settings, commune, staff, f"smtp://127.0.0.1:{free_port()}?timeout=2")
    outcomes = [delivery.deliver(closed.idempotency_key, worker_id="w") for _ in range(3)]
    assert outcomes == [delivery.RETRY, delivery.RETRY, delivery.DEAD]  # MOTCUA_OUTBOX_MAX_ATTEMPTS = 3
    closed.refresh_from_db()
    assert closed.state == OutboxState.DEAD
    assert "Đã thử 3 lần, lần cuối: Không gửi được tới máy chủ thư smtp://127.0.0.1:" in closed.last_error
    assert "ConnectionRefusedError" in closed.last_error
