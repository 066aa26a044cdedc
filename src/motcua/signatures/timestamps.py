"""RFC 3161 timestamps: the client that asks ``MOTCUA_TSA_URL`` over HTTP (with httpx, the project's HTTP client).

pyHanko's own HTTP timestamper uses ``requests``; this one is the same protocol (``application/timestamp-query``
POSTed, ``application/timestamp-reply`` back, the nonce checked by pyHanko) through httpx, so that motcua keeps one
HTTP client and its timeouts (docs/decisions.md).
"""

from __future__ import annotations

import asyncio
import functools

import httpx
from asn1crypto import core, tsp
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError, set_tsp_headers


class StatusOnlyResp(core.Sequence):
    """A ``TimeStampResp`` without its token — a refusal (RFC 3161 §2.4.2), which asn1crypto's class cannot read."""

    _fields = [("status", tsp.PKIStatusInfo), ("time_stamp_token", core.Any, {"optional": True})]


def read_response(raw: bytes) -> tsp.TimeStampResp:
    """The authority's answer; a refusal raises ``TimestampRequestError`` with its status text and failInfo."""
    try:
        response = tsp.TimeStampResp.load(raw)
        response.native  # noqa: B018  (parse it all now: a malformed answer fails here)
        return response
    except (ValueError, TypeError):
        pass
    try:
        status = StatusOnlyResp.load(raw)["status"].native
    except (ValueError, TypeError) as error:
        raise TimestampRequestError("timestamp authority's answer is not a TimeStampResp") from error
    reasons = "; ".join(status.get("status_string") or [])
    fail_info = ", ".join(sorted(status.get("fail_info") or []))
    raise TimestampRequestError(f"timestamp authority refused: {status['status']} ({fail_info}) {reasons}".strip())


class HttpxTimeStamper(TimeStamper):
    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout
        super().__init__()

    def _post(self, body: bytes) -> bytes:
        try:
            response = httpx.post(self.url, content=body, headers=set_tsp_headers({}), timeout=self.timeout)
        except httpx.HTTPError as error:
            raise TimestampRequestError(f"timestamp authority unreachable: {error}") from error
        if response.status_code != 200:
            raise TimestampRequestError(f"timestamp authority answered HTTP {response.status_code}")
        if response.headers.get("content-type", "").split(";")[0].strip() != "application/timestamp-reply":
            raise TimestampRequestError("timestamp authority's answer is not application/timestamp-reply")
        return response.content

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return read_response(await asyncio.to_thread(self._post, req.dump()))


@functools.cache
def timestamper_for(url: str, timeout: float) -> HttpxTimeStamper:
    """One client per authority and process: pyHanko keeps, per client, the dummy token it sizes signatures with,
    so a kept client asks the authority once per signature instead of twice."""
    return HttpxTimeStamper(url, timeout=timeout)
