"""The retry delay: doubles per try, never above the cap, jitter only ever shortens it by up to half."""

from hypothesis import given
from hypothesis import strategies as st

from motcua.integrations.backoff import backoff_seconds

attempts = st.integers(min_value=1, max_value=200)
bases = st.floats(min_value=0.001, max_value=3600)
caps = st.floats(min_value=0.001, max_value=86400)
draws = st.floats(min_value=0, max_value=1, exclude_max=True)


@given(attempts, bases, caps, draws)
def test_the_delay_lies_between_half_and_all_of_the_capped_exponential(n: int, base: float, cap: float, r: float):
    exponential = min(cap, base * 2 ** (n - 1))
    delay = backoff_seconds(n, base=base, cap=cap, random=lambda: r)
    assert exponential / 2 <= delay <= exponential


@given(attempts, bases, draws)
def test_for_the_same_draw_each_try_waits_twice_as_long_until_the_cap(n: int, base: float, r: float):
    cap = base * 2**10
    now = backoff_seconds(n, base=base, cap=cap, random=lambda: r)
    following = backoff_seconds(n + 1, base=base, cap=cap, random=lambda: r)
    assert following == (now * 2 if n <= 10 else now)


def test_the_first_retry_waits_about_the_base() -> None:
    assert backoff_seconds(1, base=30, cap=3600, random=lambda: 0.0) == 15
    assert backoff_seconds(3, base=30, cap=3600, random=lambda: 0.999999) < 120
    assert backoff_seconds(40, base=30, cap=3600, random=lambda: 0.5) == 3600 * 0.75
