"""Local accounts: sign-up verified with a code that leaves through the outbox, login, password reset."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.models import User
from motcua.integrations.models import OutboxMessage

SIGN_UP = {
    "account_type": "citizen",
    "full_name": "Trần Thị Bình",
    "id_number": "019190001234",
    "contact": "binh@example.vn",
    "password": "mat-khau-dai-du-123",
}


def sent_code(to: str) -> str:
    """The code in the newest outbox row to ``to`` — what the citizen receives."""
    row = OutboxMessage.objects.filter(destination="account-code", payload__to=to).order_by("-pk").first()
    assert row is not None, f"no code sent to {to}"
    (code,) = re.findall(r"\b(\d{6})\b", row.payload["body"])
    return code


def test_sign_up_by_email_is_verified_by_the_code_sent_through_the_outbox(db: None) -> None:
    client = Client()
    answer = client.post("/signup/", SIGN_UP)
    assert answer.status_code == 302
    user = User.objects.get(username="binh@example.vn")
    assert not user.is_active
    row = OutboxMessage.objects.get(destination="account-code")
    assert (row.payload["channel"], row.payload["to"]) == ("email", "binh@example.vn")
    assert row.idempotency_key.startswith("account-code:")
    code = sent_code("binh@example.vn")
    assert client.post("/signup/verify/", {"code": f"{(int(code) + 1) % 10**6:06d}"}).status_code == 400
    answer = client.post("/signup/verify/", {"code": code})
    assert answer.status_code == 302
    assert answer["Location"] == "/my/"
    user.refresh_from_db()
    assert user.is_active
    assert user.contact_verified
    assert not user.identity_verified  # a local account is not vouched for by an identity provider
    assert client.get("/my/").status_code == 200
    # logs in later with the password
    other = Client()
    assert (
        other.post("/workbench/login/", {"username": "binh@example.vn", "password": SIGN_UP["password"]})["Location"]
        == "/my/"
    )


def test_sign_up_by_phone_sends_an_sms_and_the_phone_logs_in_as_typed(db: None) -> None:
    client = Client()
    client.post("/signup/", SIGN_UP | {"contact": "0912 345 678"})
    row = OutboxMessage.objects.get(destination="account-code")
    assert (row.payload["channel"], row.payload["to"]) == ("sms", "+84912345678")
    assert "đ" not in row.payload["body"]  # an SMS without diacritics unless configured (the channel composes it)
    client.post("/signup/verify/", {"code": sent_code("+84912345678")})
    answer = Client().post("/workbench/login/", {"username": "0912345678", "password": SIGN_UP["password"]})
    assert answer.status_code == 302
    assert answer["Location"] == "/my/"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id_number": "12345"}, "12 chữ số"),
        ({"contact": "khong-phai-dia-chi"}, "thư điện tử hoặc số điện thoại"),
        ({"password": "123"}, "Mật khẩu"),
        ({"account_type": "enterprise"}, "Mã số thuế"),
        ({"full_name": "  "}, "họ và tên"),
    ],
)
def test_sign_up_refuses_what_is_wrong_in_vietnamese(db: None, change: dict[str, str], message: str) -> None:
    answer = Client().post("/signup/", SIGN_UP | change)
    assert answer.status_code == 400
    assert message.lower() in answer.content.decode().lower()
    assert not User.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_address_with_an_active_account_cannot_sign_up_again(db: None) -> None:
    User.objects.create_user("binh@example.vn", password="x", email="binh@example.vn")
    answer = Client().post("/signup/", SIGN_UP)
    assert answer.status_code == 400
    assert "đã có tài khoản" in answer.content.decode()


def test_five_wrong_codes_end_the_code(db: None) -> None:
    client = Client()
    client.post("/signup/", SIGN_UP)
    code = sent_code("binh@example.vn")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert client.post("/signup/verify/", {"code": wrong}).status_code == 400
    assert client.post("/signup/verify/", {"code": code}).status_code == 400
    assert not User.objects.get().is_active


def test_password_reset_by_code_and_the_page_does_not_tell_who_has_an_account(db: None) -> None:
    User.objects.create_user("binh@example.vn", password="cu-mat-khau-123", email="binh@example.vn")
    client = Client()
    known = client.post("/password-reset/", {"contact": "binh@example.vn"})
    unknown = client.post("/password-reset/", {"contact": "ai-do@example.vn"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: r.content.decode().replace("binh@example.vn", "X").replace("ai-do@example.vn", "X")  # noqa: E731
    assert re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", strip(known)) == re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', "", strip(unknown)
    )
    assert OutboxMessage.objects.filter(destination="account-code").count() == 1
    code = sent_code("binh@example.vn")
    new = "moi-mat-khau-456"
    assert (
        client.post(
            "/password-reset/confirm/", {"contact": "binh@example.vn", "code": "x", "password": new}
        ).status_code
        == 400
    )
    answer = client.post("/password-reset/confirm/", {"contact": "binh@example.vn", "code": code, "password": new})
    assert answer.status_code == 302
    assert User.objects.get().check_password(new)
    # the code is spent
    again = Client().post(
        "/password-reset/confirm/", {"contact": "binh@example.vn", "code": code, "password": "khac-nua-789"}
    )
    assert again.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_the_code_reaches_the_email_channel_through_the_worker(settings: Any) -> None:
    from django.core import mail

    from motcua.integrations import delivery
    from motcua.integrations.models import OutboxState

    settings.MOTCUA_EMAIL_URL = "memory:"
    Client().post("/signup/", SIGN_UP)
    row = OutboxMessage.objects.get(destination="account-code")
    delivery.deliver(row.idempotency_key, worker_id="test")
    row.refresh_from_db()
    assert row.state == OutboxState.DELIVERED
    [sent] = mail.outbox
    assert sent.to == ["binh@example.vn"]
    assert sent_code("binh@example.vn") in sent.body


@pytest.mark.django_db(transaction=True)
def test_without_a_channel_the_code_waits_in_the_outbox(settings: Any) -> None:
    from motcua.integrations import delivery
    from motcua.integrations.models import OutboxState

    settings.MOTCUA_SMS_URL = ""
    Client().post("/signup/", SIGN_UP | {"contact": "0912345678"})
    row = OutboxMessage.objects.get(destination="account-code")
    delivery.deliver(row.idempotency_key, worker_id="test")
    row.refresh_from_db()
    assert row.state == OutboxState.PENDING
    assert "SMS" in row.last_error  # no channel to carry it: the destination says so
