"""Paying at submission, end to end in a real browser (issue 11): the citizen applies online for a procedure that
collects its fees up front (2.001035: one line of 50.000 đ, its amount known — ``rules.payments``), sees the
amount and its line before submitting, pays right after submitting through the VNPay stand-in (its own process,
``motcua vnpay-standin``: the payer's page, then its server-to-server IPN signed as VNPay signs it), comes back to
the return page, and downloads the e-receipt. The desk then accepts the dossier: the payment counts for 766
indicator 3.6 on the receipt day, beside its denominator, and the counters rebuilt from the log agree.

Playwright drives Debian's Chromium at a phone's width, as in ``test_browser.py`` (whose fixtures are used).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from motcua.dossiers.models import Dossier, DossierAction
from motcua.dossiers.plans import terms_of
from motcua.dossiers.projections import counters_from_log, stored_counters
from motcua.dossiers.services import perform
from motcua.dossiers.tests.fixtures import offering_of
from motcua.integrations.contrib.oidc.standin import DEMO_CITIZEN
from motcua.integrations.tests.conftest import standin_process
from motcua.metrics.models import DailyCount
from motcua.payments.contrib.vnpay.standin import API_PATH, PAY_PATH
from motcua.payments.models import Payment, PaymentCallback
from motcua.portal.tests.test_browser import (  # noqa: F401  (fixtures)
    PDF,
    csp_violations,
    idp,
    page,
    serious_violations,
    step,
)
from motcua.rules.lifecycle import ActionType

PROCEDURE = "2.001035"
TMN_CODE, HASH_SECRET = "MOTCUAE2E", "BIMATVNPAYE2E0123456789ABCDEFGHIJ"


@pytest.fixture
def vnpay_process(live_server: Any, tmp_path: Path, settings: Any) -> Iterator[str]:
    """The VNPay stand-in as its own process, calling the live server's IPN."""
    argv = ["vnpay-standin", "--port", "0", "--tmn-code", TMN_CODE, "--hash-secret", HASH_SECRET]
    argv += ["--ipn-url", f"{live_server.url}/payments/vnpay/ipn"]
    with standin_process(argv, tmp_path / "vnpay-standin.log") as url:
        base = url.rstrip("/")
        settings.MOTCUA_VNPAY_TMN_CODE = TMN_CODE
        settings.MOTCUA_VNPAY_HASH_SECRET = HASH_SECRET
        settings.MOTCUA_VNPAY_PAYMENT_URL = base + PAY_PATH
        settings.MOTCUA_VNPAY_API_URL = base + API_PATH
        # as settings.py does for a MOTCUA_VNPAY_PAYMENT_URL of the environment: the pay form may lead there
        directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
        settings.CONTENT_SECURITY_POLICY = {
            "DIRECTIVES": directives | {"form-action": [*directives["form-action"], base]}
        }
        yield base


def test_a_citizen_pays_right_after_submitting_through_the_vnpay_standin(
    live_server: Any,
    idp: str,  # noqa: F811
    vnpay_process: str,
    page: Page,  # noqa: F811
    csp_violations: list[str],  # noqa: F811
    commune: Any,
    staff: Any,
    tmp_path: Path,
) -> None:
    base = live_server.url
    violations: dict[str, list[str]] = {}
    offering = offering_of(PROCEDURE, commune)
    fees = terms_of(offering, "online").data["fees"]
    assert [(f["name"], f["amount_vnd"]) for f in fees] == [(fees[0]["name"], "50000")]  # the scenario's premise
    with step(page, "sign-in", tmp_path):
        page.goto(base + "/workbench/login/")
        page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh điện tử (VNeID)").click()
        page.get_by_label("Tên đăng nhập").fill(DEMO_CITIZEN["username"])
        page.get_by_label("Mật khẩu").fill(DEMO_CITIZEN["password"])
        page.get_by_role("button", name="Đồng ý và đăng nhập").click()
        page.wait_for_url(base + "/my/")
    with step(page, "apply-sees-the-fee", tmp_path):
        page.goto(base + f"/procedures/{PROCEDURE}/apply/{commune.identifier}/")
        fee_box = page.get_by_role("group", name="Phí, lệ phí")
        assert fee_box.get_by_role("cell", name="50.000").is_visible()
        assert fee_box.get_by_text("thu phí, lệ phí khi nộp hồ sơ").is_visible()
        violations["apply form with fees"] = serious_violations(page)
        for document in terms_of(offering, "online").data["documents"]:
            if not document["condition"] and document["form"] != "present_only":
                page.set_input_files(
                    f"#document_{document['id']}",
                    files=[{"name": f"giay-to-{document['id']}.pdf", "mimeType": "application/pdf", "buffer": PDF}],
                )
        page.get_by_label("Nhận bản điện tử trực tuyến").check()
        page.get_by_role("button", name="Nộp hồ sơ").click()
        page.get_by_text("Đã nộp hồ sơ thành công").wait_for()
    dossier = Dossier.objects.get()
    assert dossier.status == "submitted"
    with step(page, "pay-panel", tmp_path):
        assert page.get_by_text("xin thanh toán ở mục “Phí, lệ phí” bên dưới").is_visible()
        assert page.locator("#pay-total").inner_text() == "50.000"
        violations["receipt with the pay panel"] = serious_violations(page)
        page.get_by_role("button", name=re.compile("Thanh toán qua VNPay")).click()
    with step(page, "standin-pays", tmp_path):
        page.wait_for_url(re.compile(re.escape(vnpay_process) + r"/paymentv2/vpcpay\.html.*"))
        assert page.locator("#amount").inner_text() == "50,000 đ"  # what the gateway was asked for
        page.get_by_role("button", name="Thanh toán thành công").click()
        page.wait_for_url(re.compile(re.escape(base) + r"/payments/vnpay/return\?.*"))
        assert page.locator("#state").inner_text() == "Đã thanh toán"
        violations["return page"] = serious_violations(page)
    payment = Payment.objects.get(dossier=dossier)
    assert (payment.state, payment.amount_vnd, payment.settled_by) == ("succeeded", 50000, "ipn")
    # the stand-in's IPN, kept raw with its verdict; the return page changed nothing and is not a callback
    assert list(PaymentCallback.objects.values_list("channel", "verdict", "changed_state")) == [
        ("ipn", "recorded", True)
    ]
    paid = DossierAction.objects.get(dossier=dossier, type="record_payment")
    assert (paid.actor_role, paid.from_status) == ("system", "submitted")
    dossier.refresh_from_db()
    assert dossier.status == "submitted"  # paying does not accept the dossier: the desk does
    with step(page, "e-receipt", tmp_path):
        page.goto(base + f"/my/dossiers/{dossier.code}/")
        assert page.get_by_text("Đã thanh toán: 50.000 đ").is_visible()
        href = page.get_by_role("link", name="Biên lai điện tử (PDF)").get_attribute("href")
        response = page.request.get(base + str(href))
        assert response.status == 200
        assert response.body().startswith(b"%PDF")
    # nothing is counted for 3.6 before the receipt; at the receipt, paid online and owing a fee, on its day
    assert not DailyCount.objects.filter(metric="paid_online").exists()
    perform(dossier, ActionType.ACCEPT, user=staff["counter"])
    today = timezone.localdate()
    counted = dict(DailyCount.objects.filter(day=today).values_list("metric", "value"))
    assert (counted["paid_online"], counted["received_with_fees"]) == (1, 1)
    assert counters_from_log() == stored_counters()  # rebuild == incremental
    assert violations == {name: [] for name in violations}, violations
    assert csp_violations == [], "the Content-Security-Policy refused something the payment pages use"
