"""``MOTCUA_EMAIL_URL``: which Django mail backend sends the notices, and with what, in one setting.

| form | backend |
|---|---|
| ``smtp://[user[:password]@]host[:port][?tls=1][&timeout=S]`` | SMTP; port 25, or 587 with ``tls=1`` (STARTTLS) |
| ``smtps://[user[:password]@]host[:port][?timeout=S]`` | SMTP over TLS from the first byte; port 465 |
| ``console:`` | printed on the standard output (development) |
| ``file:///absolute/directory`` | one ``.log`` file per connection in that directory (the demo: ``var/mail``) |
| ``memory:`` | Django's ``locmem`` backend, ``django.core.mail.outbox`` (tests) |

User and password are percent-encoded (``%40`` for ``@``). A small parser rather than ``dj-email-url``
(docs/decisions.md): that library turns ``file:///var/mail`` into the relative ``var/mail``, silently accepts an
unknown scheme without a backend, and reads ``smtps`` as STARTTLS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}
_TRUE = {"1", "true", "yes", "on"}


class BadEmailUrl(ValueError):
    """The URL cannot be used; the message (Vietnamese) never repeats a password."""


@dataclass(frozen=True)
class EmailUrl:
    scheme: str
    backend: str
    options: dict[str, Any] = field(default_factory=dict)  # keyword arguments of ``get_connection``

    def describe(self) -> str:
        """Where mail goes, without the password (for ``motcua integrations`` and logs)."""
        if self.scheme in {"smtp", "smtps"}:
            user = f"{self.options['username']}@" if self.options.get("username") else ""
            tls = " (TLS)" if self.options.get("use_ssl") else " (STARTTLS)" if self.options.get("use_tls") else ""
            return f"{self.scheme}://{user}{self.options['host']}:{self.options['port']}{tls}"
        if self.scheme == "file":
            return f"file://{self.options['file_path']}"
        return f"{self.scheme}:"


def parse_email_url(url: str) -> EmailUrl:
    scheme = url.strip().partition(":")[0].lower()
    if scheme not in BACKENDS:
        known = ", ".join(s + ":" for s in BACKENDS)
        raise BadEmailUrl(f"MOTCUA_EMAIL_URL phải bắt đầu bằng một trong {known} (nhận được “{scheme}:”).")
    parts = urlsplit(url.strip())
    if scheme in {"console", "memory"}:
        return EmailUrl(scheme, BACKENDS[scheme])
    if scheme == "file":
        path = unquote(parts.path)
        if parts.netloc or not path.startswith("/"):
            raise BadEmailUrl("MOTCUA_EMAIL_URL dạng file:///thư-mục phải là một đường dẫn tuyệt đối.")
        return EmailUrl(scheme, BACKENDS[scheme], {"file_path": path})
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"tls", "ssl", "timeout"}
    if unknown:
        raise BadEmailUrl(f"MOTCUA_EMAIL_URL có tham số không hiểu: {', '.join(sorted(unknown))}.")
    if not parts.hostname:
        raise BadEmailUrl("MOTCUA_EMAIL_URL thiếu tên máy chủ SMTP.")
    try:
        port = parts.port
        timeout = float(query["timeout"]) if "timeout" in query else None
    except ValueError as error:
        raise BadEmailUrl("MOTCUA_EMAIL_URL: cổng hoặc timeout không phải là số.") from error
    use_ssl = scheme == "smtps" or query.get("ssl", "").lower() in _TRUE
    use_tls = not use_ssl and query.get("tls", "").lower() in _TRUE
    options: dict[str, Any] = {
        "host": parts.hostname,
        "port": port or (465 if use_ssl else 587 if use_tls else 25),
        "username": unquote(parts.username) if parts.username else "",
        "password": unquote(parts.password) if parts.password else "",
        "use_tls": use_tls,
        "use_ssl": use_ssl,
    }
    if timeout is not None:
        options["timeout"] = timeout
    return EmailUrl(scheme, BACKENDS[scheme], options)
