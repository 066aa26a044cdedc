"""Where the national catalogue's records are: the sample the tests read, and the full set the benchmarks read.

The tests read a small sample of the public records committed inside the package
(``catalog/tests/data/national-catalog``, chosen by ``scripts/sample_national_catalog.py``, whose docstring
gives the criteria, and listed with them in its ``SAMPLE.json``), so that ``make test`` passes from a clone of
the repository alone. The full set (1,844 detail records) stays outside the repository; the benchmarks and the
sampling script take its path, by default ``$MOTCUA_SHARED_DIR/data/national-catalog``, else
``../shared/data/national-catalog`` beside the repository.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]
SAMPLE_DIR = Path(__file__).resolve().parent / "catalog" / "tests" / "data" / "national-catalog"


def national_catalog_dir() -> Path:
    """The committed sample, in the full set's layout (``detail/<ministry>/<code>.json``, the Excel lists)."""
    return SAMPLE_DIR


@cache
def _manifest() -> dict[str, dict[str, list[str]]]:
    return json.loads((SAMPLE_DIR / "SAMPLE.json").read_text(encoding="utf-8"))


def sample_records() -> dict[str, list[str]]:
    """Every record of the sample (``bo-tu-phap/1.001193``) with the criteria that chose it."""
    return _manifest()["records"]


def sampled_for(criterion: str) -> str:
    """The record of the sample chosen for ``criterion`` (``longest-name``, ``documents:most``, …)."""
    names = [name for name, criteria in sample_records().items() if criterion in criteria]
    if len(names) != 1:
        raise LookupError(f"{len(names)} records of the sample are chosen for {criterion!r}")
    return names[0]


def full_national_catalog_dir(given: str | Path | None = None) -> Path:
    """The full data set, for benchmarks: ``given``, else from ``MOTCUA_SHARED_DIR``, else ``../shared``.

    Raises :class:`SystemExit` with the places looked at when there is no ``detail/`` folder there.
    """
    if given is not None:
        candidate = Path(given)
    elif os.environ.get("MOTCUA_SHARED_DIR"):
        candidate = Path(os.environ["MOTCUA_SHARED_DIR"]) / "data" / "national-catalog"
    else:
        candidate = REPOSITORY.parent / "shared" / "data" / "national-catalog"
    if not (candidate / "detail").is_dir():
        raise SystemExit(
            f"The full national catalogue was not found at {candidate} (it needs a detail/ folder of records). "
            "Give its path, or set MOTCUA_SHARED_DIR to the folder that holds data/national-catalog; the tests "
            f"use the sample in {SAMPLE_DIR.relative_to(REPOSITORY)} instead."
        )
    return candidate


def sign_in(client: Any, user: Any) -> Any:
    """``client.force_login(user)``, then, for an officer or administrator, the second factor completed with a real
    TOTP device of theirs (created confirmed when they have none), as the verification page would: the suite keeps
    the requirement on (``accounts.middleware``) and signs officers in through this helper instead of switching it off.
    Returns the device (``None`` for a citizen)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.second_factor import needs_second_factor

    client.force_login(user)
    user.__dict__.pop("_motcua_needs_second_factor", None)  # memberships may have been added since it was asked
    if not needs_second_factor(user):
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
