"""Every page of the portal and the workbench, and every API route, answers with the hardening headers (issue 15).

The test walks the URL conf: each named pattern of the site (``web``, ``payments``, ``signatures``, ``ecopies``) is
requested with real demo objects (``load_demo`` plus a stored document, a paid fee, a PAR evidence file) as a user
who may see it; a pattern added without a case here fails the walk. On every answer: the Content-Security-Policy (the
site's on pages, ``sandbox`` on files), ``no-store`` unless the page is the public catalogue seen anonymously,
the Referrer- and Permissions-Policy; on every HTML page no inline script, no ``on…`` handler, no ``style``
attribute and no ``javascript:`` link; on every file a download with a safe name.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from motcua.accounts.models import ApiToken, User
from motcua.accounts.services import create_api_token
from motcua.api import api as ninja_api
from motcua.catalog.models import Offering
from motcua.datastore.models import StoredDocument, StoreUse
from motcua.datastore.tests.helpers import received_with_files
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.payments.models import Payment
from motcua.reform.models import ParCriterion, ParEvidence, ParScore, SimplificationPlan
from motcua.testing import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAMESPACES = ("web", "payments", "signatures", "ecopies")


class PageProblems(HTMLParser):
    """What a page must not contain under the site's CSP: inline script, handlers, style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value or "" for name, value in attrs}
        for name, value in names.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> (an inline handler)")
            if name == "style":
                self.found.append(f"<{tag} style=…> (an inline style)")
            if name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "script":
            executable = names.get("type", "text/javascript") in {"text/javascript", "module", ""}
            self._in_script = executable and "src" not in names
        if tag == "style":
            self.found.append("<style> (an inline style sheet)")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def page_problems(html: str) -> list[str]:
    parser = PageProblems()
    parser.feed(html)
    return parser.found


def test_the_page_check_finds_what_it_must() -> None:
    """The check can fail: each kind of inline code is named."""
    found = page_problems(
        '<p onclick="x()" style="color:red"><script>alert(1)</script><script src="/s.js"></script>'
        '<script type="application/json">{"a": 1}</script><a href="javascript:void(0)">x</a><style>p{}</style>'
    )
    assert len(found) == 5, found
    assert page_problems('<p class="x"><script src="/static/a.js"></script></p>') == []


@dataclass
class Case:
    user: str | None  # a demo username, or None for an anonymous visitor
    kwargs: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    status: int = 200
    download: bool = False  # a file: attachment, sandbox


@dataclass
class World:
    citizen_dossier: Dossier
    citizen_document: DossierDocument
    officer_dossier: Dossier
    officer_document: DossierDocument
    stored: StoredDocument
    applicant_number: str
    payment: Payment
    plan: SimplificationPlan
    evidence: ParEvidence
    offering: Offering
    par_year: int
    token_id: int


@pytest.fixture
def world(db: None, settings: Any) -> World:
    settings.MOTCUA_RATE_LIMITS = dict(settings.MOTCUA_RATE_LIMITS, search="10000/h", track="10000/h")
    call_command("load_demo", force=True, dossiers=40, verbosity=0, stdout=io.StringIO())
    counter = User.objects.get(username="motcua-mc-xa")
    citizen_dossier = Dossier.objects.filter(applicant_user__username="congdan", documents__isnull=False).first()
    assert citizen_dossier is not None, "the demo data changed: the citizen has no dossier with a file"
    agency = counter.memberships.get(role="counter").agency
    offering = Offering.objects.get(procedure__code="1.001193", agency=agency)
    number = "019090000777"
    officer_dossier = received_with_files(offering, counter, timezone.now() - timedelta(hours=1), number)
    stored = StoredDocument.objects.filter(dossier=officer_dossier).select_related("document").first()
    assert stored is not None
    StoreUse.objects.create(  # as when the counter takes it for the dossier (the officer opens it through it)
        dossier=officer_dossier,
        required_document=offering.procedure.documents.first(),
        stored_document=stored,
        consented_at=timezone.now(),
        consented_by=counter,
        consent_channel="counter",
    )
    payment = Payment.objects.create(
        dossier=officer_dossier,
        provider="counter",
        state="succeeded",
        amount_vnd=2000,
        reference="TT-WALK-0001",
        receipt_number="BL-0001",
        created_at=timezone.now(),
        settled_at=timezone.now(),
    )
    criterion = ParCriterion.objects.filter(children__isnull=True).order_by("year", "code").first()
    assert criterion is not None, "the demo data changed: no PAR tree"
    score = ParScore.objects.create(criterion=criterion, agency=agency)
    evidence = ParEvidence.objects.create(
        score=score,
        file=SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf"),
        name="Báo cáo kiểm chứng số 1.pdf",
        uploaded_by=User.objects.get(username="motcua-cchc"),
    )
    return World(
        citizen_dossier=citizen_dossier,
        citizen_document=citizen_dossier.documents.first(),
        officer_dossier=officer_dossier,
        officer_document=officer_dossier.documents.first(),
        stored=stored,
        applicant_number=number,
        payment=payment,
        plan=SimplificationPlan.objects.first(),
        evidence=evidence,
        offering=offering,
        par_year=criterion.year,
        token_id=_token_of(counter),
    )


def _token_of(user: User) -> int:
    create_api_token(user, "walk")
    return ApiToken.objects.filter(user=user).latest("pk").pk


CITIZEN, COUNTER, MONITOR, REFORM = "congdan", "motcua-mc-xa", "motcua-giamsat", "motcua-cchc"
PASSWORD_ONLY, NOT_ENROLLED = "password-only", "not-enrolled"  # officers before their second factor


def link_in(client: Client, page: str, pattern: str) -> re.Match[str]:
    """A link the page itself offers (the dashboards' charts and drill-downs name their own keys)."""
    found = re.search(pattern, client.get(page).content.decode())
    assert found is not None, f"{page} offers no link like {pattern}"
    return found


def cases(w: World, clients: dict[str | None, Client]) -> dict[str, Case]:
    """One request for every named pattern; ``status`` is what a correct site answers to it (a GET: a form
    that only takes POST answers 405, its headers still checked)."""
    code, own = w.officer_dossier.code, w.citizen_dossier.code
    agency = w.offering.agency.identifier
    procedure = w.offering.procedure.code
    chart = link_in(clients[MONITOR], "/workbench/targets/", r"/workbench/targets/([\w-]+)/(month|agency)\.svg")
    drill = link_in(clients[MONITOR], "/workbench/scorecard/", r"/workbench/scorecard/([\w.-]+)/(numerator)/")
    return {
        "web:home": Case(None),
        "web:procedure-list": Case(None, query="q=chung+thuc"),
        "web:procedure-detail": Case(None, {"code": procedure}),
        "web:track-search": Case(None),
        "web:track": Case(None, {"code": code}),
        "web:apply": Case(CITIZEN, {"code": procedure, "agency": agency}),
        "web:my-dossiers": Case(CITIZEN),
        "web:my-dossier": Case(CITIZEN, {"code": own}),
        "web:my-dossier-supplement": Case(CITIZEN, {"code": own}, status=405),
        "web:my-dossier-withdraw": Case(CITIZEN, {"code": own}, status=405),
        "web:my-dossier-rate": Case(CITIZEN, {"code": own}, status=405),
        "web:my-dossier-document": Case(CITIZEN, {"code": own, "document_id": w.citizen_document.pk}, download=True),
        "web:signup": Case(None),
        "web:signup-verify": Case(None, status=302),
        "web:password-reset": Case(None),
        "web:password-reset-confirm": Case(None, status=405),
        "web:signin-oidc": Case(None, status=503),  # no identity provider configured in the tests
        "web:signin-oidc-callback": Case(None, status=400),
        "web:login": Case(None),
        "web:logout": Case(COUNTER, status=405),
        "web:workbench": Case(COUNTER),
        "web:workbench-intake": Case(COUNTER),
        "web:workbench-intake-form": Case(COUNTER, {"offering_id": w.offering.pk}),
        "web:workbench-book": Case(COUNTER, download=True),
        "web:workbench-sync": Case(MONITOR),
        "web:workbench-access-log": Case(MONITOR),
        "web:workbench-access-log-xlsx": Case(MONITOR, download=True),
        "web:workbench-sync-resend": Case(MONITOR, status=405),
        "web:workbench-scorecard": Case(MONITOR),
        "web:workbench-scorecard-xlsx": Case(MONITOR, download=True),
        "web:workbench-scorecard-dossiers": Case(MONITOR, {"indicator": drill[1], "part": drill[2]}),
        "web:workbench-targets": Case(MONITOR),
        "web:workbench-targets-xlsx": Case(MONITOR, download=True),
        "web:workbench-targets-chart": Case(MONITOR, {"key": chart[1], "kind": chart[2]}),
        "web:workbench-operations": Case(MONITOR),
        "web:workbench-operations-xlsx": Case(MONITOR, download=True),
        "web:workbench-operations-dossiers": Case(MONITOR, {"kind": "backlog"}),
        "web:workbench-operations-chart": Case(MONITOR),
        "web:workbench-warning": Case(MONITOR),
        "web:workbench-warning-xlsx": Case(MONITOR, download=True),
        "web:workbench-report-pdf": Case(
            MONITOR, {"year": timezone.localdate().year, "number": timezone.localdate().month}, download=True
        ),
        "web:workbench-dossier": Case(COUNTER, {"code": code}),
        "web:workbench-act": Case(COUNTER, {"code": code, "action": "forward"}, status=405),
        "web:workbench-form": Case(COUNTER, {"code": code, "kind": "receipt"}, download=True),
        "web:workbench-document": Case(COUNTER, {"code": code, "document_id": w.officer_document.pk}, download=True),
        "web:workbench-store": Case(COUNTER, {"code": code, "stored_id": w.stored.pk}, download=True),
        "web:workbench-store-preview": Case(
            COUNTER, {"stored_id": w.stored.pk}, query=f"applicant={w.applicant_number}", download=True
        ),
        "web:my-document": Case("owner", {"stored_id": w.stored.pk}, download=True),
        "web:reform": Case(REFORM),
        "web:reform-figures-xlsx": Case(REFORM, download=True),
        "web:reform-plan-create": Case(REFORM, status=405),
        "web:reform-plan": Case(REFORM, {"plan_id": w.plan.pk}),
        "web:reform-plan-item": Case(REFORM, {"plan_id": w.plan.pk}, status=405),
        "web:reform-plan-step": Case(REFORM, {"plan_id": w.plan.pk, "step": "approve"}, status=405),
        "web:reform-plan-report": Case(REFORM, {"plan_id": w.plan.pk, "kind": "pdf"}, download=True),
        "web:reform-cost": Case(REFORM, {"code": procedure}),
        "web:reform-cost-xlsx": Case(REFORM, {"code": procedure}, download=True),
        "web:reform-cost-upload": Case(REFORM, {"code": procedure}, status=405),
        "web:reform-par": Case(REFORM, {"year": w.par_year}),
        "web:reform-par-evidence": Case(REFORM, {"evidence_id": w.evidence.pk}, download=True),
        "payments:vnpay-ipn": Case(None, status=200),
        "payments:vnpay-return": Case(None, status=400),  # no signed parameters
        "payments:paygov-callback": Case(None, status=405),
        "payments:receipt": Case(COUNTER, {"reference": w.payment.reference}, download=True),
        "payments:refund": Case(COUNTER, {"reference": w.payment.reference}, status=405),
        "payments:pay": Case(CITIZEN, {"code": own}),
        "payments:counter": Case(COUNTER, {"code": code}, status=405),
        "signatures:verify": Case(None),
        "web:my-dossier-form": Case(CITIZEN, {"code": own, "kind": "receipt"}, download=True),
        "web:second-factor": Case(PASSWORD_ONLY),  # the password given, the code not yet
        "web:second-factor-enrol": Case(NOT_ENROLLED),
        "web:tokens": Case(COUNTER),
        "web:token-revoke": Case(COUNTER, {"token_id": w.token_id}),  # the confirmation before revoking
        "ecopies:list": Case(COUNTER),
        "ecopies:certify": Case(COUNTER),
        # a copy is signed in the worker (the demo PKI): its file is served by datastore.files.stored_file, the
        # function web:my-document walks above; here the refusal of one that does not exist
        "ecopies:file": Case(COUNTER, {"copy_id": 999999}, status=404),
    }


def named_patterns() -> set[str]:
    """Every named pattern of the site's own namespaces in the URL conf."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace in NAMESPACES:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def check_common(response: Any, where: str) -> None:
    assert response["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin", "no-referrer"}, where
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions, (where, permissions)
    assert response["X-Content-Type-Options"] == "nosniff", where


def check_page_policy(response: Any, where: str) -> None:
    policy = response["Content-Security-Policy"]
    for directive in ("script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
        assert directive in policy, (where, policy)
    for loophole in ("unsafe-inline", "unsafe-eval", "http"):  # no inline code, no eval, no other origin
        assert loophole not in policy, (where, policy)


def check_download(response: Any, where: str) -> None:
    assert response["Content-Disposition"].startswith('attachment; filename="'), where
    assert response["Content-Security-Policy"] == "sandbox", where
    assert "no-store" in response["Cache-Control"], where


def test_every_page_of_the_site_is_hardened(world: World) -> None:
    users = {name: User.objects.get(username=name) for name in (CITIZEN, COUNTER, MONITOR, REFORM)}
    users["owner"] = User.objects.create(username="owner-of-the-store")
    StoredDocument.objects.filter(pk=world.stored.pk).update(owner_user=users["owner"])
    clients: dict[str | None, Client] = {None: Client()}
    for name, user in users.items():
        clients[name] = Client()
        sign_in(clients[name], user)
    clients[PASSWORD_ONLY] = Client()
    clients[PASSWORD_ONLY].force_login(users[COUNTER])  # who has a device now (sign_in)
    newcomer = User.objects.create(username="can-bo-moi")
    newcomer.memberships.create(agency=world.offering.agency, role="counter")
    clients[NOT_ENROLLED] = Client()
    clients[NOT_ENROLLED].force_login(newcomer)
    walk = cases(world, clients)
    assert set(walk) == named_patterns(), "a pattern without a case (add it here) or a case without a pattern"
    public = {"web:home", "web:procedure-list", "web:procedure-detail"}
    problems: dict[str, list[str]] = {}
    for name, case in sorted(walk.items()):
        url = reverse(name, kwargs=case.kwargs) + (f"?{case.query}" if case.query else "")
        response = clients[case.user].get(url)
        where = f"{name} {url} ({case.user or 'anonymous'})"
        if response.status_code != case.status:
            problems[where] = [f"status {response.status_code}, not {case.status}"]
            continue
        check_common(response, where)
        cache = response.get("Cache-Control", "")
        if case.user is None and name in public:
            assert "no-store" not in cache, where
        else:
            assert "no-store" in cache, (where, cache)
            assert "private" in cache, (where, cache)
        if case.download:
            check_download(response, where)
            continue
        assert "Content-Disposition" not in response, where  # a file must be declared a download here
        check_page_policy(response, where)
        if response["Content-Type"].startswith("text/html"):
            found = page_problems(response.content.decode())
            if found:
                problems[where] = found
    assert problems == {}, "\n".join(f"{where}: {found}" for where, found in problems.items())
    # the public catalogue is private to a signed-in user (it names them)
    assert "no-store" in clients[CITIZEN].get("/procedures/")["Cache-Control"]


def test_every_api_answer_with_personal_data_is_not_stored(world: World, settings: Any) -> None:
    """Every GET route of the OpenAPI document, with an officer's token: ``no-store``, the CSP and the policies;
    the public catalogue answers an anonymous caller cacheable, a file route as a download."""
    settings.MOTCUA_RATE_LIMITS = dict(settings.MOTCUA_RATE_LIMITS, calendar="10000/h")
    token = {"Authorization": f"Bearer {create_api_token(User.objects.get(username=COUNTER), 'walk')}"}
    citizen_token = {"Authorization": f"Bearer {create_api_token(User.objects.get(username=CITIZEN), 'walk')}"}
    values = {
        "{code}": world.officer_dossier.code,
        "{document_id}": str(world.officer_document.pk),
        "{year}": str(timezone.localdate().year),
        "{indicator}": "1.1",
        "{plan_id}": str(world.plan.pk),
    }
    client = Client()
    paths = ninja_api.get_openapi_schema()["paths"]
    walked = 0
    for path, operations in sorted(paths.items()):
        if "get" not in operations:
            continue
        url = path
        for placeholder, value in values.items():
            url = url.replace(placeholder, value)
        if path.startswith("/api/v1/procedures"):
            url = url.replace(world.officer_dossier.code, world.offering.procedure.code)
        headers = citizen_token if path.startswith("/api/v1/me") else token
        for who, sent in (("token", headers), ("anonymous", {})):
            response = client.get(url, headers=sent)
            where = f"GET {url} ({who})"
            assert response.status_code < 500, where
            check_common(response, where)
            assert "Content-Security-Policy" in response, where
            catalogue = path in {"/api/v1/procedures", "/api/v1/procedures/{code}"}
            if who == "anonymous" and catalogue and response.status_code == 200:
                assert "public" in response["Cache-Control"], where
                assert "no-store" not in response["Cache-Control"], where
            else:
                assert "no-store" in response["Cache-Control"], (where, response.get("Cache-Control"))
            if "Content-Disposition" in response:
                check_download(response, where)
            walked += 1
    assert walked >= 30
    download = client.get(
        f"/api/v1/dossiers/{world.officer_dossier.code}/documents/{world.officer_document.pk}", headers=token
    )
    assert download.status_code == 200
    check_download(download, "the API's dossier file")
