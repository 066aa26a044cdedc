"""API tokens: an expiry and a scope (read / act), revocable by their owner on a page and through the API."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import ApiToken, User
from motcua.accounts.services import create_api_token, hash_token
from motcua.dossiers.tests.fixtures import officer
from motcua.testing import sign_in

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def mc(commune: Any) -> User:
    return officer("mc", commune, "counter")


def test_a_token_is_stored_hashed_and_ends_at_its_expiry(mc: User) -> None:
    token = create_api_token(mc, "chương trình", days=7)
    row = ApiToken.objects.get()
    assert row.key_hash == hash_token(token)
    assert token not in (row.key_hash, row.prefix)
    assert timedelta(days=7) - (row.expires_at - timezone.now()) < timedelta(minutes=1)
    assert Client().get("/api/v1/dossiers", **bearer(token)).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    answer = Client().get("/api/v1/dossiers", **bearer(token))
    assert answer.status_code == 401
    assert "Cần xác thực" in answer.json()["detail"]


def test_a_revoked_token_is_refused(mc: User) -> None:
    token = create_api_token(mc, "x")
    ApiToken.objects.update(revoked_at=timezone.now())
    assert Client().get("/api/v1/dossiers", **bearer(token)).status_code == 401


def test_a_read_token_reads_and_cannot_write(mc: User) -> None:
    token = create_api_token(mc, "đọc", scope="read")
    assert Client().get("/api/v1/dossiers", **bearer(token)).status_code == 200
    answer = Client().post("/api/v1/dossiers", {}, content_type="application/json", **bearer(token))
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith("Khóa API này chỉ được đọc")
    act = create_api_token(mc, "thao tác", scope="act")
    answer = Client().post("/api/v1/dossiers", {}, content_type="application/json", **bearer(act))
    assert answer.status_code == 422  # past authentication: the empty body is what is refused


def test_the_command_takes_scope_and_lifetime(mc: User) -> None:
    out = StringIO()
    call_command("create_api_token", "mc", "--name", "bao-cao", "--scope", "read", "--days", "30", stdout=out)
    row = ApiToken.objects.get()
    assert (row.name, row.scope, row.prefix) == ("bao-cao", "read", out.getvalue().strip()[:8])
    assert abs((row.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    call_command("create_api_token", "mc", stdout=StringIO())
    assert ApiToken.objects.order_by("pk").last().scope == "read"  # the least by default
    with pytest.raises(CommandError, match="từ 1 đến 365"):
        call_command("create_api_token", "mc", "--days", "400", stdout=StringIO())


def test_the_owner_lists_and_revokes_after_a_confirmation(mc: User, commune: Any) -> None:
    create_api_token(mc, "máy chấm công")
    theirs = create_api_token(officer("cv", commune, "specialist"), "của người khác")
    client = Client()
    sign_in(client, mc)
    page = client.get(reverse("web:tokens")).content.decode()
    assert "máy chấm công" in page
    assert "của người khác" not in page
    mine = ApiToken.objects.get(name="máy chấm công")
    revoke = reverse("web:token-revoke", args=[mine.pk])
    confirmation = client.get(revoke)
    assert "Không thể hoàn tác" in confirmation.content.decode()
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is None  # asking is not revoking
    answer = client.post(revoke)
    assert answer["Location"] == reverse("web:tokens")
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert "Đã thu hồi" in client.get(reverse("web:tokens")).content.decode()
    other = ApiToken.objects.get(name="của người khác")
    assert client.post(reverse("web:token-revoke", args=[other.pk])).status_code == 404
    assert Client().get("/api/v1/dossiers", **bearer(theirs)).status_code == 200


def test_the_api_lists_and_revokes_the_callers_own_tokens(mc: User, commune: Any) -> None:
    token = create_api_token(mc, "a")
    spare = create_api_token(mc, "b")
    other = create_api_token(officer("cv", commune, "specialist"), "c")
    listed = Client().get("/api/v1/account/tokens", **bearer(token)).json()
    assert sorted(t["name"] for t in listed) == ["a", "b"]
    assert all("key_hash" not in t for t in listed)
    b = next(t for t in listed if t["name"] == "b")
    c = ApiToken.objects.get(name="c")
    assert Client().delete(f"/api/v1/account/tokens/{c.pk}", **bearer(token)).status_code == 404
    answer = Client().delete(f"/api/v1/account/tokens/{b['id']}", **bearer(token))
    assert answer.status_code == 200
    assert answer.json()["revoked_at"]
    assert Client().get("/api/v1/account/tokens", **bearer(spare)).status_code == 401
    assert Client().get("/api/v1/account/tokens", **bearer(other)).status_code == 200
    reader = create_api_token(mc, "r", scope="read")
    assert Client().delete(f"/api/v1/account/tokens/{b['id']}", **bearer(reader)).status_code == 403
