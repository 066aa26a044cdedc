"""The action log's hash chains in the database (``rules.audit`` says what they are and why).

``chained`` gives a new action its link as it is appended (inside the action's transaction, with the
dossier row locked, so two actions of one dossier never race for the same previous link); ``verify``
recomputes every dossier's chain and every day's seal; ``seal_pending`` seals what was appended since the
last seal (the worker calls it; once a day is enough).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from motcua.dossiers.models import AuditSeal, Dossier, DossierAction
from motcua.rules import audit

#: what ``values()`` reads of an action for its content, by the name ``rules.audit.FIELDS`` gives it
COLUMNS = {
    "dossier": "dossier__code",
    "seq": "seq",
    "type": "type",
    "at": "at",
    "actor": "actor_id",
    "actor_role": "actor_role",
    "system_actor": "system_actor",
    "actor_agency": "actor_agency_id",
    "from_status": "from_status",
    "to_status": "to_status",
    "step_position": "step_position",
    "note": "note",
    "payload": "payload",
    "facts": "facts",
}


def as_stored(value: Any) -> Any:
    """A JSON field's value as the database gives it back (tuples become lists, dates strings …)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def content(row: Mapping[str, Any]) -> dict[str, Any]:
    """An action's content for its link, from a row keyed by ``COLUMNS``' values."""
    values = {name: row[column] for name, column in COLUMNS.items()}
    values["at"] = audit.moment(values["at"])
    values["payload"] = as_stored(values["payload"])
    values["facts"] = as_stored(values["facts"])
    return values


def chained(dossier: Dossier, action: DossierAction) -> str:
    """The link of ``action`` (not saved yet), the next of ``dossier``'s chain."""
    previous = audit.GENESIS
    if action.seq > 1:
        previous = (
            DossierAction.objects.filter(dossier_id=dossier.pk, seq=action.seq - 1)
            .values_list("chain_hash", flat=True)
            .first()
        ) or audit.GENESIS
    row = {column: getattr(action, column) for column in COLUMNS.values() if column != "dossier__code"}
    row["dossier__code"] = dossier.code
    return audit.link(previous, content(row))


def _rows() -> Iterator[dict[str, Any]]:
    return (
        DossierAction.objects.order_by("dossier_id", "seq", "pk")
        .values("dossier_id", "dossier__action_count", "chain_hash", *COLUMNS.values())
        .iterator(chunk_size=5000)
    )


@dataclass
class Verdict:
    dossiers: int = 0
    actions: int = 0
    seals: int = 0
    breaks: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks


def verify(exported: Mapping[date, str] | None = None, limit: int = 20) -> Verdict:
    """Recompute every dossier's chain and every seal; the first broken link of each (up to ``limit``).

    ``exported`` are seal heads kept outside the database (day → head): a seal that no longer matches
    its exported head means the log was rewritten consistently, seals included.
    """
    verdict = Verdict()
    walk: list[tuple[int, str, dict[str, Any]]] = []
    current: dict[str, Any] | None = None

    def close(last: dict[str, Any]) -> None:
        verdict.dossiers += 1
        found = audit.first_break(last["dossier__code"], walk, expected_count=last["dossier__action_count"])
        if found is not None and len(verdict.breaks) < limit:
            verdict.breaks.append(found.describe())

    for row in _rows():
        verdict.actions += 1
        if current is not None and row["dossier_id"] != current["dossier_id"]:
            close(current)
            walk = []
        current = row
        walk.append((row["seq"], row["chain_hash"], content(row)))
    if current is not None:
        close(current)
    emptied = Dossier.objects.filter(action_count__gt=0).exclude(
        Exists(DossierAction.objects.filter(dossier=OuterRef("pk")))
    )
    for code in emptied.values_list("code", flat=True)[:limit]:  # dossiers whose every action is gone
        if len(verdict.breaks) < limit:
            verdict.breaks.append(audit.Break(code, 1, "missing").describe())
    _verify_seals(verdict, exported or {}, limit)
    return verdict


def _heads(after_id: int, last_id: int) -> tuple[dict[str, tuple[int, str]], int]:
    """Each dossier's last action among those with ``after_id`` < id ≤ ``last_id``; and how many there are."""
    heads: dict[str, tuple[int, str]] = {}
    count = 0
    rows = (
        DossierAction.objects.filter(pk__gt=after_id, pk__lte=last_id)
        .values_list("dossier__code", "seq", "chain_hash")
        .iterator(chunk_size=5000)
    )
    for code, seq, chained_hash in rows:
        count += 1
        if code not in heads or heads[code][0] < seq:
            heads[code] = (seq, chained_hash)
    return heads, count


def _verify_seals(verdict: Verdict, exported: Mapping[date, str], limit: int) -> None:
    previous, after_id = audit.GENESIS, 0
    for seal_row in AuditSeal.objects.order_by("day"):
        verdict.seals += 1
        heads, count = _heads(seal_row.after_id, seal_row.last_id)
        recomputed = audit.seal(previous, ((code, seq, h) for code, (seq, h) in heads.items()))
        problem = None
        if seal_row.after_id != after_id or seal_row.previous != previous:
            problem = "không nối tiếp niêm phong trước"
        elif count != seal_row.actions or recomputed != seal_row.head:
            problem = "các thao tác được niêm phong đã bị thay đổi, xoá hoặc chèn thêm"
        elif seal_row.day in exported and exported[seal_row.day] != seal_row.head:
            problem = "khác với bản niêm phong đã lưu bên ngoài"
        if problem and len(verdict.breaks) < limit:
            verdict.breaks.append(f"niêm phong ngày {seal_row.day:%d/%m/%Y}: {problem}")
        previous, after_id = seal_row.head, seal_row.last_id
    for day in sorted(set(exported) - set(AuditSeal.objects.values_list("day", flat=True))):
        if len(verdict.breaks) < limit:
            verdict.breaks.append(f"niêm phong ngày {day:%d/%m/%Y}: đã lưu bên ngoài nhưng không còn trong hệ thống")


def _committed_top() -> int:
    """The highest action id below which every action is committed.

    On PostgreSQL an id is taken at INSERT and the row appears at COMMIT, so a slower transaction can
    commit a lower id after a higher one is visible: a seal up to the highest visible id would miss it
    and the next seal would start above it. ``SHARE`` mode waits for the transactions inserting actions to
    end and holds new ones back for the instant of one ``max(id)``. SQLite writes one at a time anyway.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {DossierAction._meta.db_table} IN SHARE MODE")
        return DossierAction.objects.aggregate(top=Max("pk"))["top"] or 0


def seal_pending(now: datetime | None = None) -> AuditSeal | None:
    """Seal the actions appended since the last seal, once per local day; ``None`` when today is sealed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last = AuditSeal.objects.order_by("-day").first()
    if last is not None and last.day >= today:
        return None
    after_id = last.last_id if last else 0
    last_id = max(_committed_top(), after_id)
    with transaction.atomic():
        heads, count = _heads(after_id, last_id)
        previous = last.head if last else audit.GENESIS
        row = AuditSeal(
            day=today,
            after_id=after_id,
            last_id=last_id,
            actions=count,
            dossiers=len(heads),
            previous=previous,
            head=audit.seal(previous, ((code, seq, h) for code, (seq, h) in heads.items())),
            sealed_at=now,
        )
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # another worker sealed today first (``day`` is unique)
            return None
        return row


def exported_heads(text: str) -> dict[date, str]:
    """Read an export of ``motcua audit-seals --export`` (``YYYY-MM-DD <head>`` per line)."""
    heads: dict[date, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        try:
            day = date.fromisoformat(parts[0])
        except (IndexError, ValueError) as error:
            raise ValueError(f"dòng {number}: cần «YYYY-MM-DD mã-niêm-phong»") from error
        if len(parts) < 2 or len(parts[1]) != 64:
            raise ValueError(f"dòng {number}: cần «YYYY-MM-DD mã-niêm-phong»")
        heads[day] = parts[1]
    return heads
