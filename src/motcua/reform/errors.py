"""The one error the reform services raise: a Vietnamese message, the field it is about, an HTTP status."""

from __future__ import annotations


class ReformError(Exception):
    def __init__(self, message: str, *, field: str = "", status_code: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status_code = status_code
