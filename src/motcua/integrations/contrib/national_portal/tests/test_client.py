"""The client against the stand-in: re-login once, temporary failures versus the portal's refusals."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.integrations.contrib.national_portal.client import PortalClient, forget_sessions
from motcua.integrations.contrib.national_portal.tests.conftest import Portal
from motcua.integrations.contrib.national_portal.tests.test_standin import RECORD, ROW
from motcua.integrations.errors import PermanentFailure, TemporaryFailure

AGENCY = "999.00.27.H55"


def test_unset_settings_mean_not_configured(settings: Any) -> None:
    settings.MOTCUA_NATIONAL_PORTAL_AUTH_URL = ""
    assert "Chưa cấu hình" in (PortalClient().problem() or "")
    assert "MOTCUA_NATIONAL_PORTAL_AUTH_URL" in (PortalClient().problem() or "")


def test_a_session_is_kept_and_renewed_once_when_refused(national_portal: Portal) -> None:
    client = PortalClient()
    client.sync_dossiers(AGENCY, [RECORD], updating=False)
    client.send_progress(AGENCY, [ROW] * 25)  # chunks of 10: three calls on one session
    assert national_portal.summary()["counts"]["logins"] == 1
    national_portal.expire_sessions()
    assert client.has_dossier(AGENCY, "H55-1") is True  # refused, logged in again, repeated
    counts = national_portal.summary()["counts"]
    assert (counts["logins"], counts["service:CapNhatTienDoHoSoMC"], counts["largest_progress_call"]) == (2, 3, 10)


def test_temporary_failures(national_portal: Portal) -> None:
    client = PortalClient()
    for order in [
        {"mode": "http503", "count": 1},
        {"mode": "session", "count": 2},  # still refused after the new login
        {"mode": "reset", "count": 1},
        {"mode": "error", "count": 1, "scope": "login", "error_code": 1},
    ]:
        national_portal.fail(**order)
        forget_sessions()  # so that the login is tried too
        with pytest.raises(TemporaryFailure):
            client.has_dossier(AGENCY, "H55-1")
        national_portal.fail(mode="off")


def test_a_refused_payload_is_permanent_with_the_portals_message(national_portal: Portal) -> None:
    client = PortalClient()
    with pytest.raises(PermanentFailure, match="NgayHenTra phải có dạng"):
        client.sync_dossiers(AGENCY, [RECORD | {"NgayHenTra": "tomorrow"}], updating=False)
    with pytest.raises(PermanentFailure, match="không tồn tại"):
        client.send_progress(AGENCY, [ROW])
