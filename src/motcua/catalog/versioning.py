"""The catalogue version: bumped in the transaction of every change, read before using a cached offering."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db.models.signals import post_delete, post_save

from motcua.catalog.models import (
    Agency,
    CatalogVersion,
    Fee,
    Offering,
    OfferingChannel,
    Procedure,
    ProcedureLevel,
    ProcessStep,
    ProcessTemplate,
    RequiredDocument,
)

VERSIONED_MODELS = (
    Agency,
    Fee,
    Offering,
    OfferingChannel,
    Procedure,
    ProcedureLevel,
    ProcessStep,
    ProcessTemplate,
    RequiredDocument,
)
_ROW = 1


def bump_catalog_version(**_: object) -> None:
    """A new token, written in the current transaction (visible to others when it commits). Bulk writes
    send no signals: the catalogue loader calls this itself."""
    if not CatalogVersion.objects.filter(pk=_ROW).update(token=uuid.uuid4().hex):
        CatalogVersion.objects.create(pk=_ROW, token=uuid.uuid4().hex)


def catalog_version() -> str:
    return CatalogVersion.objects.filter(pk=_ROW).values_list("token", flat=True).first() or ""


def connect_signals() -> None:
    for model in VERSIONED_MODELS:
        post_save.connect(bump_catalog_version, sender=model, dispatch_uid=f"catalog_version_save_{model.__name__}")
        post_delete.connect(bump_catalog_version, sender=model, dispatch_uid=f"catalog_version_delete_{model.__name__}")


T = TypeVar("T")


class VersionedCache(Generic[T]):
    """A per-process cache of catalogue objects, emptied whenever the catalogue version changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version = ""
        self._items: dict[object, T] = {}

    def get(self, key: object, load: Callable[[], T], *, keep_none: bool = True) -> T:
        """``keep_none=False``: an absent object (``None``) is not kept, so that requests for made-up keys (a
        public URL) cannot grow the cache."""
        version = catalog_version()
        with self._lock:
            if version != self._version:
                self._items, self._version = {}, version
            if key in self._items:
                return self._items[key]
        value = load()
        if value is None and not keep_none:
            return value
        with self._lock:
            if self._version == version:
                self._items[key] = value
        return value
