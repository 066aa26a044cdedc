"""``motcua demo`` (what ``make demo`` ends with) runs the server, a worker and the stand-in, and stops them all."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings as django_settings

from motcua.integrations.models import OutboxMessage
from motcua.integrations.tests.conftest import CLI, subprocess_env, wait_until, walk_dossier


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@pytest.mark.django_db(transaction=True)
def test_the_demo_runs_server_worker_and_standin_and_delivers(
    settings: Any, commune: Any, staff: Any, tmp_path: Path
) -> None:
    web, hook, portal = free_port(), free_port(), free_port()
    env = subprocess_env(MOTCUA_DEBUG=1, MOTCUA_WORKER_POLL_SECONDS=0.05)
    for name in ("WEBHOOK_URL", "WEBHOOK_SECRET", "NATIONAL_PORTAL_AUTH_URL", "NATIONAL_PORTAL_SERVICE_URL"):
        env.pop(f"MOTCUA_{name}", None)
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(
            [
                *CLI,
                "demo",
                "--addr",
                f"127.0.0.1:{web}",
                "--standin-port",
                str(hook),
                "--portal-port",
                str(portal),
                "--noreload",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        standin, portal_url = f"http://127.0.0.1:{hook}/", f"http://127.0.0.1:{portal}/"
        wait_until(
            lambda: (
                answers(f"http://127.0.0.1:{web}/")
                and answers(standin + "_standin/received")
                and answers(portal_url + "_standin/received")
            ),
            what="demo",
        )
        assert re.search(r"Webhook: máy nhận giả lập tại " + re.escape(standin), log.read_text())
        assert re.search(r"Cổng DVCQG: bản giả lập tại " + re.escape(portal_url), log.read_text())
        # an action taken now reaches the demo's stand-in through the demo's worker
        settings.MOTCUA_WEBHOOK_URL = standin
        settings.MOTCUA_WEBHOOK_SECRET = (django_settings.VAR_DIR / "webhook_demo_secret").read_text().strip()
        settings.MOTCUA_NATIONAL_PORTAL_AUTH_URL = portal_url + "auth"
        settings.MOTCUA_NATIONAL_PORTAL_SERVICE_URL = portal_url + "service"
        settings.MOTCUA_NATIONAL_PORTAL_USERNAME = "motcua-demo"
        settings.MOTCUA_NATIONAL_PORTAL_PASSWORD = (
            (django_settings.VAR_DIR / "national_portal_demo_password").read_text().strip()
        )
        settings.MOTCUA_NATIONAL_PORTAL_DSTCODE = "H55"
        dossier = walk_dossier(commune, staff, steps=1)
        expected = list(
            OutboxMessage.objects.filter(destination="webhook").order_by("pk").values_list("idempotency_key", flat=True)
        )
        wait_until(lambda: httpx.get(standin + "_standin/received").json()["processed"] == expected, what="delivery")
        held = lambda: httpx.get(portal_url + "_standin/received").json()["held"]  # noqa: E731
        wait_until(lambda: len(held().get(dossier.code, {}).get("progress", [])) == 2, what="the portal's copy")
    finally:
        demo.send_signal(signal.SIGINT)
        code = demo.wait(timeout=30)
    assert code == 0, log.read_text()
    assert not answers(f"http://127.0.0.1:{web}/")
    assert not answers(standin + "_standin/received")
    assert not answers(portal_url + "_standin/received")


def test_only_the_demo_in_debug_mode_uses_the_standin() -> None:
    from motcua.integrations.management.commands.demo import standin_url_for_demo

    assert standin_url_for_demo(debug=True, configured_url="", port=8010) == "http://127.0.0.1:8010/"
    assert standin_url_for_demo(debug=False, configured_url="", port=8010) is None  # production: not configured
    assert standin_url_for_demo(debug=True, configured_url="https://hook.example/", port=8010) is None


def test_only_the_demo_in_debug_mode_uses_the_portal_standin(settings: Any) -> None:
    from motcua.integrations.management.commands.demo import portal_env_for_demo

    settings.MOTCUA_NATIONAL_PORTAL_AUTH_URL = settings.MOTCUA_NATIONAL_PORTAL_SERVICE_URL = ""
    env = portal_env_for_demo(debug=True, port=8011)
    assert env is not None
    assert env["MOTCUA_NATIONAL_PORTAL_SERVICE_URL"] == "http://127.0.0.1:8011/service"
    assert portal_env_for_demo(debug=False, port=8011) is None  # production: not configured
    settings.MOTCUA_NATIONAL_PORTAL_AUTH_URL = "https://dichvucong.gov.vn/auth"
    assert portal_env_for_demo(debug=True, port=8011) is None
