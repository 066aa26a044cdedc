"""The webhook's signature: HMAC-SHA256 of the exact body bytes with the shared secret, in hexadecimal.

Header ``X-Motcua-Signature: sha256=<hex>``. The receiver recomputes it over the bytes it read (before
parsing) and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Motcua-Signature"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid(body: bytes, secret: str, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(sign(body, secret), header.strip())
