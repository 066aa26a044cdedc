"""Batch claims and marks in one process, against a recording destination: the per-row guarantees still hold."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from motcua.integrations import delivery
from motcua.integrations.batches import claim_batch, deliver_batches, mark_batch
from motcua.integrations.destinations import HELD, Outcome, destinations
from motcua.integrations.errors import PermanentFailure, TemporaryFailure
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.services import enqueue

pytestmark = pytest.mark.django_db(transaction=True)


class Recorder:
    """A batch destination that records what it was handed and answers what the test says."""

    name = "recorder"
    label = "recorder"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.answer: dict[str, Outcome] = {}

    def problem(self) -> str | None:
        return None

    def message_for(self, dossier: Any, action: Any, *, key: str) -> None:
        return None

    def deliver(self, message: OutboxMessage) -> str:
        raise AssertionError("a batch destination is never handed one row")

    def deliver_batch(self, messages: Sequence[OutboxMessage]) -> Mapping[int, Outcome]:
        self.batches.append([m.idempotency_key for m in messages])
        return {m.pk: self.answer.get(m.idempotency_key, Outcome(answer="ok")) for m in messages}


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    destinations.register("recorder")(Recorder)
    yield destinations["recorder"]  # type: ignore[misc]
    destinations.unregister("recorder")


def add(key: str, dossier: str) -> OutboxMessage:
    enqueue(destination="recorder", event="e", idempotency_key=key, ordering_key=dossier, payload={})
    return OutboxMessage.objects.get(idempotency_key=key)


def state(key: str) -> tuple[str, int]:
    row = OutboxMessage.objects.get(idempotency_key=key)
    return row.state, row.attempts


def test_a_claim_takes_a_prefix_of_each_queue_and_skips_what_is_held_elsewhere(recorder: Recorder) -> None:
    for key, dossier in [("a1", "A"), ("b1", "B"), ("a2", "A"), ("c1", "C"), ("b2", "B"), ("c2", "C"), ("a3", "A")]:
        add(key, dossier)
    OutboxMessage.objects.filter(idempotency_key="b1").update(state=OutboxState.DEAD)  # holds b2 back
    later = timezone.now() + timedelta(hours=1)
    OutboxMessage.objects.filter(idempotency_key="c1").update(next_attempt_at=later)  # waits: c2 too
    messages, token = claim_batch("recorder", "w1", limit=2)
    assert [m.idempotency_key for m in messages] == ["a1", "a2"]  # the limit cuts A's queue after a2
    # a3 waits behind the rows w1 holds, b2 behind the dead b1, c1 is not due and c2 waits behind it
    assert claim_batch("recorder", "w2", limit=10)[0] == []
    assert token.startswith("w1/")


def test_a_leased_earlier_row_blocks_the_later_ones(recorder: Recorder) -> None:
    for key in ("a1", "a2", "a3"):
        add(key, "A")
    add("b1", "B")
    first, _ = claim_batch("recorder", "w1", limit=1)
    assert [m.idempotency_key for m in first] == ["a1"]
    second, _ = claim_batch("recorder", "w2", limit=10)
    assert [m.idempotency_key for m in second] == ["b1"]  # a2, a3 wait behind the row w1 holds
    assert not DBTaskResult.objects.filter(id=first[0].wake_task_id, status=TaskResultStatus.READY).exists()


def test_marks_follow_the_outcomes_and_the_lease(recorder: Recorder, settings: Any) -> None:
    settings.MOTCUA_OUTBOX_MAX_ATTEMPTS = 3
    for key in ("a1", "a2", "a3"):
        add(key, "A")
    add("b1", "B")
    add("c1", "C")
    messages, token = claim_batch("recorder", "w1", limit=10)
    by_key = {m.idempotency_key: m for m in messages}
    outcomes = {
        by_key["a1"].pk: Outcome(answer="ok"),
        by_key["a2"].pk: Outcome(error=TemporaryFailure("down")),
        by_key["a3"].pk: HELD,
        by_key["b1"].pk: Outcome(error=PermanentFailure("refused: bad date")),
    }  # c1 missing from the answer: a temporary failure
    assert mark_batch(messages, "another token", outcomes) == {"delivered": 0, "retry": 0, "dead": 0, "held": 0}
    assert mark_batch(messages, token, outcomes) == {"delivered": 1, "retry": 2, "dead": 1, "held": 1}
    assert state("a1") == (OutboxState.DELIVERED, 1)
    assert state("a2") == (OutboxState.PENDING, 1)
    assert state("a3") == (OutboxState.PENDING, 0)  # not tried: the try is not counted
    assert state("b1") == (OutboxState.DEAD, 1)
    assert OutboxMessage.objects.get(idempotency_key="b1").last_error == "refused: bad date"
    assert OutboxMessage.objects.get(idempotency_key="a2").next_attempt_at > timezone.now()


def test_the_task_of_any_row_delivers_every_claimable_batch(recorder: Recorder, settings: Any) -> None:
    settings.MOTCUA_OUTBOX_BATCH_SIZE = 2
    for number in range(5):
        add(f"a{number}", "A")
        add(f"b{number}", "B")
    outcome = delivery.deliver("b3", worker_id="w")
    assert outcome.startswith("batches:")
    assert [len(batch) for batch in recorder.batches] == [2, 2, 2, 2, 2]
    assert [key for batch in recorder.batches for key in batch][:4] == ["a0", "b0", "a1", "b1"]
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {OutboxState.DELIVERED}
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert deliver_batches(recorder, worker_id="w")["batches"] == 0  # nothing left
