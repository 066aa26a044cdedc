"""Indicator 1.4's acknowledgement rule against a hand-written table (RULES.md §7: synchronised dossiers
received in the period — the portal must have the dossier as received, not only its online submission)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.counters import acknowledged_after_receipt

TABLE = [
    # receipt seq, delivered seqs, acknowledged?
    (1, [1], True),  # received at the counter, its first row delivered
    (1, [], False),  # nothing delivered yet
    (2, [1], False),  # submitted online (seq 1 delivered), accepted at seq 2 but that row not yet delivered
    (2, [1, 2], True),
    (2, [3], True),  # a later row carries the received state too (a backfill keyed by the latest action)
    (None, [1, 2], False),  # refused at intake: never received, not in indicator 1.4's denominator either
]


@pytest.mark.parametrize(("receipt", "delivered", "expected"), TABLE)
def test_the_table(receipt: int | None, delivered: list[int], expected: bool) -> None:
    assert acknowledged_after_receipt(receipt, delivered) is expected


@given(st.integers(1, 50), st.lists(st.integers(1, 60)))
def test_acknowledged_iff_the_latest_delivered_row_is_at_or_after_receipt(receipt: int, delivered: list[int]) -> None:
    expected = bool(delivered) and max(delivered) >= receipt
    assert acknowledged_after_receipt(receipt, delivered) is expected
