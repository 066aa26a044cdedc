"""The stand-in portal as a real process, the adapter pointed at it, and workers against the test database."""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from motcua.integrations.contrib.national_portal.client import forget_sessions
from motcua.integrations.tests.conftest import CLI, Workers, subprocess_env, wait_until

USERNAME, PASSWORD, DSTCODE = "motcua-test", "mat-khau-thu", "H55"


class Portal:
    """A running ``motcua national-portal-standin`` and its control API."""

    def __init__(self, process: subprocess.Popen, url: str) -> None:
        self.process, self.url = process, url
        self.auth_url, self.service_url = url + "auth", url + "service"

    def received(self) -> dict[str, Any]:
        return httpx.get(self.url + "_standin/received", timeout=10).json()

    def summary(self) -> dict[str, Any]:
        return httpx.get(self.url + "_standin/received?summary=1", timeout=10).json()

    def fail(self, **order: Any) -> None:
        response = httpx.post(self.url + "_standin/fail", json=order, timeout=5)
        assert response.status_code == 200, response.text

    def expire_sessions(self, **order: Any) -> None:
        assert httpx.post(self.url + "_standin/sessions/expire", json=order, timeout=5).status_code == 200

    def env(self) -> dict[str, str]:
        return {
            "MOTCUA_NATIONAL_PORTAL_AUTH_URL": self.auth_url,
            "MOTCUA_NATIONAL_PORTAL_SERVICE_URL": self.service_url,
            "MOTCUA_NATIONAL_PORTAL_USERNAME": USERNAME,
            "MOTCUA_NATIONAL_PORTAL_PASSWORD": PASSWORD,
            "MOTCUA_NATIONAL_PORTAL_DSTCODE": DSTCODE,
        }


def start_portal(log: Path, *args: str) -> tuple[subprocess.Popen, str]:
    argv = [*CLI, "national_portal_standin", "--port", "0", "--username", USERNAME, "--password", PASSWORD]
    with log.open("w") as out:
        process = subprocess.Popen([*argv, "--dstcode", DSTCODE, *args], stdout=out, stderr=subprocess.STDOUT)
    found = wait_until(
        lambda: re.search(r"listening on (http://\S+/)", log.read_text()) or process.poll() is not None,
        what="the stand-in portal to listen",
    )
    assert process.poll() is None, log.read_text()
    return process, found.group(1)


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    process, url = start_portal(tmp_path / "portal.log")
    try:
        yield Portal(process, url)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


@pytest.fixture
def national_portal(settings: Any, portal: Portal) -> Iterator[Portal]:
    """The destination configured in this process (actions write rows), pointed at the stand-in."""
    for name, value in portal.env().items():
        setattr(settings, name, value)
    forget_sessions()
    yield portal
    forget_sessions()


class PortalWorkers(Workers):
    """``motcua worker`` processes pointed at the stand-in portal, with small leases and backoffs."""

    idle_timeout = 120

    def __init__(self, portal: Portal, tmp_path: Path) -> None:
        self.portal, self.tmp_path, self.started = portal, tmp_path, []

    def env(self, **overrides: Any) -> dict[str, str]:
        values: dict[str, Any] = {
            **self.portal.env(),
            "MOTCUA_OUTBOX_LEASE_SECONDS": 4,
            "MOTCUA_OUTBOX_BACKOFF_SECONDS": 0.1,
            "MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS": 0.5,
            "MOTCUA_OUTBOX_MAX_ATTEMPTS": 50,
            "MOTCUA_OUTBOX_SWEEP_SECONDS": 0.2,
            "MOTCUA_WORKER_POLL_SECONDS": 0.05,
        }
        return subprocess_env(**(values | overrides))


@pytest.fixture
def portal_workers(portal: Portal, tmp_path: Path) -> Iterator[PortalWorkers]:
    pool = PortalWorkers(portal, tmp_path)
    yield pool
    pool.stop_all()
