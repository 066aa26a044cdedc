"""Every stand-in command is a ``StandinCommand``, and SIGTERM stops one cleanly with its port closed."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from motcua.integrations.standin_command import StandinCommand
from motcua.integrations.tests.conftest import CLI, wait_until


def test_every_standin_command_shares_the_base() -> None:
    standins = {name: app for name, app in get_commands().items() if name.endswith("_standin")}
    # the nine documented in docs/components/ at the time of writing; a new one joins this list by its name alone
    assert len(standins) >= 9, sorted(standins)
    for name, app in standins.items():
        command = load_command_class(app, name)
        assert isinstance(command, StandinCommand), name
        assert command.service_name, name
        assert command.default_port, name


def test_sigterm_stops_a_standin_with_its_port_closed(tmp_path: Path) -> None:
    log = tmp_path / "sms.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*CLI, "sms_standin", "--port", "0", "--token", "t"], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        found = wait_until(
            lambda: re.search(r"listening on http://([\d.]+):(\d+)/", log.read_text()) or process.poll() is not None,
            what="the stand-in to listen",
        )
        assert process.poll() is None, log.read_text()
        host, port = found.group(1), int(found.group(2))
        socket.create_connection((host, port), timeout=5).close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, port), timeout=5)
    assert "Traceback" not in log.read_text()


def test_a_port_in_use_is_a_vietnamese_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*CLI, "sms_standin", "--port", str(port), "--token", "t"], capture_output=True, text=True, timeout=60
        )
    assert result.returncode != 0
    assert f"Không mở được cổng {port}" in result.stderr
    assert "Traceback" not in result.stderr
