from __future__ import annotations


class StoreRefused(Exception):
    """A stored document that may not be given for a requirement (the caller turns it into its own error)."""

    def __init__(self, message: str, *, field: str = "checklist", forbidden: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        #: the document is not the applicant's (HTTP 403), rather than unsuitable (422)
        self.forbidden = forbidden
