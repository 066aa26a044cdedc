"""End to end in a real browser: Playwright (PyPI) driving Debian's Chromium (``/usr/bin/chromium``).

The server is pytest-django's ``live_server`` (this process, a thread; the test database), the identity provider
the stand-in ``motcua identity-standin`` as a subprocess. A citizen signs in through it, applies with uploads, the
officer asks for a supplement, the citizen supplements, the officer processes and returns the result, the citizen
downloads it and rates the service. The officer's side is the services the workbench calls.

The main portal pages are checked with axe-core (from npm, ``node_modules``; ``npm ci``), injected by Playwright:
no serious or critical violation, at a phone's width (390 px). A failing step saves a screenshot and names its path.
"""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from csp.utils import build_policy
from django.utils import timezone
from playwright.sync_api import Page, sync_playwright

from motcua.datastore.models import StoredDocument, StoreUse
from motcua.datastore.tests.helpers import received_with_files
from motcua.dossiers.models import Dossier
from motcua.dossiers.plans import terms_of
from motcua.dossiers.services import perform
from motcua.dossiers.tests.fixtures import offering_of
from motcua.integrations.contrib.oidc import provider
from motcua.integrations.contrib.oidc.standin import DEMO_CITIZEN
from motcua.integrations.tests.conftest import CLI, subprocess_env, wait_until
from motcua.rules.lifecycle import ActionType

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[4] / "node_modules" / "axe-core" / "axe.min.js"
CLIENT_ID, SECRET = "motcua-e2e", "bi-mat-e2e"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROCEDURE = "2.001035"


@pytest.fixture
def idp(live_server: Any, tmp_path: Path, settings: Any) -> Iterator[str]:
    log = tmp_path / "identity-standin.log"
    callback = f"{live_server.url}/signin/oidc/callback/"
    argv = [*CLI, "identity-standin", "--port", "0", "--client-id", CLIENT_ID, "--client-secret", SECRET]
    with log.open("w") as out:
        process = subprocess.Popen(
            [*argv, "--redirect-uri", callback], stdout=out, stderr=subprocess.STDOUT, env=subprocess_env()
        )
    try:
        found = wait_until(
            lambda: re.search(r"listening on (http://\S+)/", log.read_text()) or process.poll() is not None,
            what="the identity stand-in to listen",
            timeout=120,  # a Django start on a busy machine
        )
        assert process.poll() is None, log.read_text()
        settings.MOTCUA_OIDC_ISSUER = found.group(1)
        settings.MOTCUA_OIDC_CLIENT_ID = CLIENT_ID
        settings.MOTCUA_OIDC_CLIENT_SECRET = SECRET
        provider._metadata_cache.clear()
        yield found.group(1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Page]:
    # the test talks to the ORM between browser steps; Playwright's sync API keeps an event loop in this thread
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert CHROMIUM.exists(), "Debian's Chromium is needed: apt-get install -y chromium (.ci/run does)"
    assert AXE.exists(), "axe-core is needed: npm ci (make install does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True, locale="vi-VN")
        # axe-core in every document before its own scripts: an init script is not subject to the page's CSP,
        # which refuses an injected <script> (add_script_tag) as it must
        context.add_init_script(path=str(AXE))
        context.add_init_script(script=REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@contextmanager
def step(page: Page, name: str, tmp_path: Path) -> Iterator[None]:
    """A step of the story: when it fails, a screenshot of the page is saved and its path is in the message."""
    try:
        yield
    except Exception as error:
        shot = tmp_path / f"failed-{name}.png"
        try:
            page.screenshot(path=str(shot), full_page=True)
        except Exception:  # the page itself may be gone
            shot = Path("(no screenshot: the page was closed)")
        raise AssertionError(f"browser step “{name}” failed: {error}\nscreenshot: {shot}\nat: {page.url}") from error


def warm_up(base: str) -> None:
    """The server's first request loads the whole URL conf: done outside the browser's 20 s per step (on a busy
    machine it took longer)."""
    assert httpx.get(base + "/", timeout=300).status_code == 200


#: Every Content-Security-Policy violation of a document is said on the console (Chromium says most itself)
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked} at ${event.documentURI}`);
});
"""


@pytest.fixture
def csp_violations(page: Page) -> list[str]:
    """What the console said about the Content-Security-Policy while the test ran (issue 15): must stay empty."""
    found: list[str] = []

    def heard(message: Any) -> None:
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or text.startswith("CSP violation")):
            found.append(f"{text} ({page.url})")

    page.on("console", heard)
    return found


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations of the page now (WCAG 2.1 A and AA rules)."""
    if not page.evaluate("typeof axe !== 'undefined'"):  # a page set by hand (below), without the init script
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def test_a_citizen_files_supplements_downloads_and_rates(
    live_server: Any, idp: str, page: Page, csp_violations: list[str], commune: Any, staff: Any, tmp_path: Path
) -> None:
    base = live_server.url
    warm_up(base)
    checked: dict[str, list[str]] = {}

    def check_accessibility(name: str) -> None:
        checked[name] = serious_violations(page)

    with step(page, "home-and-search", tmp_path):
        page.goto(base + "/")
        check_accessibility("home")
        page.goto(base + "/procedures/?q=chung+thuc")
        check_accessibility("procedure list")
        page.goto(base + f"/procedures/{PROCEDURE}/")
        check_accessibility("procedure page")
        page.goto(base + "/signup/")
        check_accessibility("sign-up")
    with step(page, "sign-in", tmp_path):
        page.goto(base + "/workbench/login/")
        check_accessibility("login")
        page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh điện tử (VNeID)").click()
        page.get_by_label("Tên đăng nhập").fill(DEMO_CITIZEN["username"])
        page.get_by_label("Mật khẩu").fill(DEMO_CITIZEN["password"])
        page.get_by_role("button", name="Đồng ý và đăng nhập").click()
        page.wait_for_url(base + "/my/")
        assert page.get_by_role("heading", name="Hồ sơ của tôi").is_visible()
    offering = offering_of(PROCEDURE, commune)
    required = [
        d for d in terms_of(offering, "online").data["documents"] if not d["condition"] and d["form"] != "present_only"
    ]
    with step(page, "apply", tmp_path):
        page.goto(base + f"/procedures/{PROCEDURE}/apply/{commune.identifier}/")
        check_accessibility("apply form")
        assert page.get_by_label("Số định danh cá nhân hoặc mã số thuế").input_value() == "019090000123"
        for document in required:
            page.set_input_files(
                f"#document_{document['id']}",
                files=[{"name": f"giay-to-{document['id']}.pdf", "mimeType": "application/pdf", "buffer": PDF}],
            )
        page.get_by_label("Nhận bản điện tử trực tuyến").check()
        page.get_by_role("button", name="Nộp hồ sơ").click()
        page.get_by_text("Đã nộp hồ sơ thành công").wait_for()
        check_accessibility("receipt")
    dossier = Dossier.objects.get()
    assert dossier.applicant_identity_verified
    perform(dossier, ActionType.REQUEST_SUPPLEMENT, user=staff["counter"], payload={"missing": ["Bản sao CCCD rõ nét"]})
    with step(page, "supplement", tmp_path):
        page.reload()
        asked = page.get_by_role("region", name="Cơ quan yêu cầu bổ sung hồ sơ")
        assert asked.get_by_text("Bản sao CCCD rõ nét").is_visible()
        check_accessibility("dossier with a supplement request")
        page.set_input_files(
            "#supplement_files", files=[{"name": "cccd.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
        page.wait_for_url(re.compile(r".*/my/dossiers/.*/$"))
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    perform(dossier, ActionType.ACCEPT, user=staff["counter"])
    perform(dossier, ActionType.FORWARD, user=staff["counter"])
    perform(dossier, ActionType.FORWARD, user=staff["specialist"])
    perform(dossier, ActionType.APPROVE, user=staff["leader"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    result = SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.4 ket qua\n%%EOF\n", content_type="application/pdf")
    perform(dossier, ActionType.RECORD_RESULT, user=staff["counter"], files=[result])
    perform(dossier, ActionType.MARK_RESULT_READY, user=staff["counter"])
    perform(dossier, ActionType.RETURN_RESULT, user=staff["counter"])
    with step(page, "download", tmp_path):
        page.reload()
        with page.expect_download() as waiting:
            page.get_by_role("link", name=re.compile("Tải kết quả")).click()
        assert Path(waiting.value.path()).read_bytes() == b"%PDF-1.4 ket qua\n%%EOF\n"
        # the receipt and appointment (form 01) the desk issued on accepting it, as a PDF
        with page.expect_download() as waiting:
            page.get_by_role("link", name=re.compile("Giấy tiếp nhận hồ sơ")).click()
        assert waiting.value.suggested_filename == f"{dossier.code}-receipt.pdf"
        assert Path(waiting.value.path()).read_bytes().startswith(b"%PDF")
    with step(page, "rate", tmp_path):
        check_accessibility("dossier with its result")
        for index in range(9):
            page.locator("fieldset").nth(index).get_by_label("Tốt (2 điểm)").check()
        page.get_by_label("Rất hài lòng").check()
        page.get_by_role("button", name="Gửi đánh giá").click()
        page.get_by_text("Bạn đã đánh giá hồ sơ này: 18/18 điểm.").wait_for()
    with step(page, "tracking", tmp_path):
        page.goto(base + f"/track/{dossier.code}/")
        check_accessibility("public tracking")
        assert page.get_by_role("heading", name="Quá trình xử lý").is_visible()
    # the citizen applies again, for another procedure, reusing a paper already accepted: their identity paper,
    # received at the counter with a birth registration (1.001193), is offered on the apply page of 2.000528
    earlier = received_with_files(offering_of("1.001193", commune), staff["counter"], timezone.now(), "019090000123")
    identity = StoredDocument.objects.get(dossier=earlier, kind="giay-to-tuy-than")
    target = offering_of("2.000528", commune)
    needs = terms_of(target, "online").data["documents"]
    requirement = next(d["id"] for d in needs if d["document_type"] == "giay-to-tuy-than")
    with step(page, "reuse", tmp_path):
        page.goto(base + f"/procedures/2.000528/apply/{commune.identifier}/")
        check_accessibility("apply form with stored documents")
        page.locator(f"#store_{requirement}-{identity.pk}").check()
        page.get_by_label(re.compile("đồng ý để cơ quan giải quyết sử dụng các giấy tờ đã chọn")).check()
        for document in needs:
            if not document["condition"] and document["form"] != "present_only":
                page.set_input_files(
                    f"#document_{document['id']}",
                    files=[{"name": f"giay-to-{document['id']}.pdf", "mimeType": "application/pdf", "buffer": PDF}],
                )
        page.get_by_role("button", name="Nộp hồ sơ").click()
        page.get_by_text("Đã nộp hồ sơ thành công").wait_for()
    again = Dossier.objects.get(procedure__code="2.000528")
    assert StoreUse.objects.filter(dossier=again, stored_document=identity, required_document_id=requirement).exists()
    assert len(checked) == 11, sorted(checked)
    problems = {name: found for name, found in checked.items() if found}
    assert problems == {}, f"axe-core: serious or critical violations: {problems}"
    assert csp_violations == [], "the Content-Security-Policy refused something the pages use"


def test_the_accessibility_check_finds_what_it_must(page: Page) -> None:
    """The check itself can fail: an unlabelled field and grey-on-white text are serious violations."""
    page.set_content(
        '<!doctype html><html lang="vi"><title>x</title><main><input id="a">'
        '<p style="color:#bbb;background:#fff">chữ mờ</p></main></html>'
    )
    found = " ".join(serious_violations(page))
    assert "label" in found
    assert "color-contrast" in found


def test_the_csp_check_finds_what_it_must(live_server: Any, page: Page, csp_violations: list[str]) -> None:
    """The check itself can fail: a page under the site's own policy (settings.CONTENT_SECURITY_POLICY) with an
    inline script and an inline style."""

    def with_inline_code(route: Any) -> None:
        route.fulfill(
            status=200,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": build_policy()},
            body='<!doctype html><html lang="vi"><title>x</title><p style="color:red">x</p><script>1</script>',
        )

    page.route("**/csp-check", with_inline_code)
    page.goto(live_server.url + "/csp-check")
    page.wait_for_timeout(200)
    assert any("script-src" in found for found in csp_violations), csp_violations
    assert any("style-src" in found for found in csp_violations), csp_violations
