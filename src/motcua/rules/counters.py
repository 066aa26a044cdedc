"""What each action adds to the live counters (DESIGN.md principle 5).

Counters are kept per day × resolving agency × procedure × channel. The same function feeds the
incremental projection (in the transaction of each action) and the rebuild from the log, so the two
cannot disagree by construction — a test checks it anyway.

On-time judgement is the lifecycle's (``rules.lifecycle.judge`` with the late-by-rule cases), counted
on the day the result is ready (``NgayKetThucXuLy``).
"""

from __future__ import annotations

from motcua.rules.lifecycle import ActionType, DossierState, Outcome

COUNTERS = (
    "received",
    "received_online",
    "refused",
    "supplement_requested",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "returned",
    "withdrawn",
    "stopped",
    "apologised",
    "paid_at_counter",
)

_SIMPLE = {
    ActionType.REFUSE: "refused",
    ActionType.REQUEST_SUPPLEMENT: "supplement_requested",
    ActionType.RETURN_RESULT: "returned",
    ActionType.WITHDRAW: "withdrawn",
    ActionType.STOP: "stopped",
    ActionType.APOLOGISE: "apologised",
    ActionType.RECORD_PAYMENT: "paid_at_counter",
}
_FINISHED = {Outcome.EARLY: "finished_early", Outcome.ON_TIME: "finished_on_time", Outcome.LATE: "finished_late"}


def increments(action: ActionType, after: DossierState, channel: str) -> dict[str, int]:
    """The counters ``action`` increments, given the state it led to and the dossier's channel."""
    if action in {ActionType.RECEIVE, ActionType.ACCEPT}:
        return {"received": 1, "received_online": 1} if channel == "online" else {"received": 1}
    if action is ActionType.MARK_RESULT_READY and after.outcome is not None:
        return {_FINISHED[after.outcome]: 1}
    counter = _SIMPLE.get(action)
    return {counter: 1} if counter else {}
