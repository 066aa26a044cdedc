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

from motcua.dossiers.services import open_dossier, perform
from motcua.dossiers.tests.fixtures import counter_intake, offering_of
from motcua.integrations.models import OutboxMessage
from motcua.integrations.tests.conftest import CLI, subprocess_env, wait_until
from motcua.payments.models import Payment
from motcua.payments.services import start_payment
from motcua.rules.lifecycle import ActionType


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
    # the demo's own var/ (secrets, the mail it writes) is this test's directory
    env = subprocess_env(MOTCUA_DEBUG=1, MOTCUA_WORKER_POLL_SECONDS=0.05, MOTCUA_VAR_DIR=tmp_path / "var")
    for name in (
        "MOTCUA_WEBHOOK_URL",
        "MOTCUA_WEBHOOK_SECRET",
        "MOTCUA_SMS_URL",
        "MOTCUA_SMS_TOKEN",
        "MOTCUA_EMAIL_URL",
        "MOTCUA_NATIONAL_PORTAL_AUTH_URL",
        "MOTCUA_NATIONAL_PORTAL_SERVICE_URL",
        "MOTCUA_OIDC_ISSUER",
        "MOTCUA_OIDC_CLIENT_ID",
        "MOTCUA_OIDC_CLIENT_SECRET",
        "MOTCUA_VNPAY_PAYMENT_URL",
        "MOTCUA_VNPAY_API_URL",
        "MOTCUA_VNPAY_HASH_SECRET",
        "MOTCUA_PAYGOV_URL",
        "MOTCUA_PAYGOV_SECRET",
        "MOTCUA_TSA_URL",
        "MOTCUA_REMOTE_SIGNER_URL",
    ):
        env.pop(name, None)
    sms, identity, vnpay_port, paygov_port = free_port(), free_port(), free_port(), free_port()
    tsa, remote = free_port(), free_port()
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
                "--sms-standin-port",
                str(sms),
                "--portal-port",
                str(portal),
                "--identity-port",
                str(identity),
                "--vnpay-port",
                str(vnpay_port),
                "--paygov-port",
                str(paygov_port),
                "--tsa-port",
                str(tsa),
                "--remote-signer-port",
                str(remote),
                "--noreload",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        standin, gateway = f"http://127.0.0.1:{hook}/", f"http://127.0.0.1:{sms}/"
        portal_url = f"http://127.0.0.1:{portal}/"
        wait_until(
            lambda: (
                answers(f"http://127.0.0.1:{web}/")
                and answers(standin + "_standin/received")
                and answers(gateway + "_standin/received")
                and answers(portal_url + "_standin/received")
                and answers(f"http://127.0.0.1:{identity}/.well-known/openid-configuration")
                and answers(f"http://127.0.0.1:{vnpay_port}/_standin/received")
                and answers(f"http://127.0.0.1:{paygov_port}/_standin/received")
                and answers(f"http://127.0.0.1:{tsa}/_standin/received")
                and answers(f"http://127.0.0.1:{remote}/_standin/received")
            ),
            what="demo",
            timeout=90,  # five processes starting on a machine shared with other runs
        )
        assert re.search(r"Webhook: máy nhận giả lập tại " + re.escape(standin), log.read_text())
        assert re.search(r"SMS: cổng SMS giả lập tại " + re.escape(gateway), log.read_text())
        assert re.search(r"Cổng DVCQG: bản giả lập tại " + re.escape(portal_url), log.read_text())
        issuer = f"http://127.0.0.1:{identity}"
        assert f"Định danh (VNeID): bản giả lập tại {issuer}/" in log.read_text()
        signin = httpx.get(f"http://127.0.0.1:{web}/signin/oidc/", timeout=10)  # the demo's portal uses it
        assert signin.status_code == 302
        assert signin.headers["Location"].startswith(issuer + "/authorize?")
        assert f"dấu thời gian giả lập tại http://127.0.0.1:{tsa}/" in log.read_text()
        assert (tmp_path / "var" / "signing" / "ca.pem").is_file()  # the demo PKI, made at the first run
        mail = tmp_path / "var" / "mail"
        assert f"Thư điện tử: ghi thành tệp trong file://{mail}" in log.read_text()
        # an action taken now reaches the demo's stand-ins through the demo's worker, its e-mail the demo's var/mail
        settings.MOTCUA_WEBHOOK_URL = standin
        settings.MOTCUA_WEBHOOK_SECRET = (tmp_path / "var" / "webhook_demo_secret").read_text().strip()
        settings.MOTCUA_SMS_URL = gateway + "messages"
        settings.MOTCUA_SMS_TOKEN = (tmp_path / "var" / "sms_demo_token").read_text().strip()
        settings.MOTCUA_EMAIL_URL = f"file://{mail}"
        settings.MOTCUA_NATIONAL_PORTAL_AUTH_URL = portal_url + "auth"
        settings.MOTCUA_NATIONAL_PORTAL_SERVICE_URL = portal_url + "service"
        settings.MOTCUA_NATIONAL_PORTAL_USERNAME = "motcua-demo"
        settings.MOTCUA_NATIONAL_PORTAL_PASSWORD = (
            (tmp_path / "var" / "national_portal_demo_password").read_text().strip()
        )
        settings.MOTCUA_NATIONAL_PORTAL_DSTCODE = "H55"
        offering = offering_of("2.001035", commune)
        dossier = open_dossier(
            counter_intake(offering, email="an@example.vn", phone="0912345678"), user=staff["counter"]
        )
        perform(dossier, ActionType.FORWARD, user=staff["counter"])
        expected = list(
            OutboxMessage.objects.filter(destination="webhook").order_by("pk").values_list("idempotency_key", flat=True)
        )
        wait_until(lambda: httpx.get(standin + "_standin/received").json()["processed"] == expected, what="delivery")
        sms_keys = [f"sms:{dossier.code}:1"]  # the forward concerns the applicant not
        wait_until(lambda: httpx.get(gateway + "_standin/received").json()["keys"] == sms_keys, what="the SMS")
        wait_until(lambda: mail.exists() and any(mail.iterdir()), what="the e-mail file")
        [written] = mail.iterdir()
        assert f"X-Motcua-Key: email:{dossier.code}:1" in written.read_text(errors="replace")
        held = lambda: httpx.get(portal_url + "_standin/received").json()["held"]  # noqa: E731
        wait_until(lambda: len(held().get(dossier.code, {}).get("progress", [])) == 2, what="the portal's copy")
        # the demo pays through its VNPay stand-in, which calls the demo's server back (the IPN)
        vnpay_url = f"http://127.0.0.1:{vnpay_port}"
        settings.MOTCUA_VNPAY_TMN_CODE = "MOTCUADM"
        settings.MOTCUA_VNPAY_HASH_SECRET = (tmp_path / "var" / "vnpay_demo_secret").read_text().strip()
        settings.MOTCUA_VNPAY_PAYMENT_URL = vnpay_url + "/paymentv2/vpcpay.html"
        settings.MOTCUA_VNPAY_API_URL = vnpay_url + "/merchant_webapi/api/transaction"
        fee_dossier = open_dossier(counter_intake(offering_of("2.000815", commune)), user=staff["counter"])
        payment = start_payment(
            fee_dossier, staff["counter"], "vnpay", client_ip="127.0.0.1", return_url=f"http://127.0.0.1:{web}/"
        )
        assert httpx.get(payment.redirect_url, timeout=10).status_code == 200
        paid = httpx.post(f"{vnpay_url}/_standin/settle", json={"reference": payment.reference}, timeout=30).json()
        assert paid["ipn"]["answer"]["RspCode"] == "00"
        assert Payment.objects.get(pk=payment.pk).state == "succeeded"
    finally:
        demo.send_signal(signal.SIGINT)
        code = demo.wait(timeout=30)
    assert code == 0, log.read_text()
    assert not answers(f"http://127.0.0.1:{web}/")
    assert not answers(standin + "_standin/received")
    assert not answers(gateway + "_standin/received")
    assert not answers(portal_url + "_standin/received")
    assert not answers(f"http://127.0.0.1:{identity}/jwks")


def test_only_the_demo_in_debug_mode_uses_the_standin() -> None:
    from motcua.integrations.management.commands.demo import standin_url_for_demo

    assert standin_url_for_demo(debug=True, configured_url="", port=8010) == "http://127.0.0.1:8010/"
    assert standin_url_for_demo(debug=False, configured_url="", port=8010) is None  # production: not configured
    assert standin_url_for_demo(debug=True, configured_url="https://hook.example/", port=8010) is None


def test_only_the_demo_in_debug_mode_writes_mail_under_var() -> None:
    from motcua.integrations.management.commands.demo import demo_email_url

    assert demo_email_url(debug=True, configured_url="") == f"file://{django_settings.VAR_DIR / 'mail'}"
    assert demo_email_url(debug=False, configured_url="") is None  # production: not configured
    assert demo_email_url(debug=True, configured_url="smtp://mail") is None


def test_only_the_demo_in_debug_mode_uses_the_portal_standin(settings: Any) -> None:
    from motcua.integrations.management.commands.demo import portal_env_for_demo

    settings.MOTCUA_NATIONAL_PORTAL_AUTH_URL = settings.MOTCUA_NATIONAL_PORTAL_SERVICE_URL = ""
    env = portal_env_for_demo(debug=True, port=8011)
    assert env is not None
    assert env["MOTCUA_NATIONAL_PORTAL_SERVICE_URL"] == "http://127.0.0.1:8011/service"
    assert portal_env_for_demo(debug=False, port=8011) is None  # production: not configured
    settings.MOTCUA_NATIONAL_PORTAL_AUTH_URL = "https://dichvucong.gov.vn/auth"
    assert portal_env_for_demo(debug=True, port=8011) is None
