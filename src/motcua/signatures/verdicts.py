"""The four verdicts of a verification and the PDF magic check: what callers need without loading pyHanko.

pyHanko and its dependencies take seconds to import on a loaded machine; every motcua process (web server, worker,
stand-ins) loads the apps, so only the code that signs or verifies imports ``pades`` and ``verify``, when it runs.
"""

from __future__ import annotations

VALID, MODIFIED, UNTRUSTED, UNSIGNED = "valid", "modified", "untrusted", "unsigned"


def is_pdf(data: bytes) -> bool:
    """A PDF starts with ``%PDF-`` (within its first kilobyte, ISO 32000-1 §7.5.2 tolerates leading bytes)."""
    return b"%PDF-" in data[:1024]
