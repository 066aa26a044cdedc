"""The hash chains of the action log (rules.audit), against links worked out with ``sha256sum``.

The literal digests below were computed in a shell, not by the code under test::

    printf '%s\\n%s' 000…000 '<the JSON below>' | sha256sum
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.rules import audit

RECEIVE = {
    "actor": 7,
    "actor_agency": 3,
    "actor_role": "counter",
    "at": "2025-09-05T08:00:00.000000Z",
    "dossier": "000.00.00.H52-250905-0001",
    "facts": {},
    "from_status": "",
    "note": "Tiếp nhận",
    "payload": {"a": [1, 2]},
    "seq": 1,
    "step_position": None,
    "system_actor": "",
    "to_status": "received",
    "type": "receive",
}
RECEIVE_LINK = "be0a9ef22f04f4f4314483604083ebd40e254999b1fe924f30087fb21e35a82d"
# printf '%s\n%s %s %s' 000…000 000.00.00.H52-250905-0001 1 be0a…a82d | sha256sum
SEAL_OF_RECEIVE = "ab4e0793a365b9d273b35d935031e9e72a91b384a2a9d7e202e363e1e1faf59a"


def test_a_link_is_sha256_of_the_previous_link_and_the_canonical_json() -> None:
    assert audit.link(audit.GENESIS, RECEIVE) == RECEIVE_LINK


def test_the_canonical_json_does_not_depend_on_key_order() -> None:
    reversed_keys = dict(reversed(list(RECEIVE.items())))
    assert audit.link(audit.GENESIS, reversed_keys) == RECEIVE_LINK


def test_a_seal_is_sha256_of_the_previous_seal_and_the_sorted_heads() -> None:
    assert audit.seal(audit.GENESIS, [("000.00.00.H52-250905-0001", 1, RECEIVE_LINK)]) == SEAL_OF_RECEIVE


def test_a_content_without_every_field_is_refused() -> None:
    partial = {k: v for k, v in RECEIVE.items() if k != "note"}
    with pytest.raises(ValueError, match="fields"):
        audit.canonical(partial)


def test_moments_are_written_in_utc_to_the_microsecond() -> None:
    from datetime import datetime, timedelta, timezone

    hanoi = timezone(timedelta(hours=7))
    assert audit.moment(datetime(2025, 9, 5, 15, 0, 0, 1, tzinfo=hanoi)) == "2025-09-05T08:00:00.000001Z"


# --------------------------------------------------------------------------------------------------
# properties: every kind of tampering is found, at the action where it happened

values = st.one_of(st.none(), st.integers(-(2**40), 2**40), st.text(max_size=20), st.booleans())
contents = st.fixed_dictionaries(
    {name: values for name in audit.FIELDS if name not in ("dossier", "seq", "payload", "facts")}
    | {"payload": st.dictionaries(st.text(max_size=5), values, max_size=3), "facts": st.just({})}
)


def chain(bodies: list[dict[str, Any]]) -> list[tuple[int, str, dict[str, Any]]]:
    rows, previous = [], audit.GENESIS
    for seq, body in enumerate(bodies, start=1):
        content = body | {"dossier": "D", "seq": seq}
        previous = audit.link(previous, content)
        rows.append((seq, previous, content))
    return rows


@given(st.lists(contents, min_size=1, max_size=8))
def test_an_untouched_chain_holds(bodies: list[dict[str, Any]]) -> None:
    assert audit.first_break("D", chain(bodies), expected_count=len(bodies)) is None


@given(st.lists(contents, min_size=1, max_size=8), st.data())
def test_a_changed_field_is_found_at_its_action(bodies: list[dict[str, Any]], data: st.DataObject) -> None:
    rows = chain(bodies)
    index = data.draw(st.integers(0, len(rows) - 1))
    name = data.draw(st.sampled_from([n for n in audit.FIELDS if n not in ("dossier", "seq")]))
    seq, stored, content = rows[index]
    other = values.map(lambda v: {"changed": v}) if name in ("payload", "facts") else values
    new_value = data.draw(other.filter(lambda v: v != content[name]))
    rows[index] = (seq, stored, content | {name: new_value})
    found = audit.first_break("D", rows, expected_count=len(rows))
    assert found == audit.Break("D", seq, "changed")


@given(st.lists(contents, min_size=2, max_size=8), st.data())
def test_a_deleted_action_is_found(bodies: list[dict[str, Any]], data: st.DataObject) -> None:
    rows = chain(bodies)
    index = data.draw(st.integers(0, len(rows) - 1))
    del rows[index]
    found = audit.first_break("D", rows, expected_count=len(bodies))
    if index == len(bodies) - 1:  # the last one: the dossier counts one action more than its log holds
        assert found == audit.Break("D", len(bodies) - 1, "unexpected_end")
    else:
        assert found == audit.Break("D", index + 1, "missing")


@given(st.lists(contents, min_size=2, max_size=8), st.data())
def test_a_deleted_action_with_the_rest_renumbered_is_found(bodies: list[dict[str, Any]], data: st.DataObject) -> None:
    rows = chain(bodies)
    index = data.draw(st.integers(0, len(rows) - 2))
    del rows[index]
    renumbered = [
        (seq - 1, stored, c | {"seq": seq - 1}) if seq > index + 1 else (seq, stored, c) for seq, stored, c in rows
    ]
    assert audit.first_break("D", renumbered) == audit.Break("D", index + 1, "changed")


@given(st.lists(contents, min_size=2, max_size=8), st.data())
def test_two_actions_swapped_are_found(bodies: list[dict[str, Any]], data: st.DataObject) -> None:
    rows = chain(bodies)
    index = data.draw(st.integers(0, len(rows) - 2))
    (seq_a, hash_a, a), (seq_b, hash_b, b) = rows[index], rows[index + 1]
    # even two identical actions: the one now first carries a link made from a different previous link
    rows[index] = (seq_a, hash_b, b | {"seq": seq_a})
    rows[index + 1] = (seq_b, hash_a, a | {"seq": seq_b})
    assert audit.first_break("D", rows) == audit.Break("D", seq_a, "changed")


@given(st.lists(contents, min_size=1, max_size=8), contents, st.data())
def test_an_inserted_action_is_found(bodies: list[dict[str, Any]], extra: dict[str, Any], data: st.DataObject) -> None:
    rows = chain(bodies)
    index = data.draw(st.integers(0, len(rows) - 1))
    seq = rows[index][0]
    forged = extra | {"dossier": "D", "seq": seq}
    # the forger computes a correct link for the new action from the one before it ...
    previous = rows[index - 1][1] if index else audit.GENESIS
    inserted = (seq, audit.link(previous, forged), forged)
    # ... and renumbers the rest: the next action's link no longer follows
    after = [(s + 1, h, c | {"seq": s + 1}) for s, h, c in rows[index:]]
    assert audit.first_break("D", [*rows[:index], inserted, *after]) == audit.Break("D", seq + 1, "changed")
