"""The tamper-evident action log: hash chains over the actions (issue 15).

The log is append-only in the code (``DossierAction`` refuses updates and deletes), but a row can still be
rewritten by SQL. Two chains make such a change visible:

* **Per dossier.** Each action stores ``link(previous, content)``: the SHA-256 of the previous action's link
  and of the action's own content (every stored field, the dossier's code and the action's number among
  them). Changing any field of an action, deleting one, inserting one or swapping two breaks the link of
  that action, and every link after it no longer follows from what is stored.
* **Per day, over all dossiers.** A day's seal is the SHA-256 of the previous day's seal and of the head of
  every dossier acted on that day (its code, the number of its last action of the day, that action's link).
  Whoever rewrites the whole log consistently (the algorithm is public, there is no secret) still cannot
  match a seal exported and kept outside the database (``motcua audit-seals --export``).

Pure Python: the services compute links as they append, ``motcua verify-audit`` recomputes them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: the link before the first action of a dossier, and the seal before the first sealed day
GENESIS = "0" * 64

#: the fields of an action a link covers, in the order ``content`` takes them (a new stored field of the
#: action must be added here, or a change to it would go unnoticed; a test compares with the model)
FIELDS = (
    "dossier",
    "seq",
    "type",
    "at",
    "actor",
    "actor_role",
    "system_actor",
    "actor_agency",
    "from_status",
    "to_status",
    "step_position",
    "note",
    "payload",
    "facts",
)


def moment(at: datetime) -> str:
    """A moment as the chains write it: UTC, to the microsecond (what both databases store)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(content: Mapping[str, Any]) -> bytes:
    """The content of an action as bytes: JSON with sorted keys, no spaces, UTF-8.

    ``content`` has exactly the keys of ``FIELDS``; the moment is already written by ``moment``.
    """
    missing = set(FIELDS) ^ set(content)
    if missing:
        raise ValueError(f"an action's content has the fields {FIELDS}, not {sorted(content)}")
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(previous: str, content: Mapping[str, Any]) -> str:
    """The link of an action: SHA-256 over the previous link (hex, ASCII), a newline and the canonical content."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + canonical(content)).hexdigest()


def seal(previous: str, heads: Iterable[tuple[str, int, str]]) -> str:
    """A day's seal over ``(dossier code, last action number of the day, its link)``, sorted by code."""
    digest = hashlib.sha256(previous.encode("ascii"))
    for code, seq, chained in sorted(heads):
        digest.update(f"\n{code} {seq} {chained}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Break:
    """The first broken link of a dossier's chain."""

    dossier: str
    seq: int
    reason: str  # "changed" | "missing" | "out_of_order" | "unexpected_end" | "beyond_end"

    def describe(self) -> str:
        return {
            "changed": f"hồ sơ {self.dossier}, thao tác số {self.seq}: nội dung hoặc thứ tự đã bị thay đổi",
            "missing": f"hồ sơ {self.dossier}: thiếu thao tác số {self.seq} (đã bị xoá)",
            "out_of_order": f"hồ sơ {self.dossier}, thao tác số {self.seq}: số thứ tự không liền mạch (bị chèn)",
            "unexpected_end": f"hồ sơ {self.dossier}: thao tác cuối là số {self.seq}, hồ sơ ghi nhận nhiều hơn",
            "beyond_end": (
                f"hồ sơ {self.dossier}, thao tác số {self.seq}: vượt quá số thao tác hồ sơ ghi nhận (bị chèn)"
            ),
        }[self.reason]


def first_break(
    dossier: str, actions: Iterable[tuple[int, str, Mapping[str, Any]]], expected_count: int | None = None
) -> Break | None:
    """Walk one dossier's actions ``(seq, stored link, content)`` in stored order; the first broken link.

    Numbers run 1, 2, 3 …: a gap is a deleted action, a repeat or step back an inserted or moved one. Each
    stored link must equal the link recomputed from the *stored* previous link and the content (so the walk
    names the first changed action, not every one after it). ``expected_count`` is the dossier's own count
    of actions: a log ending early lost its last actions, one running on has actions added behind it.
    """
    previous, expected = GENESIS, 1
    for seq, stored, content in actions:
        if seq > expected:
            return Break(dossier, expected, "missing")
        if seq < expected:
            return Break(dossier, seq, "out_of_order")
        if stored != link(previous, content):
            return Break(dossier, seq, "changed")
        if expected_count is not None and seq > expected_count:
            return Break(dossier, seq, "beyond_end")
        previous, expected = stored, expected + 1
    if expected_count is not None and expected - 1 < expected_count:
        return Break(dossier, expected - 1, "unexpected_end")
    return None
