"""A stand-in identity provider speaking OpenID Connect (Core 1.0, Discovery 1.0) with PKCE (RFC 7636).

Documented in docs/components/identity-standin.md. A real HTTP server, its own process
(``motcua identity-standin --port N``), state in memory:

- ``GET /.well-known/openid-configuration``: the discovery document;
- ``GET /authorize``: checks ``response_type=code``, the client, the registered ``redirect_uri`` (exact match),
  ``scope`` with ``openid``, a ``state``, a ``nonce`` and an S256 ``code_challenge``, then shows a login and
  consent page (Vietnamese); ``POST /authorize`` checks the citizen's password and sends the browser back with
  a one-time code (60 s) — or ``error=access_denied`` when the citizen refuses;
- ``POST /token``: client authentication (``client_secret_basic`` or ``client_secret_post``), the code (once,
  unexpired, for this client), the same ``redirect_uri``, the PKCE verifier against the challenge (S256); answers
  an access token and an RS256-signed ID token (``kid`` in the JWKS) with VNeID-like claims: ``sub``, ``name``,
  ``birthdate``, ``phone_number`` and the 12-digit ``personal_id_number``;
- ``GET /jwks``: the public key; ``GET /userinfo``: the claims for a bearer access token;
- ``GET /_standin/received``: what it issued and refused; ``POST /_standin/fail``: fail on purpose
  (``{"mode": …, "count": n}``; modes in ``FAILURE_MODES``); ``POST /_standin/citizens``: add a citizen.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

#: Ways it can be told to fail: the token endpoint answers 500; the ID token is signed with a key not in the
#: JWKS; carries another audience, another nonce, or has expired; the login page refuses everyone.
FAILURE_MODES = {"token_500", "bad_signature", "wrong_audience", "wrong_nonce", "expired", "deny"}
CODE_SECONDS = 60
TOKEN_SECONDS = 600

DEMO_CITIZEN: dict[str, str] = {
    "username": "congdan",
    "password": "congdan-demo",
    "sub": "vneid-019090000123",
    "name": "Nguyễn Văn An",
    "birthdate": "1990-05-12",
    "phone_number": "+84912345678",
    "personal_id_number": "019090000123",
}


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str
    citizen: dict[str, str]
    expires: float
    used: bool = False


@dataclass
class ProviderState:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uris: set[str]
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8)}))
    citizens: dict[str, dict[str, str]] = field(default_factory=lambda: {DEMO_CITIZEN["username"]: DEMO_CITIZEN})
    lock: threading.Lock = field(default_factory=threading.Lock)
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, tuple[dict[str, str], float]] = field(default_factory=dict)
    issued: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    failure: dict[str, Any] | None = None

    def take_failure(self, *modes: str) -> str | None:
        with self.lock:
            if not self.failure or self.failure["mode"] not in modes:
                return None
            mode = self.failure["mode"]
            self.failure["count"] -= 1
            if self.failure["count"] <= 0:
                self.failure = None
            return mode

    def discovery(self) -> dict[str, Any]:
        base = self.issuer
        return {
            "issuer": base,
            "authorization_endpoint": base + "/authorize",
            "token_endpoint": base + "/token",
            "userinfo_endpoint": base + "/userinfo",
            "jwks_uri": base + "/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile", "phone"],
            "claims_supported": ["sub", "name", "birthdate", "phone_number", "personal_id_number"],
        }

    def id_token(self, grant: Grant) -> str:
        mode = self.take_failure("bad_signature", "wrong_audience", "wrong_nonce", "expired")
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": grant.citizen["sub"],
            "aud": "another-client" if mode == "wrong_audience" else grant.client_id,
            "iat": now,
            "exp": now - 3600 if mode == "expired" else now + TOKEN_SECONDS,
            "auth_time": now,
            "nonce": "another-nonce" if mode == "wrong_nonce" else grant.nonce,
            **claims_of(grant.citizen),
        }
        key = RSAKey.generate_key(2048, parameters={"kid": self.key.kid}) if mode == "bad_signature" else self.key
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key)


def claims_of(citizen: dict[str, str]) -> dict[str, str]:
    return {name: citizen[name] for name in ("name", "birthdate", "phone_number", "personal_id_number")}


def authorize_problems(state: ProviderState, query: dict[str, str]) -> tuple[list[str], bool]:
    """What is wrong with an authorisation request, and whether the redirect URI can be trusted to be told."""
    problems: list[str] = []
    if query.get("client_id") != state.client_id:
        return ["client_id không được đăng ký"], False
    if query.get("redirect_uri") not in state.redirect_uris:
        return ["redirect_uri không được đăng ký cho ứng dụng này"], False
    if query.get("response_type") != "code":
        problems.append("response_type phải là code")
    if "openid" not in query.get("scope", "").split():
        problems.append("scope phải có openid")
    if not query.get("state"):
        problems.append("thiếu state")
    if not query.get("nonce"):
        problems.append("thiếu nonce")
    if query.get("code_challenge_method") != "S256" or len(query.get("code_challenge", "")) != 43:
        problems.append("cần PKCE: code_challenge (S256, 43 ký tự) và code_challenge_method=S256")
    return problems, True


PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Đăng nhập định danh điện tử (giả lập)</title>
<style>body{{font-family:sans-serif;max-width:26rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}
label{{display:block;margin-top:1rem}}input{{font-size:1rem;width:100%;padding:.5rem;box-sizing:border-box}}
button{{margin-top:1rem;font-size:1rem;padding:.6rem 1rem;background:#9b1c1c;color:#fff;border:0}}
button.secondary{{background:#444}}.error{{color:#9b1c1c}}</style></head><body>
<h1>Định danh điện tử (bản giả lập)</h1>
<p>Ứng dụng <strong>{client}</strong> xin đọc: họ và tên, ngày sinh, số điện thoại, số định danh cá nhân.</p>
{error}<form method="post" action="/authorize">{hidden}
<label for="username">Tên đăng nhập</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Mật khẩu</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" name="decision" value="allow">Đồng ý và đăng nhập</button>
<button type="submit" name="decision" value="deny" class="secondary" formnovalidate>Từ chối</button>
</form></body></html>"""


def _flat(raw: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


class ProviderHandler(BaseHTTPRequestHandler):
    server: ProviderServer
    PARAMS = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge",
              "code_challenge_method")  # fmt: skip

    def log_message(self, format: str, *args: Any) -> None:
        print(f"identity-standin {self.command} {self.path.split('?')[0]} {args[1] if len(args) > 1 else ''}")

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _html(self, status: int, text: str) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, uri: str, params: dict[str, str]) -> None:
        self.send_response(302)
        self.send_header("Location", uri + ("&" if "?" in uri else "?") + urlencode(params))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, 64 * 1024)).decode("utf-8", "replace")

    def _refuse(self, where: str, problems: list[str]) -> None:
        with self.server.state.lock:
            self.server.state.refused.append({"at": time.time(), "endpoint": where, "problems": problems})

    def do_GET(self) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        if url.path == "/.well-known/openid-configuration":
            self._json(200, state.discovery())
        elif url.path == "/jwks":
            self._json(200, {"keys": [state.key.as_dict(private=False)]})
        elif url.path == "/authorize":
            self._login_page(_flat(url.query))
        elif url.path == "/userinfo":
            self._userinfo()
        elif url.path == "/_standin/received":
            with state.lock:
                self._json(
                    200, {"issued": list(state.issued), "refused": list(state.refused), "failure": state.failure}
                )
        else:
            self._json(404, {"error": "not_found"})

    def _login_page(self, query: dict[str, str], error: str = "", status: int = 200) -> None:
        problems, trusted = authorize_problems(self.server.state, query)
        if problems:
            self._refuse("authorize", problems)
            if not trusted:  # never redirect to an unregistered URI (RFC 6749 §4.1.2.1)
                self._html(400, "<!doctype html><html lang=vi><title>Lỗi</title><p>" + html.escape("; ".join(problems)))
                return
            self._redirect(query["redirect_uri"], {"error": "invalid_request", "error_description": "; ".join(problems),
                                                   "state": query.get("state", "")})  # fmt: skip
            return
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(query.get(name, ""))}">' for name in self.PARAMS
        )
        message = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
        self._html(status, PAGE.format(client=html.escape(query["client_id"]), error=message, hidden=hidden))

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/authorize":
            self._authorize(_flat(self._body()))
        elif url.path == "/token":
            self._token(_flat(self._body()))
        elif url.path == "/_standin/fail":
            self._fail()
        elif url.path == "/_standin/citizens":
            self._add_citizen()
        else:
            self._json(404, {"error": "not_found"})

    def _authorize(self, form: dict[str, str]) -> None:
        state = self.server.state
        problems, _trusted = authorize_problems(state, form)
        if problems:
            self._login_page(form)
            return
        back = form["redirect_uri"]
        if form.get("decision") != "allow" or state.take_failure("deny"):
            self._redirect(back, {"error": "access_denied", "state": form["state"]})
            return
        citizen = state.citizens.get(form.get("username", ""))
        if citizen is None or not hmac.compare_digest(citizen["password"], form.get("password", "")):
            self._refuse("authorize", ["sai tên đăng nhập hoặc mật khẩu"])
            self._login_page(form, "Tên đăng nhập hoặc mật khẩu không đúng.", status=401)
            return
        code = secrets.token_urlsafe(24)
        grant = Grant(state.client_id, back, form["code_challenge"], form["nonce"], citizen, time.time() + CODE_SECONDS)
        with state.lock:
            state.grants[code] = grant
        self._redirect(back, {"code": code, "state": form["state"]})

    def _client_credentials(self, form: dict[str, str]) -> tuple[str, str]:
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                raw = base64.b64decode(header[6:]).decode()
            except (ValueError, UnicodeDecodeError):
                return "", ""
            client_id, _, secret = raw.partition(":")
            return unquote_plus(client_id), unquote_plus(secret)
        return form.get("client_id", ""), form.get("client_secret", "")

    def _token_error(self, status: int, error: str, description: str) -> None:
        self._refuse("token", [f"{error}: {description}"])
        headers = {"WWW-Authenticate": 'Basic realm="token"'} if status == 401 else None
        self._json(status, {"error": error, "error_description": description}, headers)

    def _token(self, form: dict[str, str]) -> None:
        state = self.server.state
        if state.take_failure("token_500"):
            self._json(500, {"error": "server_error"})
            return
        client_id, secret = self._client_credentials(form)
        if client_id != state.client_id or not hmac.compare_digest(secret.encode(), state.client_secret.encode()):
            self._token_error(401, "invalid_client", "sai client_id hoặc client_secret")
            return
        if form.get("grant_type") != "authorization_code":
            self._token_error(400, "unsupported_grant_type", "chỉ hỗ trợ authorization_code")
            return
        with state.lock:
            grant = state.grants.get(form.get("code", ""))
            fresh = grant is not None and not grant.used and grant.expires > time.time()
            if grant is not None:
                grant.used = True  # a code is good once, even when this exchange fails
        if grant is None or not fresh or grant.client_id != client_id:
            self._token_error(400, "invalid_grant", "mã ủy quyền không hợp lệ, đã dùng hoặc đã hết hạn")
            return
        if form.get("redirect_uri") != grant.redirect_uri:
            self._token_error(400, "invalid_grant", "redirect_uri khác với lúc xin mã")
            return
        verifier = form.get("code_verifier", "")
        if not 43 <= len(verifier) <= 128 or not hmac.compare_digest(s256(verifier), grant.challenge):
            self._token_error(400, "invalid_grant", "code_verifier không khớp code_challenge (S256)")
            return
        access = secrets.token_urlsafe(32)
        id_token = state.id_token(grant)
        with state.lock:
            state.tokens[access] = (grant.citizen, time.time() + TOKEN_SECONDS)
            state.issued.append({"at": time.time(), "sub": grant.citizen["sub"], "client_id": client_id})
        self._json(200, {"access_token": access, "token_type": "Bearer", "expires_in": TOKEN_SECONDS,
                         "id_token": id_token, "scope": "openid profile phone"})  # fmt: skip

    def _userinfo(self) -> None:
        state = self.server.state
        header = self.headers.get("Authorization", "")
        found = state.tokens.get(header[7:]) if header.startswith("Bearer ") else None
        if found is None or found[1] < time.time():
            self._json(401, {"error": "invalid_token"}, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            return
        self._json(200, {"sub": found[0]["sub"], **claims_of(found[0])})

    def _fail(self) -> None:
        try:
            order = json.loads(self._body() or "{}")
        except ValueError:
            order = None
        if not isinstance(order, dict) or order.get("mode") not in FAILURE_MODES:
            self._json(400, {"error": f"mode phải là một trong {', '.join(sorted(FAILURE_MODES))}"})
            return
        with self.server.state.lock:
            self.server.state.failure = {"mode": order["mode"], "count": int(order.get("count", 1))}
        self._json(200, {"failure": self.server.state.failure})

    def _add_citizen(self) -> None:
        try:
            citizen = json.loads(self._body() or "{}")
        except ValueError:
            citizen = None
        needed = {"username", "password", "sub", *claims_of(DEMO_CITIZEN)}
        if (
            not isinstance(citizen, dict)
            or set(citizen) != needed
            or not all(isinstance(v, str) for v in citizen.values())
        ):
            self._json(400, {"error": f"cần đúng các trường {', '.join(sorted(needed))}"})
            return
        with self.server.state.lock:
            self.server.state.citizens[citizen["username"]] = citizen
        self._json(201, {"username": citizen["username"]})


class ProviderServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], *, client_id: str, client_secret: str, redirect_uris: set[str], issuer: str = ""
    ) -> None:
        super().__init__(address, ProviderHandler)
        host, port = self.server_address[:2]
        self.state = ProviderState(issuer or f"http://{host}:{port}", client_id, client_secret, redirect_uris)
