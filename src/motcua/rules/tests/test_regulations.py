"""Counting what a new version simplified (``rules.regulations``, our reading of Circular 02/2017's forms)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.regulations import Regulation, compare


def test_removed_and_lightened_count_added_do_not_subtract() -> None:
    before = [
        Regulation("document", "Đơn", Decimal(1), "copies"),
        Regulation("document", "Bản sao CCCD", Decimal(1), "copies"),
        Regulation("time", "counter", Decimal(3), "working_days"),
        Regulation("fee", "fee:Lệ phí:", Decimal(50_000), "vnd"),
        Regulation("step", "Tiếp nhận"),
    ]
    after = [
        Regulation("document", "Đơn", Decimal(1), "copies"),
        Regulation("time", "counter", Decimal(2), "working_days"),
        Regulation("fee", "fee:Lệ phí:", Decimal(60_000), "vnd"),  # raised: not a simplification
        Regulation("step", "Tiếp nhận"),
        Regulation("form", "Mẫu mới"),
    ]
    result = compare(before, after)
    assert result.total == 5
    assert [r.key for r in result.removed] == ["Bản sao CCCD"]
    assert [old.key for old, _ in result.lightened] == ["counter"]
    assert len(result.simplified) == 2
    assert [r.key for r in result.added] == ["Mẫu mới"]


def test_a_unit_change_is_not_compared() -> None:
    before = [Regulation("time", "counter", Decimal(3), "working_days")]
    after = [Regulation("time", "counter", Decimal(20), "working_hours")]
    assert compare(before, after).simplified == []


def test_repeated_names_are_each_a_regulation() -> None:
    before = [Regulation("document", "Ảnh"), Regulation("document", "Ảnh")]
    result = compare(before, [Regulation("document", "Ảnh")])
    assert result.total == 2
    assert len(result.removed) == 1


names = st.sampled_from(["a", "b", "c", "d"])
regs = st.lists(st.builds(Regulation, st.sampled_from(["document", "step"]), names), max_size=8)


@given(regs, regs)
def test_simplified_never_exceeds_the_total(before, after) -> None:  # type: ignore[no-untyped-def]
    result = compare(before, after)
    assert 0 <= len(result.simplified) <= result.total == len(before)
    # the same version simplifies nothing
    assert compare(before, before).simplified == []
    # dropping everything simplifies everything
    assert len(compare(before, []).simplified) == len(before)
