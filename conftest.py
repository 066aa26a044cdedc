"""Test-wide settings and fixtures.

Hypothesis runs without wall-clock deadlines: tests never assert durations (benchmarks do, in bench/).
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from motcua.catalog.interchange import demo_catalog as read_demo_catalog
from motcua.catalog.interchange import load_catalog

#: Fixtures shared by the tests of several apps (the commune of the demo catalogue and its officers; a test PKI).
pytest_plugins = ["motcua.dossiers.tests.fixtures", "motcua.signatures.tests.fixtures"]

settings.register_profile("default", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("quick", deadline=None, max_examples=30)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@functools.cache
def _demo_catalog() -> Any:
    return read_demo_catalog()


@pytest.fixture
def demo_catalog_data() -> Callable[[], dict[str, Any]]:
    """A factory of fresh copies of the demo catalogue (parsed once per test session)."""
    return lambda: copy.deepcopy(_demo_catalog())


@pytest.fixture
def demo_catalog(db: None) -> dict[str, Any]:
    """The demo catalogue (38 real procedures of Thái Nguyên's sample), loaded."""
    from motcua.datastore.services import seed_default_kinds

    data = copy.deepcopy(_demo_catalog())
    load_catalog(data)
    # the document kinds a migration seeds are gone after a transactional test's flush: put them back
    seed_default_kinds()
    return data


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests create users; a deliberately slow hasher would only slow them down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _nothing_kept_from_another_test() -> None:
    """Terms rows are kept per process once committed (``dossiers.plans``); a transactional test commits, and
    the database is emptied after it, so ids may be given again. The working calendar is kept per process
    too. Each test starts with nothing kept."""
    from motcua.calendars.selectors import forget_work_calendar
    from motcua.dossiers.plans import forget_cached_terms

    forget_cached_terms()
    forget_work_calendar()  # a test's override, rolled back with it, must not shape the next test's calendar
    from django.core.cache import cache

    cache.clear()  # the rate limits' counters (motcua.ratelimits) are per test


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings: Any, tmp_path: Any) -> None:
    """Files stored by a test go to its own directory, never to the demo's ``var/media``."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin_client(client: Any, admin_user: Any) -> Any:
    """pytest-django's ``admin_client``, past the second factor the admin requires (``motcua.testing.sign_in``: a
    real TOTP device, the requirement stays on)."""
    from motcua.testing import sign_in

    sign_in(client, admin_user)
    return client
