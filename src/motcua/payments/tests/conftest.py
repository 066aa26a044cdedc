"""The payments tests' gateways: the stand-ins, each a real HTTP server on an ephemeral port (in a thread), and
a dossier whose procedure has a fee (2.000815 at the demo commune: 2.000 đ, RULES.md §10 ``DanhSachLePhi``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import open_dossier
from motcua.dossiers.tests.fixtures import counter_intake, offering_of
from motcua.payments.contrib.paygov.standin import PaygovServer
from motcua.payments.contrib.vnpay.standin import API_PATH, PAY_PATH, VnpayServer

TMN_CODE = "MOTCUA01"
VNPAY_SECRET = "TESTSECRETVNPAY0123456789ABCDEFG"
PARTNER = "MOTCUA"
PAYGOV_SECRET = "PAYGOVSECRET"
FEE_PROCEDURE = "2.000815"


def _serve(server: Any) -> Iterator[Any]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def vnpay_standin(settings: Any) -> Iterator[VnpayServer]:
    server = VnpayServer(("127.0.0.1", 0), TMN_CODE, VNPAY_SECRET, "")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.MOTCUA_VNPAY_TMN_CODE = TMN_CODE
    settings.MOTCUA_VNPAY_HASH_SECRET = VNPAY_SECRET
    settings.MOTCUA_VNPAY_PAYMENT_URL = base + PAY_PATH
    settings.MOTCUA_VNPAY_API_URL = base + API_PATH
    server.base_url = base  # type: ignore[attr-defined]
    yield from _serve(server)


@pytest.fixture
def paygov_standin(settings: Any) -> Iterator[PaygovServer]:
    server = PaygovServer(("127.0.0.1", 0), PARTNER, PAYGOV_SECRET, "")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.MOTCUA_PAYGOV_URL = base + "/"
    settings.MOTCUA_PAYGOV_PARTNER_CODE = PARTNER
    settings.MOTCUA_PAYGOV_SECRET = PAYGOV_SECRET
    server.base_url = base  # type: ignore[attr-defined]
    yield from _serve(server)


@pytest.fixture
def fee_dossier(commune: Agency, staff: dict[str, User]) -> Dossier:
    """Received at the counter (status ``received``), owing 2.000 đ."""
    return open_dossier(counter_intake(offering_of(FEE_PROCEDURE, commune)), user=staff["counter"])
