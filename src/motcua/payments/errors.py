"""Refusals of the payments services, answered like the dossiers' (HTTP 403 / 409 / 422)."""

from __future__ import annotations

from motcua.dossiers.errors import ActionRefused, InvalidInput, NotPermitted

__all__ = ["ActionRefused", "InvalidInput", "NotPermitted"]
