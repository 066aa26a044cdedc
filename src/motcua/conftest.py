"""Fixtures shared by the apps' tests."""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest

from motcua.catalog.interchange import demo_catalog as read_demo_catalog
from motcua.catalog.interchange import load_catalog


@functools.cache
def _demo_catalog() -> Any:
    return read_demo_catalog()


def demo_catalog_data() -> dict[str, Any]:
    """A fresh copy of the demo catalogue (parsed once per test session)."""
    return copy.deepcopy(_demo_catalog())


@pytest.fixture
def demo_catalog(db: None) -> dict[str, Any]:
    """The demo catalogue (38 real procedures of Thái Nguyên's sample), loaded."""
    data = demo_catalog_data()
    load_catalog(data)
    return data


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests create users; a deliberately slow hasher would only slow them down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
