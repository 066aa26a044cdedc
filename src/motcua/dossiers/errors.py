"""Errors of dossier writes: each maps to an HTTP status and carries a sentence for the user."""

from __future__ import annotations


class DossierError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DossierError):
    status_code = 422


class NotPermitted(DossierError):
    status_code = 403


class ActionRefused(DossierError):
    """The transition table or a rule forbids the action now (HTTP 409)."""

    status_code = 409
