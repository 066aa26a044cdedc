"""The counters each action changes, against hand-worked expectations (not against the code's own output)."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from motcua.rules import payloads
from motcua.rules.counters import METRICS, Delta, deltas
from motcua.rules.lifecycle import Action, ActionType, Actor, DossierState, Plan, Status, StepPlan, apply
from motcua.rules.roles import Role
from motcua.rules.workdays import VIETNAM_TZ, Unit, WorkCalendar

CAL = WorkCalendar()
DESK, RESOLVER = 1, 2
PLAN = Plan(
    CAL,
    (
        StepPlan(1, "tiếp nhận", Role.COUNTER, DESK, Decimal(4), Unit.WORKING_HOURS),
        StepPlan(2, "xử lý", Role.SPECIALIST, RESOLVER, Decimal(8), Unit.WORKING_HOURS),
        StepPlan(3, "phê duyệt", Role.LEADER, RESOLVER, Decimal(4), Unit.WORKING_HOURS),
    ),
    Decimal(2),
    Unit.WORKING_DAYS,
    DESK,
    RESOLVER,
)


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


class Walk:
    """Applies actions one by one and keeps the deltas each one gave."""

    def __init__(self, channel: str = "counter") -> None:
        self.state = DossierState()
        self.channel = channel
        self.seen: list[list[Delta]] = []

    def do(self, kind: ActionType, role: Role, agency: int | None, at: datetime, **data: object) -> list[Delta]:
        payload = payloads.parse(kind, data)
        after = apply(self.state, PLAN, Action(kind, at, Actor(role, agency), payload))
        found = deltas(kind, self.state, after, self.channel, payload, role, at)
        self.state = after
        self.seen.append(found)
        return found


def test_every_metric_is_described_once() -> None:
    assert all(metric.name == name and metric.description for name, metric in METRICS.items())


def test_a_dossier_with_a_supplement_pause_moves_between_due_days() -> None:
    # Monday 08/09/2025 08:00, 2 working days: due Wednesday 10/09 08:00
    walk = Walk()
    assert set(walk.do(ActionType.RECEIVE, Role.COUNTER, DESK, vn(2025, 9, 8, 8, 0), documents=[7])) == {
        Delta(date(2025, 9, 8), "received", 1),
        Delta(date(2025, 9, 8), "digitised", 1),  # received with an e-copy
        Delta(date(2025, 9, 10), "open_by_due_day", 1),
        Delta(date(2025, 9, 8), "open_by_received_day", 1),  # the backlog, by its receipt day
    }
    # asked to supplement on Tuesday: the clock stops, the dossier is no longer open under a due day
    assert set(walk.do(ActionType.REQUEST_SUPPLEMENT, Role.COUNTER, DESK, vn(2025, 9, 9, 8, 0), missing=["x"])) == {
        Delta(date(2025, 9, 9), "supplement_requested", 1),
        Delta(date(2025, 9, 10), "open_by_due_day", -1),
    }
    # the supplement arrives a week later (Tuesday 16/09 08:00): 8 working hours remained → Wednesday 17/09 08:00
    assert walk.do(ActionType.SUPPLEMENT, Role.COUNTER, DESK, vn(2025, 9, 16, 8, 0)) == [
        Delta(date(2025, 9, 17), "open_by_due_day", 1)
    ]
    walk.do(ActionType.FORWARD, Role.COUNTER, DESK, vn(2025, 9, 16, 9, 0))
    walk.do(ActionType.FORWARD, Role.SPECIALIST, RESOLVER, vn(2025, 9, 16, 10, 0))
    walk.do(ActionType.APPROVE, Role.LEADER, RESOLVER, vn(2025, 9, 16, 11, 0))
    walk.do(ActionType.RECORD_RESULT, Role.LEADER, RESOLVER, vn(2025, 9, 16, 11, 0), documents=[9])
    # ready on Tuesday, a day before the due day: early; it leaves the open dossiers of Wednesday
    assert set(walk.do(ActionType.MARK_RESULT_READY, Role.LEADER, RESOLVER, vn(2025, 9, 16, 14, 0))) == {
        Delta(date(2025, 9, 16), "finished_early", 1),
        Delta(date(2025, 9, 17), "open_by_due_day", -1),
        Delta(date(2025, 9, 8), "open_by_received_day", -1),  # out of the backlog, under its receipt day
    }
    # over the whole life the open count nets to zero on every day
    net: dict[date, int] = {}
    for found in walk.seen:
        for delta in found:
            if delta.metric == "open_by_due_day":
                net[delta.day] = net.get(delta.day, 0) + delta.value
    assert set(net.values()) == {0}
    # the desk → resolver forward is a hand-off between agencies (the demo plan's desk and resolver differ)
    assert sum(d.value for found in walk.seen for d in found if d.metric == "handoffs") == 1


def test_a_second_request_in_processing_is_counted_once_as_repeated() -> None:
    walk = Walk()
    walk.do(ActionType.RECEIVE, Role.COUNTER, DESK, vn(2025, 9, 8, 8, 0))
    metrics = []
    for day in (8, 9, 10):
        metrics += [
            d.metric
            for d in walk.do(ActionType.REQUEST_SUPPLEMENT, Role.COUNTER, DESK, vn(2025, 9, day, 9), missing=["x"])
        ]
        walk.do(ActionType.SUPPLEMENT, Role.COUNTER, DESK, vn(2025, 9, day, 10))
    assert metrics.count("supplement_requested") == 3
    assert metrics.count("supplement_repeated") == 1


def test_a_request_before_acceptance_is_not_processing() -> None:
    walk = Walk()
    assert walk.do(ActionType.SUBMIT, Role.COUNTER, DESK, vn(2025, 9, 8, 8, 0)) == []
    assert [
        d.metric
        for d in walk.do(ActionType.REQUEST_SUPPLEMENT, Role.COUNTER, DESK, vn(2025, 9, 8, 8, 5), missing=["x"])
    ] == ["supplement_requested"]
    assert walk.do(ActionType.SUPPLEMENT, Role.COUNTER, DESK, vn(2025, 9, 9, 8, 0)) == []
    assert {d.metric for d in walk.do(ActionType.ACCEPT, Role.COUNTER, DESK, vn(2025, 9, 9, 9, 0))} == {
        "received",
        "open_by_due_day",
        "open_by_received_day",
    }


def test_an_accepted_submission_counts_its_e_copies_on_the_receipt_day() -> None:
    """Filed online on Monday with two e-copies and one document from the data store, accepted on Tuesday:
    received, online, digitised and reused on Tuesday — from what it was registered with."""
    walk = Walk("online")
    opening = payloads.OpeningPayload(documents=[1, 2], reused_documents=[3], online=True)
    registered = apply(
        walk.state, PLAN, Action(ActionType.SUBMIT, vn(2025, 9, 8, 20, 0), Actor(Role.APPLICANT, None), opening)
    )
    assert (
        deltas(ActionType.SUBMIT, walk.state, registered, "online", opening, Role.APPLICANT, vn(2025, 9, 8, 20, 0))
        == []
    )
    accept = payloads.AcceptPayload()
    accepted = apply(
        registered, PLAN, Action(ActionType.ACCEPT, vn(2025, 9, 9, 9, 0), Actor(Role.COUNTER, DESK), accept)
    )
    found = deltas(
        ActionType.ACCEPT, registered, accepted, "online", accept, Role.COUNTER, vn(2025, 9, 9, 9, 0), opening=opening
    )
    assert {(d.day, d.metric) for d in found if d.metric != "open_by_due_day"} == {
        (date(2025, 9, 9), "open_by_received_day"),
        (date(2025, 9, 9), "received"),
        (date(2025, 9, 9), "received_online"),
        (date(2025, 9, 9), "digitised"),
        (date(2025, 9, 9), "reused"),
        (date(2025, 9, 9), "data_store_connected"),  # a document taken from the store (766 4.5)
    }


def test_payments_by_who_confirmed_them() -> None:
    walk = Walk("online")
    found = walk.do(ActionType.RECEIVE, Role.COUNTER, DESK, vn(2025, 9, 8, 8, 0), reused_documents=[3])
    assert {d.metric for d in found} == {
        "received",
        "received_online",
        "reused",
        "data_store_connected",
        "open_by_due_day",
        "open_by_received_day",
    }
    at_desk = walk.do(ActionType.RECORD_PAYMENT, Role.COUNTER, DESK, vn(2025, 9, 8, 9, 0), amount_vnd=1000)
    online = walk.do(ActionType.RECORD_PAYMENT, Role.SYSTEM, None, vn(2025, 9, 8, 10, 0), amount_vnd=1000)
    assert [d.metric for d in at_desk] == ["paid_at_counter"]
    assert [d.metric for d in online] == ["paid_online"]


def test_indicator_3_6_counts_by_the_receipt_day() -> None:
    """766 indicator 3.6 takes its period by the start of processing (RULES.md §7): a dossier with fees received on
    Monday 08/09/2025 and paid online on Thursday 11/09 counts as received with fees and paid online on the 8th."""
    walk = Walk("online")
    received = vn(2025, 9, 8, 8, 0)
    payload = payloads.parse(ActionType.RECEIVE, {})
    after = apply(walk.state, PLAN, Action(ActionType.RECEIVE, received, Actor(Role.COUNTER, DESK), payload))
    opened = deltas(ActionType.RECEIVE, walk.state, after, "online", payload, Role.COUNTER, received, has_fees=True)
    assert (date(2025, 9, 8), "received_with_fees") in {(d.day, d.metric) for d in opened}
    without = deltas(ActionType.RECEIVE, walk.state, after, "online", payload, Role.COUNTER, received)
    assert "received_with_fees" not in {d.metric for d in without}
    walk.state = after
    paid = walk.do(ActionType.RECORD_PAYMENT, Role.SYSTEM, None, vn(2025, 9, 11, 10, 0), amount_vnd=2000)
    assert [(d.day, d.metric) for d in paid] == [(date(2025, 9, 8), "paid_online")]
    at_desk = walk.do(ActionType.RECORD_PAYMENT, Role.COUNTER, DESK, vn(2025, 9, 12, 10, 0), amount_vnd=2000)
    assert [(d.day, d.metric) for d in at_desk] == [(date(2025, 9, 12), "paid_at_counter")]


def test_paid_at_submission_counts_for_3_6_when_received() -> None:
    """Paid through a gateway on Friday 05/09/2025, right after an online submission; accepted on Monday 08/09:
    nothing is counted at the payment (the dossier is not received yet, and may never be); at the receipt, paid
    online and received with fees, both on the 8th (3.6's period by the start of processing). Refused instead:
    in neither."""
    walk = Walk("online")
    walk.do(ActionType.SUBMIT, Role.APPLICANT, None, vn(2025, 9, 5, 9, 0))
    assert walk.do(ActionType.RECORD_PAYMENT, Role.SYSTEM, None, vn(2025, 9, 5, 9, 5), amount_vnd=50000) == []
    assert walk.state.status is Status.SUBMITTED  # a payment does not accept the dossier
    before = walk.state
    payload = payloads.parse(ActionType.ACCEPT, {})
    after = apply(before, PLAN, Action(ActionType.ACCEPT, vn(2025, 9, 8, 8, 0), Actor(Role.COUNTER, DESK), payload))
    found = deltas(
        ActionType.ACCEPT,
        before,
        after,
        "online",
        payload,
        Role.COUNTER,
        vn(2025, 9, 8, 8, 0),
        has_fees=True,
        paid_before_receipt=True,
    )
    counted = {(d.day, d.metric, d.value) for d in found}
    assert {(date(2025, 9, 8), "paid_online", 1), (date(2025, 9, 8), "received_with_fees", 1)} <= counted
    refused = Walk("online")
    refused.do(ActionType.SUBMIT, Role.APPLICANT, None, vn(2025, 9, 5, 9, 0))
    refused.do(ActionType.RECORD_PAYMENT, Role.SYSTEM, None, vn(2025, 9, 5, 9, 5), amount_vnd=50000)
    ended = refused.do(ActionType.REFUSE, Role.COUNTER, DESK, vn(2025, 9, 8, 8, 0), reasons=["x"])
    assert not {"paid_online", "received_with_fees"} & {d.metric for d in ended}


def test_ending_a_dossier_removes_it_from_the_open_ones_of_its_due_day() -> None:
    for kind, role, agency, data in (
        (ActionType.WITHDRAW, Role.COUNTER, DESK, {"reason": "x"}),
        (ActionType.STOP, Role.LEADER, RESOLVER, {"reason": "x"}),
        (ActionType.REFUSE, Role.COUNTER, DESK, {"reasons": ["x"]}),
    ):
        walk = Walk()
        walk.do(ActionType.RECEIVE, Role.COUNTER, DESK, vn(2025, 9, 8, 8, 0))
        found = walk.do(kind, role, agency, vn(2025, 9, 8, 9, 0), **data)
        assert Delta(date(2025, 9, 10), "open_by_due_day", -1) in found, kind
        assert Delta(date(2025, 9, 8), "open_by_received_day", -1) in found, kind
        # nothing is counted twice
        assert len(found) == len(set(found)) == 3, kind


def test_a_reschedule_moves_the_open_dossier_to_its_new_due_day() -> None:
    walk = Walk()
    walk.do(ActionType.RECEIVE, Role.COUNTER, DESK, vn(2025, 9, 8, 8, 0))
    new = vn(2025, 9, 11, 8, 0)
    found = walk.do(
        ActionType.RESCHEDULE, Role.SYSTEM, None, vn(2025, 9, 8, 9, 0), reason="x", due_at=new, appointment_at=new
    )
    assert set(found) == {
        Delta(date(2025, 9, 8), "rescheduled", 1),
        Delta(date(2025, 9, 10), "open_by_due_day", -1),
        Delta(date(2025, 9, 11), "open_by_due_day", 1),
    }


def test_a_result_connects_the_dossier_to_the_store_once_on_its_received_day() -> None:
    """Received Monday 08/09, result recorded Wednesday 10/09 and again (a corrected file) Thursday: the result
    entered the applicant's store, so the dossier is connected (766 4.5) — once, counted on Monday. A dossier
    that took a document from the store counted when it was received, and its result adds nothing."""
    walk = Walk()
    walk.do(ActionType.RECEIVE, Role.COUNTER, DESK, vn(2025, 9, 8, 8, 0))
    walk.do(ActionType.FORWARD, Role.COUNTER, DESK, vn(2025, 9, 8, 9, 0))
    walk.do(ActionType.FORWARD, Role.SPECIALIST, RESOLVER, vn(2025, 9, 9, 9, 0))
    walk.do(ActionType.APPROVE, Role.LEADER, RESOLVER, vn(2025, 9, 9, 10, 0))
    first = walk.do(ActionType.RECORD_RESULT, Role.COUNTER, DESK, vn(2025, 9, 10, 9, 0), documents=[5])
    assert [d for d in first if d.metric == "data_store_connected"] == [
        Delta(date(2025, 9, 8), "data_store_connected", 1)
    ]
    again = walk.do(ActionType.RECORD_RESULT, Role.COUNTER, DESK, vn(2025, 9, 11, 9, 0), documents=[6])
    assert [d for d in again if d.metric == "data_store_connected"] == []
    taken = payloads.OpeningPayload(reused_documents=[3])
    record = payloads.RecordResultPayload(documents=[5])
    before = replace(walk.state, result_recorded=False)
    found = deltas(
        ActionType.RECORD_RESULT,
        before,
        walk.state,
        "counter",
        record,
        Role.COUNTER,
        vn(2025, 9, 10, 9, 0),
        opening=taken,
    )
    assert [d for d in found if d.metric == "data_store_connected"] == []


def test_a_consulted_database_counts_for_the_population_indicator() -> None:
    walk = Walk()
    found = walk.do(ActionType.RECEIVE, Role.COUNTER, DESK, vn(2025, 9, 8, 8, 0), consulted_databases=["CSDLQGDC"])
    assert Delta(date(2025, 9, 8), "population_checked", 1) in found
    assert "population_checked" not in {
        d.metric for d in Walk().do(ActionType.RECEIVE, Role.COUNTER, DESK, vn(2025, 9, 8, 8, 0))
    }


def test_a_vneid_authenticated_applicant_counts_for_the_population_indicator_once() -> None:
    """RULES §7 4.6: a VNeID-authenticated account, or a consulted population record — a dossier with both is
    one dossier using the population database (counted once, on the day it is received)."""
    walk = Walk()
    walk.channel = "online"
    submitted = walk.do(ActionType.SUBMIT, Role.APPLICANT, None, vn(2025, 9, 8, 8, 0), identity_verified=True)
    assert "population_checked" not in {d.metric for d in submitted}  # not received yet
    opening = payloads.OpeningPayload(identity_verified=True, consulted_databases=["CSDLQGDC"], online=True)
    before = walk.state
    after = apply(before, PLAN, Action(ActionType.ACCEPT, vn(2025, 9, 9, 8, 0), Actor(Role.COUNTER, DESK),
                                       payloads.AcceptPayload()))  # fmt: skip
    found = deltas(ActionType.ACCEPT, before, after, "online", payloads.AcceptPayload(), Role.COUNTER,
                   vn(2025, 9, 9, 8, 0), opening=opening)  # fmt: skip
    assert [d for d in found if d.metric == "population_checked"] == [Delta(date(2025, 9, 9), "population_checked", 1)]
    unverified = payloads.OpeningPayload(online=True)
    found = deltas(ActionType.ACCEPT, before, after, "online", payloads.AcceptPayload(), Role.COUNTER,
                   vn(2025, 9, 9, 8, 0), opening=unverified)  # fmt: skip
    assert "population_checked" not in {d.metric for d in found}
