"""The one way a ``motcua *-standin`` command opens its port, serves and stops.

Every stand-in of an external service (docs/components/) is an ``http.server`` server run as its own process.
What they share lives here, so that each command only says what its service needs (its options, how its server is
built, what it prints on start) and all of them stop the same way:

- SIGTERM (how ``motcua demo``, systemd and the test fixtures stop a process) ends ``serve_forever`` like Ctrl-C;
- the socket is closed, standard output flushed, and the process leaves **without the interpreter's teardown**.
  A stand-in keeps its state in memory and has nothing to save, while tearing down a Django process (about 1,700
  modules) took 1.5–2.6 s of wall time on this 2-core machine at a load of 11 against 0.02 s for ``os._exit`` —
  slow enough, on a busier machine, to outlast the 10 s the suite's fixtures give a stand-in to stop. Ctrl-C keeps
  the ordinary exit: a person at a terminal loses nothing by waiting.
"""

from __future__ import annotations

import os
import signal
import sys
from argparse import ArgumentParser
from http.server import HTTPServer
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class _Terminated(KeyboardInterrupt):
    """Raised by the SIGTERM handler; a ``KeyboardInterrupt`` so ``serve_forever`` ends as it does for Ctrl-C."""


def _terminate(signum: int, frame: Any) -> None:
    raise _Terminated


class StandinCommand(BaseCommand):
    """Base of the stand-in commands: ``--port``/``--host``, the server's start line, serving, stopping."""

    #: the port of the demo (docs/components/); 0 on the command line picks a free one and prints it
    default_port: int
    #: first words of the start line, which the tests and ``motcua demo`` wait for ("sms stand-in listening on …")
    service_name: str

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--port", type=int, default=self.default_port, help="Cổng (0: chọn một cổng trống và in ra)."
        )
        parser.add_argument("--host", default="127.0.0.1")
        self.add_standin_arguments(parser)

    def add_standin_arguments(self, parser: ArgumentParser) -> None:
        """The service's own options."""

    def make_server(self, address: tuple[str, int], options: dict[str, Any]) -> HTTPServer:
        """Build the service's server on ``address``; raise ``CommandError`` for a missing setting."""
        raise NotImplementedError

    def start_lines(self, server: HTTPServer, url: str, options: dict[str, Any]) -> list[str]:
        """What is printed once the port is open; the first line must keep ``… listening on <url>``."""
        return [f"{self.service_name} stand-in listening on {url}"]

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            server = self.make_server((options["host"], options["port"]), options)
        except OSError as error:
            raise CommandError(f"Không mở được cổng {options['port']}: {error}") from error
        host, port = server.server_address[:2]
        signal.signal(signal.SIGTERM, _terminate)
        for line in self.start_lines(server, f"http://{host}:{port}/", options):
            self.stdout.write(line)
        self.stdout.flush()
        terminated = False
        try:
            server.serve_forever(poll_interval=0.2)
        except _Terminated:
            terminated = True
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
        if terminated:
            self.stdout.flush()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)


def setting_or_option(options: dict[str, Any], option: str, variable: str) -> str:
    """The command-line value, else the environment's: how every stand-in takes its secrets."""
    return options[option] or os.environ.get(variable, "")
