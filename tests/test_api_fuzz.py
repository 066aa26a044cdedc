"""schemathesis over the live OpenAPI document (issue 8): every operation, the demo data, officers' tokens.

The document is the one the server publishes (``GET /api/v1/openapi.json``, loaded through the WSGI
application), and the requests go to the same application in-process, on the test database: no server,
no port, and the database of the test (SQLite or PostgreSQL) is the one the requests change.

For every operation schemathesis sends its coverage cases (boundaries, missing and wrong-typed fields,
unexpected methods) and ``FUZZ_EXAMPLES`` generated examples, valid and invalid, and checks each answer:
no server error; status code, content type, headers and body as the document says; no stack trace;
every error answer in JSON with a Vietnamese ``detail`` (:func:`errors_speak_vietnamese`).

What it runs on: the demo catalogue, the demo users and ``DEMO_DOSSIERS`` demo dossiers, loaded once for
the module inside a transaction that is rolled back at its end. Each request runs in a savepoint that is
rolled back after its checks, so no example changes what the next one finds (a dossier accepted by one
example is still waiting for the next), and the run is the same in any order. Path parameters are aimed:
about two cases in three that have a valid ``{code}`` get the code of an existing dossier (or procedure,
or a dossier's document), so that the action routes are exercised on real dossiers, beyond their 404.
The requests speak as the three officers of the demo ward (counter, specialist, leader), one chosen per
case, so that every action has someone who may perform it; the metrics routes also as the province's
monitoring officer (``motcua-giamsat``), who reads every agency's index, with the ward's identifier as the
``agency`` of about two valid cases in three and an existing indicator in their path.

Reproducible: hypothesis is derandomised (the same cases on every run) and keeps no example database.
To explore beyond CI's budget: ``FUZZ_EXAMPLES=500 FUZZ_SEED=<n> pytest tests/test_api_fuzz.py``
(a seed makes the run random from that seed).
"""

from __future__ import annotations

import io
import os
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections, transaction
from django.test.utils import override_settings
from schemathesis.core import NotSet
from schemathesis.core.parameters import ParameterLocation

from motcua.accounts.models import User
from motcua.accounts.services import create_api_token
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.selectors import visible_dossiers
from motcua.wsgi import application

pytestmark = pytest.mark.django_db

#: Generated examples per operation (valid and invalid together), on top of the coverage cases.
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
FUZZ_SEED = os.environ.get("FUZZ_SEED")
DEMO_DOSSIERS = 40
#: The demo ward's officers (``load_demo``), whose dossiers the demo creates.
OFFICERS = ("motcua-mc-xa", "motcua-cv-xa", "motcua-ld-xa")
#: The province's monitoring officer: the metrics routes are also asked as them.
MONITOR = "motcua-giamsat"
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"  # load_demo sets passwords; tests need no strong hash

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": int(FUZZ_SEED or 8),
        "generation": {
            "mode": "all",
            "max-examples": FUZZ_EXAMPLES,
            "deterministic": FUZZ_SEED is None,
            "database": "none",
        },
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            # A request the schema admits may still name a procedure the agency does not offer, a document
            # of another procedure…: the API answers 422 with the reason, which this check counts as a failure.
            "positive_data_acceptance": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


# --------------------------------------------------------------------------------------------------
# checks of our own


_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+|site-packages/")
_VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)


@schemathesis.check
def no_stack_trace(ctx: Any, response: Any, case: Any) -> bool | None:
    """No answer shows the server's code: a traceback, a source file, an installed package's path."""
    found = _TRACEBACK.search(response.text or "")
    if found:
        raise AssertionError(f"the answer shows a stack trace: {found.group(0)!r}")
    return None


@schemathesis.check
def errors_speak_vietnamese(ctx: Any, response: Any, case: Any) -> bool | None:
    """An error answer is JSON with a ``detail`` in Vietnamese (never one of django-ninja's English ones)."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError) as exc:
        raise AssertionError(f"{response.status_code} is not a JSON object: {response.text[:200]!r}") from exc
    if not isinstance(detail, str) or not _VIETNAMESE.search(detail):
        raise AssertionError(f"{response.status_code} has no Vietnamese detail: {detail!r}")
    return None


# --------------------------------------------------------------------------------------------------
# the demo data


@dataclass
class World:
    """What the cases are aimed at: filled by the ``world`` fixture, read by the test."""

    media: Path = Path()
    tokens: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # dossiers the officers see…
    hidden_codes: list[str] = field(default_factory=list)  # …and those they do not (a 404 each)
    documents: list[tuple[str, int]] = field(default_factory=list)
    procedures: list[str] = field(default_factory=list)
    monitor_token: str = ""
    agencies: list[str] = field(default_factory=list)  # the ward's, for the metrics routes' ``agency``


WORLD = World()
#: Answers by (operation, status): the figures of the run, and what the last test checks.
ANSWERS: Counter[tuple[str, int]] = Counter()
PHASES: Counter[str] = Counter()


@schema.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    ANSWERS[(case.operation.label, response.status_code)] += 1
    if case.meta is not None:
        PHASES[f"{case.meta.phase.name.value} {case.meta.generation.mode.value}"] += 1


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any, request: Any) -> Iterator[World]:
    """The demo data, once for the module, in a transaction rolled back at its end.

    Django closes the database connection at the end of each request unless a test client says otherwise
    (``close_old_connections``); in-process WSGI requests would close the one that holds this transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    WORLD.media = tmp_path_factory.mktemp("fuzz-media")
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(
                MEDIA_ROOT=WORLD.media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
            ),
            transaction.atomic(),
        ):
            call_command("load_demo", "--force", f"--dossiers={DEMO_DOSSIERS}", verbosity=0, stdout=io.StringIO())
            officers = [User.objects.get(username=name) for name in OFFICERS]
            WORLD.tokens = [create_api_token(officer, "schemathesis") for officer in officers]
            visible = set(visible_dossiers(officers[0]).values_list("code", flat=True))
            WORLD.codes = sorted(visible)
            WORLD.hidden_codes = sorted(set(Dossier.objects.values_list("code", flat=True)) - visible)
            WORLD.documents = sorted(
                DossierDocument.objects.filter(dossier__code__in=visible).values_list("dossier__code", "pk")
            )
            WORLD.procedures = sorted(Procedure.objects.values_list("code", flat=True))
            WORLD.monitor_token = create_api_token(User.objects.get(username=MONITOR), "schemathesis")
            WORLD.agencies = sorted({m.agency.identifier for m in officers[2].memberships.all()})
            assert len(WORLD.codes) >= 20, "the demo data changed: the ward's officers see few dossiers"
            assert WORLD.hidden_codes, "the demo data changed: the ward's officers see every dossier"
            assert WORLD.documents, "the demo data changed: no dossier has a file"
            yield WORLD
            transaction.set_rollback(True)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        _report(request)


def _report(request: Any) -> None:
    """One line of figures in the terminal (issue 8 asks for them)."""
    statuses: Counter[int] = Counter()
    for (_, status), count in ANSWERS.items():
        statuses[status] += count
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not ANSWERS:
        return
    figures = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
    phases = ", ".join(f"{phase}: {count}" for phase, count in sorted(PHASES.items()))
    operations = len({operation for operation, _ in ANSWERS})
    line = f"schemathesis: {operations} operations, {sum(statuses.values())} requests ({figures}; {phases})"
    with capture.global_and_fixture_disabled():  # a fixture's teardown output is otherwise shown only on failure
        reporter.write_line("\n" + line)


# --------------------------------------------------------------------------------------------------
# the run


def _digest(case: Any, salt: str) -> int:
    """A number of the case's content, the same on every run (``hash`` is salted per process, and a missing
    body's ``repr`` holds an address)."""
    body = None if isinstance(case.body, NotSet) else case.body
    return zlib.crc32(repr((salt, sorted(case.path_parameters.items()), case.query, body)).encode())


def _draw(case: Any, salt: str, choices: list[Any]) -> Any | None:
    """One of ``choices`` for about two cases in three, the same for the same case on every run."""
    digest = _digest(case, salt)
    if not choices or digest % 3 == 0:
        return None
    return choices[(digest // 3) % len(choices)]


def _aim(case: Any) -> None:
    """Existing objects in the path of valid cases (an invalid path parameter stays as generated)."""
    if case.operation.path.startswith("/api/v1/metrics/"):
        _aim_metrics(case)
        return
    if not case.path_parameters or (case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH)):
        return
    path = case.operation.path
    if path.startswith("/api/v1/dossiers/{code}"):
        code = _draw(case, "code", WORLD.codes + WORLD.hidden_codes[:2])
        if code:
            case.path_parameters["code"] = code
        document = _draw(case, "document", WORLD.documents) if "{document_id}" in path else None
        if document:  # else a generated id: a dossier's missing document (404)
            case.path_parameters["code"], case.path_parameters["document_id"] = document
        _aim_documents(case)
    elif path.startswith("/api/v1/procedures/{code}"):
        code = _draw(case, "procedure", WORLD.procedures)
        if code:
            case.path_parameters["code"] = code


def _aim_metrics(case: Any) -> None:
    """The ward's agency in a valid query, an existing indicator in a valid path."""
    negative = case.meta is not None and case.meta.is_negative_at
    if isinstance(case.query, dict) and not (negative and negative(ParameterLocation.QUERY)):
        agency = _draw(case, "agency", WORLD.agencies)
        if agency:
            case.query["agency"] = agency
            case.query.pop("level", None)
    if "indicator" in (case.path_parameters or {}) and not (negative and negative(ParameterLocation.PATH)):
        indicator = _draw(case, "indicator", ["2.1", "3.3", "4.2", "1.4"])
        if indicator:
            case.path_parameters["indicator"] = indicator


def _aim_documents(case: Any) -> None:
    """A valid body's ``documents`` (``record_result``, …) often lists files of its dossier: generated ids
    are never a dossier's, and the action would always be refused for them (422)."""
    body = case.body
    if not isinstance(body, dict) or not isinstance(body.get("documents"), list) or case.meta is None:
        return
    if case.meta.is_negative_at(ParameterLocation.BODY):
        return
    ids = [pk for code, pk in WORLD.documents if code == case.path_parameters["code"]]
    chosen = _draw(case, "documents", ids)
    if chosen:
        body["documents"] = [chosen]


def _token(case: Any) -> str:
    tokens = WORLD.tokens
    if case.operation.path.startswith("/api/v1/metrics/"):
        tokens = [*tokens, WORLD.monitor_token]
    return tokens[_digest(case, "officer") % len(tokens)]


@schema.parametrize()
def test_api(case: Any, world: World) -> None:
    _aim(case)
    with override_settings(MEDIA_ROOT=world.media), transaction.atomic():
        try:
            case.call_and_validate(headers={"Authorization": f"Bearer {_token(case)}"})
        finally:
            transaction.set_rollback(True)  # the next case finds the demo data as it was


#: Answers that prove a case reached an existing dossier (not only its 404 or the input's 422).
REACHED = {200, 201, 403, 409}


def test_every_operation_was_exercised_beyond_404(request: Any) -> None:
    """The fuzzing above reached every operation, and every dossier route on existing dossiers."""
    selected = [item for item in request.session.items if getattr(item, "originalname", "") == "test_api"]
    operations = {operation.ok().label for operation in schema.get_all_operations()}
    if len(selected) < len(operations):
        pytest.skip("only part of the fuzzing was selected")
    assert {operation for operation, _ in ANSWERS} == operations
    not_reached = sorted(
        operation
        for operation in operations
        if "{code}" in operation and not any(ANSWERS[(operation, status)] for status in REACHED)
    )
    assert not not_reached, f"never reached an existing dossier or procedure: {not_reached}"
