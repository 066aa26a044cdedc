"""The counter's e-copy pages in a real browser (Playwright + Debian's Chromium, as ``portal/tests/test_browser``):
an officer signs in, certifies a scanned original at a phone's width, reads its status before and after the
worker signs it; axe-core finds no serious or critical violation on the form or the list."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from motcua.accounts.second_factor import current_code
from motcua.ecopies.models import CertifiedCopy, CopyStatus
from motcua.ecopies.tests.helpers import OWNER, png_scan
from motcua.integrations.delivery import DELIVERED, deliver
from motcua.portal.tests.test_browser import page, serious_violations, step  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_counter_certifies_a_copy_and_reads_its_status(
    live_server: Any,
    page: Page,  # noqa: F811
    signing_settings: Any,
    commune: Any,
    staff: Any,
    tmp_path: Path,
) -> None:
    base = live_server.url
    device = TOTPDevice.objects.create(user=staff["counter"], name="phone", confirmed=True)
    with step(page, "sign in", tmp_path):
        page.goto(base + "/workbench/login/")
        page.get_by_label("Tên đăng nhập").fill("counter")
        page.get_by_label("Mật khẩu").fill("x")
        page.get_by_role("button", name="Đăng nhập").first.click()
        page.get_by_label("Mã xác thực (6 chữ số)").fill(current_code(device))  # officers: the second factor
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_url(re.compile(r"/workbench/$"))
    with step(page, "form", tmp_path):
        page.get_by_role("link", name="Chứng thực bản sao điện tử").click()
        page.get_by_role("link", name="Chứng thực bản sao mới").click()
        assert serious_violations(page) == []
        page.get_by_label("Số định danh cá nhân hoặc mã số thuế của người yêu cầu").fill(OWNER)
        page.get_by_label("Họ tên người yêu cầu (hoặc tên tổ chức)").fill("Lê Thị Cúc")
        page.get_by_label("Loại giấy tờ").select_option("giay-to-tuy-than")
        page.get_by_label("Tên giấy tờ").fill("Căn cước công dân")
        page.get_by_label("Bản quét của bản chính (PDF, JPEG, PNG)").set_input_files(
            files=[{"name": "cccd.png", "mimeType": "image/png", "buffer": png_scan()}]
        )
        page.get_by_role("button", name="Chứng thực và ký số").click()
        # without the explicit certification nothing is written
        page.get_by_text("Cần xác nhận bản quét đúng với bản chính").wait_for()
        assert not CertifiedCopy.objects.exists()
        page.get_by_label("Bản quét của bản chính (PDF, JPEG, PNG)").set_input_files(
            files=[{"name": "cccd.png", "mimeType": "image/png", "buffer": png_scan()}]
        )
        page.get_by_label(re.compile("Tôi đã đối chiếu và chứng thực bản quét này")).check()
        page.get_by_role("button", name="Chứng thực và ký số").click()
        page.get_by_text(re.compile("Đã chứng thực bản sao số")).wait_for()
    copy = CertifiedCopy.objects.get()
    with step(page, "list", tmp_path):
        assert page.get_by_role("cell", name=re.compile("Đang ký số")).is_visible()
        assert serious_violations(page) == []
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"the list is {width} px wide at a 390 px viewport"
    # the worker, in a thread of its own: Playwright's sync API keeps an event loop running in this one, and
    # pyHanko's signing runs its own (asyncio.run)
    outcome: list[str] = []
    worker = threading.Thread(target=lambda: outcome.append(deliver(copy.outbox_key, worker_id="test")))
    worker.start()
    worker.join(timeout=120)
    assert outcome == [DELIVERED]
    with step(page, "signed", tmp_path):
        page.reload()
        assert page.get_by_role("cell", name=re.compile("Đã ký số, đã đưa vào kho dữ liệu")).is_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("Tải bản sao đã ký số")).click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    copy.refresh_from_db()
    assert copy.status == CopyStatus.SIGNED
