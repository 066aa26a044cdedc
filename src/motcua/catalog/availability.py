"""Whether an offering can receive a dossier today, and if not, why — the one place that decides it.

Intake refuses what this refuses, the counter is offered only what it accepts (so an officer never fills a
whole form for a procedure that is then refused), and the admin lists the offerings that cannot be
received with the reason. What makes an offering receivable:

- the offering is active, its procedure published and in force on the day (a draft or an expired
  procedure is not received);
- the resolving agency and the one-stop desk exist on the day (an agency dissolved by the 2025
  reorganisation, RULES.md §0, receives nothing after its end date);
- at least one channel has a known processing time and a process template that covers it (without them
  no due moment and no steps can be given, RULES.md §3).

Reads the offering's prefetched relations (``channels``, ``templates``), so checking many offerings costs
a fixed number of queries (:func:`receivable_offerings`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from motcua.catalog.models import Offering, ProcedureStatus


@dataclass(frozen=True)
class Problem:
    """Why an offering cannot receive: a stable code (for filters and tests) and a sentence."""

    code: str
    message: str


def _day(value: date) -> str:
    return formats.date_format(value, "d/m/Y")


def intake_problems(offering: Offering, day: date, channel: str | None = None) -> list[Problem]:
    """Why ``offering`` cannot receive a dossier on ``day`` (through ``channel``, or any channel); empty
    when it can."""
    problems: list[Problem] = []
    procedure = offering.procedure
    if not offering.active:
        problems.append(Problem("inactive", _("Cơ quan đã ngừng tiếp nhận thủ tục này.")))
    if procedure.status != ProcedureStatus.PUBLISHED:
        problems.append(Problem("draft", _("Thủ tục chưa được công bố (đang là dự thảo).")))
    if procedure.valid_from and day < procedure.valid_from:
        message = _("Thủ tục chưa có hiệu lực (có hiệu lực từ %(day)s).") % {"day": _day(procedure.valid_from)}
        problems.append(Problem("not_yet_valid", message))
    if procedure.valid_to and day > procedure.valid_to:
        message = _("Thủ tục đã hết hiệu lực từ sau ngày %(day)s.") % {"day": _day(procedure.valid_to)}
        problems.append(Problem("expired", message))
    for agency, code, label in (
        (offering.agency, "resolver_gone", _("Cơ quan giải quyết")),
        (offering.intake_agency, "desk_gone", _("Nơi tiếp nhận")),
    ):
        if not agency.is_valid_on(day):
            message = _("%(label)s “%(name)s” không còn hoạt động vào ngày %(day)s.") % {
                "label": label,
                "name": agency.name,
                "day": _day(day),
            }
            problems.append(Problem(code, message))
    problems.extend(_channel_problems(offering, channel))
    return problems


def intake_problems_kept(offering: Offering, day: date, channel: str) -> list[Problem]:
    """:func:`intake_problems`, kept on the offering instance for the day and channel: intake's offerings are
    cached per process until the catalogue changes (every catalogue change makes new instances), so the
    answer is computed once a day per offering and channel, not once per dossier."""
    kept: dict[tuple[date, str], list[Problem]] = offering.__dict__.setdefault("_intake_problems", {})
    key = (day, channel)
    if key not in kept:
        kept[key] = intake_problems(offering, day, channel)
    return kept[key]


def _channel_problems(offering: Offering, channel: str | None) -> list[Problem]:
    rows = [row for row in offering.channels.all() if channel is None or row.channel == channel]
    if not rows:
        if channel is None:
            return [Problem("no_channel", _("Thủ tục chưa có hình thức nộp nào tại cơ quan."))]
        return [Problem("channel", _("Thủ tục này không nhận hồ sơ qua hình thức đã chọn."))]
    templates = {template.channel for template in offering.templates.all()}
    timed = [row for row in rows if row.duration is not None]
    covered = [row for row in timed if row.channel in templates or "" in templates]
    if covered:
        return []
    if not timed:
        return [Problem("no_time", _("Thủ tục chưa có thời hạn giải quyết xác định: chưa thể tiếp nhận hồ sơ."))]
    return [Problem("no_process", _("Thủ tục chưa có quy trình xử lý: chưa thể tiếp nhận hồ sơ."))]


def receivable_channels(offering: Offering, day: date) -> list[str]:
    """The channels through which ``offering`` can receive a dossier on ``day``."""
    if [p for p in intake_problems(offering, day) if p.code not in _CHANNEL_CODES]:
        return []
    return [row.channel for row in offering.channels.all() if not _channel_problems(offering, row.channel)]


_CHANNEL_CODES = frozenset({"no_channel", "channel", "no_time", "no_process"})


def with_what_intake_reads(offerings: QuerySet[Offering]) -> QuerySet[Offering]:
    """The relations :func:`intake_problems` reads, fetched with the offerings."""
    return offerings.select_related("procedure", "agency", "receiving_agency").prefetch_related("channels", "templates")


def receivable_offerings(offerings: Iterable[Offering], day: date) -> list[Offering]:
    """The offerings that can receive a dossier on ``day`` (give them :func:`with_what_intake_reads`)."""
    return [offering for offering in offerings if not intake_problems(offering, day)]
