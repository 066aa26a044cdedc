"""The SMS gateway interface motcua speaks (``motcua.sms/1``), shared by the channel and the stand-in gateway.

``POST <MOTCUA_SMS_URL>`` with ``Authorization: Bearer <MOTCUA_SMS_TOKEN>``, ``Idempotency-Key: <outbox key>`` and
a JSON body ``{"to": "+84912345678", "text": "…", "encoding": "gsm7" | "ucs2", "sender": "<brand name>"}``
(``sender`` optional). ``201 {"id", "status": "accepted", "segments"}`` for a new key, ``200`` with the same id and
``"status": "duplicate"`` for a key already accepted with the same body; otherwise ``{"reason": "…"}`` with 400
(malformed), 401 (token), 415, 422 (the key reused for another body, or the number refused: not a subscriber,
opted out), 429 or 5xx (busy, down). The interface is motcua's own: a province's provider (Viettel, VNPT,
MobiFone brand-name SMS, …) gets a small adapter (a ``contrib`` app, or an HTTP proxy) that speaks it.
"""

from __future__ import annotations

SCHEMA = "motcua.sms/1"
#: An alphanumeric sender (brand name) holds at most 11 characters (3GPP TS 23.040 §9.1.2.5, 7-bit packed).
MAX_SENDER = 11
ENCODINGS = ("gsm7", "ucs2")
