"""Counting a procedure's regulations and what a new version simplified (Circular 02/2017/TT-VPCP's forms).

RULES.md §8 names the Circular but not how its forms count; what follows is **our reading**, stated so that
it can be checked and changed in one place. A procedure is made of parts (its dossier's documents, the
forms to fill in, the steps of its process, the processing time, fees and charges, results, the online
level); each *occurrence* of a part is one regulation:

- ``document``: each component of the dossier (thành phần hồ sơ); its burden is the number of copies;
- ``form``: each form or declaration template (mẫu đơn, tờ khai) attached to a document;
- ``step``: each step of the process (trình tự thực hiện), by name;
- ``time``: the processing time (thời hạn giải quyết) of each channel; burden = the amount, in its unit;
- ``fee``: each fee or charge line (phí, lệ phí); burden = the amount in VND;
- ``result``: each result of the procedure;
- ``online``: the online level, one regulation; burden 2 (none), 1 (partly online), 0 (fully online).

A regulation of the version before is **simplified** when the new version drops it or lightens it (lower
burden; a unit that changed cannot be compared and is not counted). Regulations the new version adds are
reported beside, never subtracted. Rate = simplified ÷ regulations before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

KINDS = ("document", "form", "step", "time", "fee", "result", "online")
ONLINE_BURDEN = {"": Decimal(2), "partial": Decimal(1), "full": Decimal(0)}


@dataclass(frozen=True)
class Regulation:
    kind: str
    key: str  # what identifies it between versions (a document's name, a channel, a fee's kind and name)
    burden: Decimal | None = None  # lower is lighter; None: only its presence counts
    unit: str = ""  # burdens compare only in the same unit
    label: str = ""  # what the officer reads


@dataclass
class Comparison:
    total: int = 0
    after_total: int = 0
    simplified: list[Regulation] = field(default_factory=list)
    removed: list[Regulation] = field(default_factory=list)
    lightened: list[tuple[Regulation, Regulation]] = field(default_factory=list)
    added: list[Regulation] = field(default_factory=list)
    before_by_kind: Counter[str] = field(default_factory=Counter)
    after_by_kind: Counter[str] = field(default_factory=Counter)


def _keyed(regulations: Iterable[Regulation]) -> dict[tuple[str, str, int], Regulation]:
    """Regulations keyed by (kind, key, occurrence): two documents of the same name are two regulations."""
    seen: Counter[tuple[str, str]] = Counter()
    keyed = {}
    for regulation in regulations:
        base = (regulation.kind, regulation.key)
        keyed[(*base, seen[base])] = regulation
        seen[base] += 1
    return keyed


def compare(before: Iterable[Regulation], after: Iterable[Regulation]) -> Comparison:
    """What the version ``after`` simplified of ``before`` (see the module's reading)."""
    old, new = _keyed(before), _keyed(after)
    result = Comparison(total=len(old), after_total=len(new))
    result.before_by_kind.update(r.kind for r in old.values())
    result.after_by_kind.update(r.kind for r in new.values())
    for key, regulation in old.items():
        successor = new.get(key)
        if successor is None:
            result.removed.append(regulation)
            result.simplified.append(regulation)
        elif (
            regulation.burden is not None
            and successor.burden is not None
            and regulation.unit == successor.unit
            and successor.burden < regulation.burden
        ):
            result.lightened.append((regulation, successor))
            result.simplified.append(regulation)
    result.added = [r for key, r in new.items() if key not in old]
    return result
