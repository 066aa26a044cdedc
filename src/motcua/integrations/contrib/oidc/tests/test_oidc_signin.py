"""Sign-in through the stand-in identity provider, run as a real process (``motcua identity-standin``).

The whole authorisation code flow with PKCE goes over HTTP: Django's test client plays the portal's side,
httpx the citizen's browser at the provider. What a strict provider refuses (PKCE, client secret, redirect URI,
a code used twice) and what the portal refuses (a forged state, a token signed by another key, another audience,
another nonce, an expired token) are each tried once.
"""

from __future__ import annotations

import base64
import hashlib
import re
import signal
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.test import Client

from motcua.accounts.models import ExternalIdentity, User
from motcua.dossiers.projections import differing_counters
from motcua.dossiers.services import open_dossier, perform
from motcua.dossiers.tests.fixtures import counter_intake, offering_of
from motcua.integrations.contrib.national_portal.snapshot import snapshot_of
from motcua.integrations.contrib.oidc import provider
from motcua.integrations.contrib.oidc.standin import DEMO_CITIZEN
from motcua.integrations.tests.conftest import CLI, subprocess_env, wait_until
from motcua.metrics.models import DailyCount
from motcua.rules.identity import is_citizen_id
from motcua.rules.lifecycle import ActionType
from motcua.rules.national_portal import dossier_record

CLIENT_ID, SECRET = "motcua-test", "bi-mat-cua-ung-dung"
CALLBACK = "http://testserver/signin/oidc/callback/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Provider:
    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    def fail(self, mode: str, count: int = 1) -> None:
        response = httpx.post(self.issuer + "/_standin/fail", json={"mode": mode, "count": count}, timeout=5)
        assert response.status_code == 200, response.text

    def received(self) -> dict[str, Any]:
        return httpx.get(self.issuer + "/_standin/received", timeout=5).json()


@pytest.fixture(scope="module")
def idp(tmp_path_factory: Any) -> Iterator[Provider]:
    log = tmp_path_factory.mktemp("idp") / "identity-standin.log"
    argv = [*CLI, "identity-standin", "--port", "0", "--client-id", CLIENT_ID, "--client-secret", SECRET]
    with log.open("w") as out:
        process = subprocess.Popen(
            [*argv, "--redirect-uri", CALLBACK], stdout=out, stderr=subprocess.STDOUT, env=subprocess_env()
        )
    try:
        found = wait_until(
            lambda: re.search(r"listening on (http://\S+)/", log.read_text()) or process.poll() is not None,
            what="the identity stand-in to listen",
        )
        assert process.poll() is None, log.read_text()
        yield Provider(found.group(1))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


@pytest.fixture
def oidc(settings: Any, idp: Provider) -> Provider:
    settings.MOTCUA_OIDC_ISSUER = idp.issuer
    settings.MOTCUA_OIDC_CLIENT_ID = CLIENT_ID
    settings.MOTCUA_OIDC_CLIENT_SECRET = SECRET
    provider._metadata_cache.clear()
    return idp


class Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden":
            self.values[found["name"] or ""] = found.get("value") or ""


def at_provider(location: str, *, password: str = DEMO_CITIZEN["password"], decision: str = "allow") -> str:
    """The citizen at the provider: the login page, then the form; returns where the provider sends them back."""
    page = httpx.get(location, timeout=5)
    assert page.status_code == 200, page.text
    assert "Đồng ý và đăng nhập" in page.text
    form = Inputs()
    form.feed(page.text)
    form.values.update(username=DEMO_CITIZEN["username"], password=password, decision=decision)
    base = location.split("/authorize")[0]
    answer = httpx.post(base + "/authorize", data=form.values, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def start(client: Client) -> str:
    response = client.get("/signin/oidc/")
    assert response.status_code == 302
    return response["Location"]


def back(client: Client, location: str) -> Any:
    assert location.startswith(CALLBACK), location
    return client.get(location.removeprefix("http://testserver"))


def test_a_citizen_signs_in_and_is_identity_verified(oidc: Provider, db: None) -> None:
    client = Client()
    location = start(client)
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["client_id"] == [CLIENT_ID]
    landed = back(client, at_provider(location))
    assert landed.status_code == 302
    assert landed["Location"] == "/my/"
    user = User.objects.get(external_identities__issuer=oidc.issuer)
    assert (user.full_name, user.personal_id_number, user.phone) == ("Nguyễn Văn An", "019090000123", "+84912345678")
    assert str(user.birth_date) == "1990-05-12"
    assert user.identity_verified
    assert not user.has_usable_password()
    assert client.get("/my/").status_code == 200
    # a second sign-in finds the same account
    second = Client()
    back(second, at_provider(start(second)))
    assert ExternalIdentity.objects.count() == 1
    assert User.objects.filter(external_identities__isnull=False).count() == 1


def test_an_online_dossier_of_a_verified_account_is_flagged_for_the_portal(
    oidc: Provider, commune: Any, staff: Any
) -> None:
    client = Client()
    back(client, at_provider(start(client)))
    user = User.objects.get(external_identities__issuer=oidc.issuer)
    offering = offering_of("2.001035", commune)
    mine = counter_intake(offering, id_number=user.personal_id_number, name=user.full_name)
    mine.channel, mine.checklist = "online", []
    mine.files = {
        d.pk: [SimpleUploadedFile(f"{d.pk}.pdf", PDF, content_type="application/pdf")]
        for d in offering.procedure.documents.all()
        if not d.condition
    }
    dossier = open_dossier(mine, user=user)
    assert dossier.applicant_identity_verified
    assert dossier_record(snapshot_of(dossier))["TaiKhoanDuocXacThucVoiVNeID"] == 1
    # filed for somebody else, the same account does not vouch for the applicant
    other = counter_intake(offering, id_number="019099012345")
    other.channel, other.checklist, other.files = "online", [], mine.files
    for files in other.files.values():
        files[0].seek(0)
    someone = open_dossier(other, user=user)
    assert not someone.applicant_identity_verified
    assert dossier_record(snapshot_of(someone))["TaiKhoanDuocXacThucVoiVNeID"] == 0
    # accepted at the desk, the verified one uses the population database (766 4.6b, RULES §7), the other not;
    # the counter folded from the log agrees (the flag is in the opening action's payload)
    for each in (dossier, someone):
        perform(each, ActionType.ACCEPT, user=staff["counter"])
    checked = DailyCount.objects.filter(metric="population_checked").aggregate(total=Sum("value"))["total"]
    assert checked == 1
    assert differing_counters() == set()


def test_refusing_consent_signs_nobody_in(oidc: Provider, db: None) -> None:
    client = Client()
    answer = back(client, at_provider(start(client), decision="deny"))
    assert answer.status_code == 403
    assert "từ chối" in answer.content.decode()
    assert not User.objects.exists()


def test_a_forged_state_is_refused(oidc: Provider, db: None) -> None:
    client = Client()
    location = at_provider(start(client))
    forged = re.sub(r"state=[^&]+", "state=gia-mao", location)
    assert back(client, forged).status_code == 400
    assert not User.objects.exists()


@pytest.mark.parametrize("mode", ["bad_signature", "wrong_audience", "wrong_nonce", "expired"])
def test_an_id_token_that_does_not_check_out_is_refused(oidc: Provider, db: None, mode: str) -> None:
    client = Client()
    location = at_provider(start(client))
    oidc.fail(mode)
    answer = back(client, location)
    assert answer.status_code == 400, answer.content
    assert "ID token" in answer.content.decode()
    assert not User.objects.exists()


def test_the_token_endpoint_failing_is_told_to_the_citizen(oidc: Provider, db: None) -> None:
    client = Client()
    location = at_provider(start(client))
    oidc.fail("token_500")
    answer = back(client, location)
    assert answer.status_code == 400
    assert "không cấp mã truy cập" in answer.content.decode()


def _code_for(idp: Provider, verifier: str) -> tuple[str, str]:
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": CALLBACK,
        "scope": "openid profile",
        "state": "s",
        "nonce": "n",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    location = at_provider(str(httpx.URL(idp.issuer + "/authorize", params=query)))
    return parse_qs(urlsplit(location).query)["code"][0], challenge


def _exchange(idp: Provider, code: str, verifier: str, *, secret: str = SECRET, uri: str = CALLBACK) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": uri, "code_verifier": verifier}
    return httpx.post(idp.issuer + "/token", data=form, auth=(CLIENT_ID, secret), timeout=5)


def test_the_provider_checks_pkce_secret_redirect_and_single_use(idp: Provider) -> None:
    verifier = "v" * 50
    code, _challenge = _code_for(idp, verifier)
    assert _exchange(idp, code, "w" * 50).json()["error"] == "invalid_grant"  # wrong verifier
    code, _challenge = _code_for(idp, verifier)
    assert _exchange(idp, code, verifier, secret="sai").status_code == 401
    code, _challenge = _code_for(idp, verifier)
    assert _exchange(idp, code, verifier, uri="http://testserver/khac/").json()["error"] == "invalid_grant"
    code, _challenge = _code_for(idp, verifier)
    good = _exchange(idp, code, verifier)
    assert good.status_code == 200, good.text
    assert good.json()["token_type"] == "Bearer"
    assert _exchange(idp, code, verifier).json()["error"] == "invalid_grant"  # a code is good once
    info = httpx.get(idp.issuer + "/userinfo", headers={"Authorization": "Bearer " + good.json()["access_token"]})
    assert info.json()["personal_id_number"] == "019090000123"
    jwks = httpx.get(idp.issuer + "/jwks").json()["keys"]
    assert [(k["kty"], "d" in k) for k in jwks] == [("RSA", False)]  # the public key only


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"code_challenge_method": "plain"}, "cần PKCE"),
        ({"code_challenge": ""}, "cần PKCE"),
        ({"scope": "profile"}, "scope phải có openid"),
        ({"nonce": ""}, "thiếu nonce"),
    ],
)
def test_the_provider_sends_back_a_request_without_what_it_needs(idp: Provider, change: dict, problem: str) -> None:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": CALLBACK,
        "scope": "openid",
        "state": "s",
        "nonce": "n",
        "code_challenge": "x" * 43,
        "code_challenge_method": "S256",
    } | change
    answer = httpx.get(idp.issuer + "/authorize", params=query, timeout=5)
    assert answer.status_code == 302
    sent = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert sent["error"] == ["invalid_request"]
    assert problem in sent["error_description"][0]


def test_the_provider_never_redirects_to_an_unregistered_uri(idp: Provider) -> None:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": "http://ke-gian.example/",
        "scope": "openid",
    }
    answer = httpx.get(idp.issuer + "/authorize", params=query, timeout=5)
    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_without_settings_the_sign_in_says_it_is_not_ready(settings: Any, db: None) -> None:
    settings.MOTCUA_OIDC_ISSUER = ""
    answer = Client().get("/signin/oidc/")
    assert answer.status_code == 503
    assert "MOTCUA_OIDC_ISSUER" in answer.content.decode()


def test_the_demo_citizen_has_a_well_formed_personal_identification_number() -> None:
    assert is_citizen_id(DEMO_CITIZEN["personal_id_number"])
