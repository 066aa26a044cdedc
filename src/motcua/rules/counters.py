"""What each action adds to the live counters (DESIGN.md principle 5), in the terms the service index needs.

Counters are kept per day × resolving agency × procedure × channel × **metric** (a narrow table: a new metric
is a new name here, not a migration). The same function, :func:`deltas`, feeds the incremental projection
(in the transaction of each action) and the rebuild from the log, so the two cannot disagree by construction
— a test checks it anyway.

Most metrics count an event on the local day it happened. One is a *time-based* fact that no single event
marks — a dossier becoming overdue — and is kept by the day it falls due instead:

- ``open_by_received_day``: the backlog by its receipt day — +1 on the receipt day when a dossier is received,
  −1 there when it is finished (result ready, refused, withdrawn, stopped); a dossier waiting for a supplement
  or a payment stays in it. The backlog's age in working days is the working time from that day to today
  (the operations dashboard, issue 13).
- ``open_by_due_day``: dossiers in processing (received, not finished, not waiting for a supplement) whose
  legal due moment falls on that day. A dossier enters it when it is received or resumed, moves when its
  due moment moves (a supplement, a reschedule), and leaves it when it ends or waits for the applicant (a
  pending supplement request ends processing at the request, RULES.md §7 indicator 2.1). So
  the dossiers *unfinished past due* on day T are the sum of ``open_by_due_day`` over the days before T — read
  from the counters, never by scanning dossiers (Decision 766/QĐ-TTg indicator 2.1: unfinished past due
  counts as late; RULES.md §7).

Hand-offs (issue 13, the programme's target "100 % routed electronically between agencies"): a ``handoffs``
is counted when the dossier's current step moves to another agency (the one-stop desk to the resolving
agency, to a coordinating agency and back; a forward within an agency is not one), on the day of the action;
``handoffs_on_paper`` when that hand-off's payload says it was made on paper (``HandoffPayload.on_paper``).
Reading: RULES.md §4 records every hand-off; which of them are "between agencies" is ours.

On-time judgement is the lifecycle's (``rules.lifecycle.judge`` with the late-by-rule cases), counted on the
day the result is ready (``NgayKetThucXuLy``). A payment confirmed by the system actor (a gateway) is paid
online; one recorded by an officer, at the counter (766 indicator 3.6). Indicator 3.6 takes its period "by start of
processing" (RULES.md §7), so ``paid_online`` is counted on the dossier's receipt day (the start of processing in
motcua), beside its denominator ``received_with_fees`` (dossiers received whose fee lines are not all 0 — our
reading: at least one line with an amount above 0; a line with no amount is not a fee known to be due).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from motcua.rules import payloads
from motcua.rules.actions import ActionType
from motcua.rules.dossier_state import DossierState, Outcome
from motcua.rules.roles import Role
from motcua.rules.workdays import VIETNAM_TZ


@dataclass(frozen=True)
class Metric:
    name: str
    description: str
    by_due_day: bool = False  # keyed by the day a dossier falls due, not by the day of an event
    #: where the counts come from: ``log`` (:func:`deltas` of each action, rebuilt from the log) or ``outbox``
    #: (an acknowledgement by a receiver, counted when its outbox row is marked delivered and rebuilt from the
    #: outbox — the log does not know it), or ``rating`` (the applicant's evaluations, ``portal.Rating``: counted
    #: when one is written and rebuilt from those rows), or ``ecopy`` (certified e-copies made at the counter,
    #: ``ecopies.CertifiedCopy``: counted when one is requested and when it is signed, rebuilt from those rows)
    source: str = "log"


#: Every metric, with what it counts (the service index's formulas are written in these names).
METRICS: Mapping[str, Metric] = {
    m.name: m
    for m in (
        Metric("received", "dossiers received (accepted at the desk or online)"),
        Metric("received_online", "dossiers received that were filed online"),
        Metric("digitised", "dossiers received with e-copies of their components (uploaded or scanned)"),
        Metric("reused", "dossiers received with at least one document taken from the personal data store"),
        Metric(
            "data_store_connected",
            "dossiers connected to the personal data store (a document taken from it, or the result entered in "
            "the applicant's store), by the day they were received",
        ),
        Metric(
            "population_checked",
            "dossiers received for which a connected database (the population registry) was consulted, or filed "
            "by the applicant's own VNeID-authenticated account",
        ),
        Metric("refused", "dossiers refused"),
        Metric("supplement_requested", "requests to supplement (form 02), before or after acceptance"),
        Metric("supplement_repeated", "dossiers given a second request to supplement while in processing (late)"),
        Metric("finished_early", "results ready before the due day"),
        Metric("finished_on_time", "results ready on the due day, before the due moment"),
        Metric("finished_late", "results ready after the due moment, or late by rule"),
        Metric("returned", "results returned"),
        Metric("withdrawn", "dossiers withdrawn at the applicant's request"),
        Metric("stopped", "dossiers stopped by the agency"),
        Metric("apologised", "apologies with a new appointment"),
        Metric("paid_at_counter", "payments recorded by an officer"),
        Metric("paid_online", "payments confirmed by a payment gateway (the system actor), by the receipt day"),
        Metric("received_with_fees", "dossiers received whose fee lines are not all 0 (766 indicator 3.6)"),
        Metric("rescheduled", "deadlines recomputed after a change of the working calendar"),
        Metric("open_by_due_day", "dossiers in processing by the day they fall due", by_due_day=True),
        Metric("handoffs", "hand-offs of a dossier from one agency to another (the current step changes agency)"),
        Metric("handoffs_on_paper", "hand-offs between agencies recorded as made on paper, outside the system"),
        Metric(
            "open_by_received_day",
            "dossiers received and not finished (in processing or waiting), by the day they were received",
            by_due_day=True,
        ),
        Metric(
            "synchronised",
            "dossiers received whose reception the national portal acknowledged, by the day they were received",
            source="outbox",
        ),
        Metric(
            "rated", "evaluations of a dossier's service by its applicant (RULES §5), on their day", source="rating"
        ),
        Metric(
            "rated_dissatisfied",
            "evaluations whose satisfaction level is 'not satisfied', on their day",
            source="rating",
        ),
        Metric(
            "ecopies_requested",
            "certifications of an e-copy from an original requested at the counter, by the day of the request",
            source="ecopy",
        ),
        Metric(
            "ecopies_certified",
            "e-copies certified from an original and signed by the agency, by the day of the request (766 4.3)",
            source="ecopy",
        ),
    )
}

#: The metrics :func:`deltas` produces and the rebuild from the log recomputes.
LOG_METRICS = frozenset(name for name, metric in METRICS.items() if metric.source == "log")


def acknowledged_after_receipt(receipt_seq: int | None, delivered_seqs: Iterable[int]) -> bool:
    """Whether the portal has acknowledged a dossier as received (Decision 766 indicator 1.4: synchronised
    dossiers received in the period, RULES.md §7): one of its delivered rows was written at or after the action
    that received it (``receive``, or ``accept`` of an online submission) — a row of the submission alone
    told the portal of a dossier not yet received. ``receipt_seq`` is None for a dossier never received."""
    return receipt_seq is not None and any(seq >= receipt_seq for seq in delivered_seqs)


_SIMPLE = {
    ActionType.REFUSE: "refused",
    ActionType.REQUEST_SUPPLEMENT: "supplement_requested",
    ActionType.RETURN_RESULT: "returned",
    ActionType.WITHDRAW: "withdrawn",
    ActionType.STOP: "stopped",
    ActionType.APOLOGISE: "apologised",
    ActionType.RESCHEDULE: "rescheduled",
}
_FINISHED = {Outcome.EARLY: "finished_early", Outcome.ON_TIME: "finished_on_time", Outcome.LATE: "finished_late"}


@dataclass(frozen=True)
class Delta:
    day: date
    metric: str
    value: int


def _open_due(state: DossierState) -> datetime | None:
    """The due moment under which ``state`` counts in ``open_by_due_day``, or None when it does not."""
    if state.received_at is None or state.finished_at is not None or state.paused_since is not None:
        return None
    return state.due_at


def deltas(
    kind: ActionType,
    before: DossierState,
    after: DossierState,
    channel: str,
    payload: payloads.Payload,
    actor_role: Role,
    at: datetime,
    tz: tzinfo = VIETNAM_TZ,
    *,
    opening: payloads.OpeningPayload | None = None,
    has_fees: bool = False,
    paid_before_receipt: bool = False,
) -> list[Delta]:
    """The counters ``kind`` changes, given the states around it, the dossier's channel and what it carried.

    ``opening``: the payload the dossier was registered with (its first action's), for an ``accept`` — whose
    own payload is only the desk's checklist: the e-copies uploaded with an online submission (or scanned at
    registration) and the documents taken from the data store count as digitised and reused on the day the
    dossier is received, as for a dossier received at once. For a ``record_result`` it tells whether the dossier
    already counted as connected to the personal data store (Decision 766 indicator 4.5: a document taken from the
    store, or the result sent to the applicant's store — counted once, on the day the dossier was received).
    RULES §7 4.6: a consulted connected database, or an applicant filing with a VNeID-authenticated account
    (``OpeningPayload.identity_verified``), counts once (``population_checked``). ``has_fees``: the dossier's
    fee lines are not all 0 (``rules.payments.payable_lines``). ``paid_before_receipt``: for an ``accept``, a
    gateway confirmed the dossier's payment while it was only submitted (paid at submission, issue 11):
    ``paid_online`` is counted at the receipt, on its day, beside ``received_with_fees`` — a dossier refused at
    intake is in neither."""
    day = at.astimezone(tz).date()
    found: list[Delta] = []

    def count(metric: str, value: int = 1, on: date = day) -> None:
        found.append(Delta(on, metric, value))

    if kind in {ActionType.RECEIVE, ActionType.ACCEPT} and after.received_at is not None:
        count("received")
        if channel == "online":
            count("received_online")
        if has_fees:
            count("received_with_fees")
        if paid_before_receipt:
            count("paid_online")
        if isinstance(payload, payloads.OpeningPayload):
            opening = payload
        if opening is not None and opening.documents:
            count("digitised")
        if opening is not None and opening.reused_documents:
            count("reused")
            count("data_store_connected")
        if opening is not None and (opening.consulted_databases or opening.identity_verified):
            count("population_checked")
    if (
        kind is ActionType.RECORD_RESULT
        and not before.result_recorded
        and after.received_at is not None
        and not (opening is not None and opening.reused_documents)
    ):
        # the result enters the applicant's store (dossiers.wallet): connected, on the day it was received
        count("data_store_connected", on=after.received_at.astimezone(tz).date())
    if kind is ActionType.MARK_RESULT_READY and after.outcome is not None:
        count(_FINISHED[after.outcome])
    if kind is ActionType.RECORD_PAYMENT:
        if actor_role is Role.SYSTEM:
            if before.received_at is not None:  # else counted when the dossier is received
                count("paid_online", on=before.received_at.astimezone(tz).date())
        else:
            count("paid_at_counter")
    if kind is ActionType.REQUEST_SUPPLEMENT and after.supplement_requests == 2 > before.supplement_requests:
        count("supplement_repeated")
    if kind in _SIMPLE:
        count(_SIMPLE[kind])
    was, now = before.current_step, after.current_step
    if was is not None and now is not None and was.agency_id != now.agency_id:
        count("handoffs")
        if getattr(payload, "on_paper", False):
            count("handoffs_on_paper")
    if after.received_at is not None:
        received_day = after.received_at.astimezone(tz).date()
        if before.received_at is None and after.finished_at is None:
            count("open_by_received_day", 1, received_day)
        elif before.received_at is not None and before.finished_at is None and after.finished_at is not None:
            count("open_by_received_day", -1, received_day)
    old, new = _open_due(before), _open_due(after)
    if old != new:
        if old is not None:
            count("open_by_due_day", -1, old.astimezone(tz).date())
        if new is not None:
            count("open_by_due_day", 1, new.astimezone(tz).date())
    return found
