"""``motcua demo``: the web server, a worker and the stand-ins, started together and stopped together.

``make demo`` runs it after migrating and loading the demo data. In debug mode, when ``MOTCUA_WEBHOOK_URL``
is unset, the webhook destination is pointed at a stand-in receiver started here (its secret is generated
once into ``var/webhook_demo_secret``); when ``MOTCUA_SMS_URL`` is unset, SMS notices go to the stand-in SMS
gateway started here (token in ``var/sms_demo_token``); when ``MOTCUA_POPULATION_URL`` is unset, the population
registry is the stand-in started here (``--population-port``, 8018; token in ``var/population_demo_token``);
when ``MOTCUA_EMAIL_URL`` is unset, e-mail notices are written as files under ``var/mail``; when the national
portal's URLs are unset, it is pointed at a stand-in portal (``--portal-port``, 8011 by default; its password
generated once into ``var/national_portal_demo_password``); when ``MOTCUA_OIDC_ISSUER`` is unset, citizens sign
in through the stand-in identity provider (``--identity-port``, 8017 by default; client secret generated once into
``var/oidc_demo_secret``), and the demo's dossiers, loaded before, are put in the outbox for it
(``national_portal_backfill``); when VNPay's and the national payment platform's settings are unset, payments go
to their stand-in gateways (``--vnpay-port`` 8013, ``--paygov-port`` 8014; secrets generated once into
``var/vnpay_demo_secret``, ``var/paygov_demo_secret``), which call the demo's server back (IPN, result callback);
when ``MOTCUA_TSA_URL`` is unset, the demo PKI is made under ``var/signing`` (``signing_setup``) and results are
signed with a stand-in timestamp authority (``--tsa-port``, 8015); a stand-in remote signing service runs on
``--remote-signer-port`` (8016; used with ``MOTCUA_SIGNER=remote``).
With ``MOTCUA_DEBUG=0`` an unset setting stays unset: the destination is "not configured", never a stand-in.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from motcua.integrations.contrib.oidc.standin import DEMO_CITIZEN


def _demo_secret(name: str = "webhook_demo_secret") -> str:
    path = settings.VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def standin_url_for_demo(*, debug: bool, configured_url: str, port: int) -> str | None:
    """The stand-in's address when the demo must start one: only in debug mode, only when no URL is set."""
    if debug and not configured_url:
        return f"http://127.0.0.1:{port}/"
    return None


def demo_email_url(*, debug: bool, configured_url: str) -> str | None:
    """Where the demo's e-mail goes when none is configured: files under ``var/mail`` (debug mode only)."""
    if debug and not configured_url:
        return f"file://{settings.VAR_DIR / 'mail'}"
    return None


def portal_env_for_demo(*, debug: bool, port: int) -> dict[str, str] | None:
    """The settings pointing the national portal at the demo's stand-in, when the demo must start one: only in
    debug mode, only when neither URL is set."""
    configured = settings.MOTCUA_NATIONAL_PORTAL_AUTH_URL or settings.MOTCUA_NATIONAL_PORTAL_SERVICE_URL
    if not debug or configured:
        return None
    base = f"http://127.0.0.1:{port}/"
    return {
        "MOTCUA_NATIONAL_PORTAL_AUTH_URL": base + "auth",
        "MOTCUA_NATIONAL_PORTAL_SERVICE_URL": base + "service",
        "MOTCUA_NATIONAL_PORTAL_USERNAME": settings.MOTCUA_NATIONAL_PORTAL_USERNAME or "motcua-demo",
        "MOTCUA_NATIONAL_PORTAL_PASSWORD": settings.MOTCUA_NATIONAL_PORTAL_PASSWORD
        or _demo_secret("national_portal_demo_password"),
        "MOTCUA_NATIONAL_PORTAL_DSTCODE": settings.MOTCUA_NATIONAL_PORTAL_DSTCODE or "H55",
    }


def identity_env_for_demo(*, debug: bool, port: int) -> dict[str, str] | None:
    """The settings pointing citizens' sign-in at the demo's stand-in identity provider, when the demo must
    start one: only in debug mode, only when ``MOTCUA_OIDC_ISSUER`` is unset."""
    if not debug or settings.MOTCUA_OIDC_ISSUER:
        return None
    return {
        "MOTCUA_OIDC_ISSUER": f"http://127.0.0.1:{port}",
        "MOTCUA_OIDC_CLIENT_ID": settings.MOTCUA_OIDC_CLIENT_ID or "motcua-demo",
        "MOTCUA_OIDC_CLIENT_SECRET": settings.MOTCUA_OIDC_CLIENT_SECRET or _demo_secret("oidc_demo_secret"),
    }


def payment_env_for_demo(*, debug: bool, vnpay_port: int, paygov_port: int) -> dict[str, str]:
    """The settings pointing each payment gateway left unconfigured at the demo's stand-in (debug mode only)."""
    if not debug:
        return {}
    env: dict[str, str] = {}
    if not (settings.MOTCUA_VNPAY_PAYMENT_URL or settings.MOTCUA_VNPAY_API_URL):
        base = f"http://127.0.0.1:{vnpay_port}"
        env |= {
            "MOTCUA_VNPAY_TMN_CODE": settings.MOTCUA_VNPAY_TMN_CODE or "MOTCUADM",
            "MOTCUA_VNPAY_HASH_SECRET": settings.MOTCUA_VNPAY_HASH_SECRET or _demo_secret("vnpay_demo_secret"),
            "MOTCUA_VNPAY_PAYMENT_URL": base + "/paymentv2/vpcpay.html",
            "MOTCUA_VNPAY_API_URL": base + "/merchant_webapi/api/transaction",
        }
    if not settings.MOTCUA_PAYGOV_URL:
        env |= {
            "MOTCUA_PAYGOV_URL": f"http://127.0.0.1:{paygov_port}/",
            "MOTCUA_PAYGOV_PARTNER_CODE": settings.MOTCUA_PAYGOV_PARTNER_CODE or "MOTCUA-DEMO",
            "MOTCUA_PAYGOV_SECRET": settings.MOTCUA_PAYGOV_SECRET or _demo_secret("paygov_demo_secret"),
        }
    return env


class Command(BaseCommand):
    help = "Chạy bản trình diễn: máy chủ web, tiến trình nền, máy nhận webhook và Cổng DVCQG giả lập. Dừng bằng Ctrl-C."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Địa chỉ của máy chủ web.")
        parser.add_argument("--standin-port", type=int, default=8010, help="Cổng của máy nhận webhook giả lập.")
        parser.add_argument("--sms-standin-port", type=int, default=8012, help="Cổng của cổng SMS giả lập.")
        parser.add_argument("--portal-port", type=int, default=8011, help="Cổng của Cổng DVCQG giả lập.")
        parser.add_argument(
            "--identity-port", type=int, default=8017, help="Cổng của nhà cung cấp định danh giả lập (OpenID Connect)."
        )
        parser.add_argument("--population-port", type=int, default=8018, help="Cổng của CSDL dân cư giả lập.")
        parser.add_argument("--vnpay-port", type=int, default=8013, help="Cổng của cổng VNPay giả lập.")
        parser.add_argument("--paygov-port", type=int, default=8014, help="Cổng của nền tảng thanh toán giả lập.")
        parser.add_argument("--tsa-port", type=int, default=8015, help="Cổng của máy chủ dấu thời gian giả lập.")
        parser.add_argument("--remote-signer-port", type=int, default=8016, help="Cổng của dịch vụ ký từ xa giả lập.")
        parser.add_argument("--noreload", action="store_true", help="Máy chủ web không tự nạp lại khi mã thay đổi.")

    def handle(self, *args: Any, **options: Any) -> None:
        env = dict(os.environ)
        command = [sys.executable, "-m", "motcua.cli"]
        programs: list[tuple[str, list[str]]] = []
        port = options["standin_port"]
        standin = standin_url_for_demo(debug=settings.DEBUG, configured_url=settings.MOTCUA_WEBHOOK_URL, port=port)
        if standin is not None:
            secret = settings.MOTCUA_WEBHOOK_SECRET or _demo_secret()
            env.update(MOTCUA_WEBHOOK_URL=standin, MOTCUA_WEBHOOK_SECRET=secret)
            programs.append(("webhook-standin", [*command, "webhook_standin", "--port", str(port)]))
            self.stdout.write(f"Webhook: máy nhận giả lập tại {standin} ({standin}_standin/received)")
        elif not settings.MOTCUA_WEBHOOK_URL:
            self.stdout.write("Webhook: chưa cấu hình (MOTCUA_WEBHOOK_URL chưa đặt).")
        else:
            self.stdout.write(f"Webhook: {settings.MOTCUA_WEBHOOK_URL}")
        sms_port = options["sms_standin_port"]
        sms_standin = standin_url_for_demo(debug=settings.DEBUG, configured_url=settings.MOTCUA_SMS_URL, port=sms_port)
        if sms_standin is not None:
            token = settings.MOTCUA_SMS_TOKEN or _demo_secret("sms_demo_token")
            env.update(MOTCUA_SMS_URL=sms_standin + "messages", MOTCUA_SMS_TOKEN=token)
            programs.append(("sms-standin", [*command, "sms_standin", "--port", str(sms_port), "--token", token]))
            self.stdout.write(f"SMS: cổng SMS giả lập tại {sms_standin} ({sms_standin}_standin/received)")
        else:
            self.stdout.write(f"SMS: {settings.MOTCUA_SMS_URL or 'chưa cấu hình (MOTCUA_SMS_URL chưa đặt).'}")
        population_port = options["population_port"]
        population = standin_url_for_demo(
            debug=settings.DEBUG, configured_url=settings.MOTCUA_POPULATION_URL, port=population_port
        )
        if population is not None:
            token = settings.MOTCUA_POPULATION_TOKEN or _demo_secret("population_demo_token")
            env.update(MOTCUA_POPULATION_URL=population, MOTCUA_POPULATION_TOKEN=token)
            argv = [*command, "population_standin", "--port", str(population_port), "--token", token]
            programs.append(("population-standin", argv))
            self.stdout.write(f"CSDL dân cư: bản giả lập tại {population} ({population}_standin/received)")
        else:
            self.stdout.write(
                f"CSDL dân cư: {settings.MOTCUA_POPULATION_URL or 'chưa cấu hình (MOTCUA_POPULATION_URL chưa đặt).'}"
            )
        email = demo_email_url(debug=settings.DEBUG, configured_url=settings.MOTCUA_EMAIL_URL)
        if email is not None:
            env.update(MOTCUA_EMAIL_URL=email)
            self.stdout.write(f"Thư điện tử: ghi thành tệp trong {email}")
        else:
            self.stdout.write(
                f"Thư điện tử: {settings.MOTCUA_EMAIL_URL or 'chưa cấu hình (MOTCUA_EMAIL_URL chưa đặt).'}"
            )
        portal = portal_env_for_demo(debug=settings.DEBUG, port=options["portal_port"])
        if portal is not None:
            env.update(portal)
            port = options["portal_port"]
            programs.append(("national-portal-standin", [*command, "national_portal_standin", "--port", str(port)]))
            subprocess.run([*command, "national_portal_backfill"], env=env, check=False)
            base = f"http://127.0.0.1:{port}/"
            self.stdout.write(f"Cổng DVCQG: bản giả lập tại {base} ({base}_standin/received?summary=1)")
        elif not settings.MOTCUA_NATIONAL_PORTAL_AUTH_URL:
            self.stdout.write("Cổng DVCQG: chưa cấu hình (MOTCUA_NATIONAL_PORTAL_AUTH_URL chưa đặt).")
        else:
            self.stdout.write(f"Cổng DVCQG: {settings.MOTCUA_NATIONAL_PORTAL_SERVICE_URL}")
        identity = identity_env_for_demo(debug=settings.DEBUG, port=options["identity_port"])
        if identity is not None:
            env.update(identity)
            host, _, web_port = options["addr"].rpartition(":")
            callbacks = [
                f"http://{name}:{web_port}/signin/oidc/callback/" for name in {host or "127.0.0.1", "localhost"}
            ]
            argv = [*command, "identity_standin", "--port", str(options["identity_port"])]
            for uri in callbacks:
                argv += ["--redirect-uri", uri]
            programs.append(("identity-standin", argv))
            self.stdout.write(
                f"Định danh (VNeID): bản giả lập tại {identity['MOTCUA_OIDC_ISSUER']}/ — công dân mẫu "
                f"{DEMO_CITIZEN['username']} / {DEMO_CITIZEN['password']}"
            )
        else:
            self.stdout.write(f"Định danh (VNeID): {settings.MOTCUA_OIDC_ISSUER or 'chưa cấu hình.'}")
        site = f"http://{options['addr']}"
        payments = payment_env_for_demo(
            debug=settings.DEBUG, vnpay_port=options["vnpay_port"], paygov_port=options["paygov_port"]
        )
        env.update(payments)
        if "MOTCUA_VNPAY_API_URL" in payments:
            programs.append(
                (
                    "vnpay-standin",
                    [*command, "vnpay_standin", "--port", str(options["vnpay_port"]),
                     "--ipn-url", f"{site}/payments/vnpay/ipn"],
                )
            )  # fmt: skip
            self.stdout.write(f"VNPay: cổng giả lập tại http://127.0.0.1:{options['vnpay_port']}/")
        else:
            self.stdout.write(f"VNPay: {settings.MOTCUA_VNPAY_PAYMENT_URL or 'chưa cấu hình.'}")
        if "MOTCUA_PAYGOV_URL" in payments:
            programs.append(
                (
                    "paygov-standin",
                    [*command, "paygov_standin", "--port", str(options["paygov_port"]),
                     "--callback-url", f"{site}/payments/paygov/callback", "--return-url", f"{site}/my/"],
                )
            )  # fmt: skip
            self.stdout.write(f"Nền tảng thanh toán quốc gia: bản giả lập tại {payments['MOTCUA_PAYGOV_URL']}")
        else:
            self.stdout.write(f"Nền tảng thanh toán quốc gia: {settings.MOTCUA_PAYGOV_URL or 'chưa cấu hình.'}")
        tsa = standin_url_for_demo(
            debug=settings.DEBUG, configured_url=settings.MOTCUA_TSA_URL, port=options["tsa_port"]
        )
        if tsa is not None:
            # the demo PKI (CA, a key per agency, the TSA's certificate) under var/signing, made at the first run
            # CA and TSA now (two keys); the agencies' keys in the background, so that the demo starts at once
            subprocess.run([*command, "signing_setup", "--authorities-only"], env=env, check=False)
            setup = subprocess.Popen([*command, "signing_setup"], env=env, start_new_session=True)
            password_file = settings.MOTCUA_SIGNING_DIR / "p12_password"
            password = settings.MOTCUA_SIGNING_P12_PASSWORD or (
                password_file.read_text().strip() if password_file.exists() else ""
            )
            env.update(MOTCUA_TSA_URL=tsa, MOTCUA_SIGNING_P12_PASSWORD=password)
            programs.append(("tsa-standin", [*command, "tsa_standin", "--port", str(options["tsa_port"])]))
            self.stdout.write(
                f"Ký số: khóa trình diễn trong {settings.MOTCUA_SIGNING_DIR}, dấu thời gian giả lập tại {tsa}"
            )
        else:
            self.stdout.write(f"Ký số: dấu thời gian {settings.MOTCUA_TSA_URL or 'chưa cấu hình (MOTCUA_TSA_URL).'}")
        remote_port = options["remote_signer_port"]
        remote = standin_url_for_demo(
            debug=settings.DEBUG, configured_url=settings.MOTCUA_REMOTE_SIGNER_URL, port=remote_port
        )
        if remote is not None and tsa is not None:
            token = settings.MOTCUA_REMOTE_SIGNER_TOKEN or _demo_secret("remote_signer_demo_token")
            env.update(MOTCUA_REMOTE_SIGNER_URL=remote, MOTCUA_REMOTE_SIGNER_TOKEN=token)
            argv = [*command, "remote_signer_standin", "--port", str(remote_port), "--token", token]
            programs.append(("remote-signer-standin", argv))
            self.stdout.write(f"Ký số từ xa: dịch vụ giả lập tại {remote} (ứng dụng của người ký: {remote}_standin/)")
        programs.append(("worker", [*command, "worker"]))
        server = [*command, "runserver", options["addr"]]
        programs.append(("server", [*server, "--noreload"] if options["noreload"] else server))

        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        # each child leads its own process group, so that a stop reaches runserver's reloader and its server alike
        children = {name: subprocess.Popen(argv, env=env, start_new_session=True) for name, argv in programs}
        ended = ""
        while not stopping and not ended:
            ended = next((name for name, child in children.items() if child.poll() is not None), "")
            time.sleep(0.2)
        if tsa is not None and setup.poll() is None:
            os.killpg(setup.pid, signal.SIGTERM)
            setup.wait()
        if ended:
            self.stderr.write(f"{ended} đã dừng (mã {children[ended].returncode}); dừng các tiến trình còn lại.")
        for child in children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        if ended:
            sys.exit(1)
