"""Support for motcua's own tests (imported by tests only).

Tests that use the real procedure data read the team's shared data folder. It is found through
``MOTCUA_SHARED_DIR``, else next to the repository (``../shared``), else at ``/work/shared``. When it
cannot be found the tests fail with this explanation rather than being skipped: a green run must mean
the real data was checked.
"""

from __future__ import annotations

import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    candidates = [os.environ.get("MOTCUA_SHARED_DIR", ""), REPOSITORY.parent / "shared", "/work/shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "data" / "national-catalog").is_dir():
            return Path(candidate)
    raise RuntimeError(
        "The shared procedure data was not found: set MOTCUA_SHARED_DIR to the folder that holds "
        "data/national-catalog (tried: " + ", ".join(str(c) for c in candidates if c) + ")."
    )


def national_catalog_dir() -> Path:
    return shared_dir() / "data" / "national-catalog"
