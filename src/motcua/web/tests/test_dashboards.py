"""The workbench's dashboards (issue 13) on the hand-worked scenarios of ``metrics.tests``: the pages show the
numbers, each chart is an SVG with a text alternative beside its table, every table exports to Excel, the
monthly report is a PDF, and who may see what (a leader their agency only)."""

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.fixtures import officer
from motcua.metrics.tests.test_dashboards import handoffs  # noqa: F401  (a fixture)
from motcua.metrics.tests.test_service_index import PROVINCE_OFFICE, scenario  # noqa: F401  (a fixture)
from motcua.testing import sign_in

OCTOBER = {"start": "2025-10-01", "end": "2025-10-31"}


def client_of(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def monitor(demo_catalog: Any) -> User:
    return officer("giamsat", Agency.objects.get(name=PROVINCE_OFFICE), "monitor")


def test_the_targets_page(handoffs: dict[str, Dossier], commune: Agency, monitor: User) -> None:  # noqa: F811
    client = client_of(monitor)
    page = client.get("/workbench/targets/", OCTOBER)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hồ sơ luân chuyển điện tử giữa các cơ quan" in html
    assert "33,3 % (1/3)" in html
    assert "50,0 % (1/2)" in html
    assert "<script" not in html  # a strict CSP will find nothing inline
    assert "style=" not in html
    assert 'alt="Hồ sơ luân chuyển điện tử giữa các cơ quan: 33,3 %' in html
    chart = client.get("/workbench/targets/routed_electronically/month.svg", OCTOBER)
    assert chart.status_code == 200
    assert chart["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in chart.content
    assert b"<script" not in chart.content
    assert client.get("/workbench/targets/routed_electronically/agency.svg", OCTOBER).status_code == 200
    assert client.get("/workbench/targets/nothing/agency.svg", OCTOBER).status_code == 404
    book = load_workbook(io.BytesIO(client.get("/workbench/targets.xlsx", OCTOBER).content))
    rows = list(book["Mục tiêu"].iter_rows(values_only=True))
    routed = next(r for r in rows if r[0] == "Hồ sơ luân chuyển điện tử giữa các cơ quan")
    assert routed[1:5] == (1, 3, 0.3333, 1)
    assert len(book.sheetnames) == 1 + 2 * 5


def test_the_operations_page(scenario: dict[str, Dossier], commune: Agency, monitor: User) -> None:  # noqa: F811
    client = client_of(monitor)
    page = client.get("/workbench/operations/", {"agency": commune.identifier, **OCTOBER})
    assert page.status_code == 200
    html = page.content.decode()
    assert "57,1 %" in html  # 4 of 7 on time
    assert "11,1 %" in html  # 1 of 9 online
    assert "<script" not in html
    assert client.get("/workbench/operations/", {"by": "agency", **OCTOBER}).status_code == 200
    chart = client.get("/workbench/operations/backlog.svg", OCTOBER)
    assert chart.status_code == 200
    assert b"<svg" in chart.content

    # the present-day numbers list exactly their dossiers (today, D and I are past due; F waits for a supplement)
    def listed(kind: str) -> set[str]:
        answer = client.get(f"/workbench/operations/{kind}/", {"agency": commune.identifier, **OCTOBER})
        assert answer.status_code == 200
        return {c for c in Dossier.objects.values_list("code", flat=True) if c in answer.content.decode()}

    assert listed("late") == {scenario["D"].code, scenario["I"].code}
    assert listed("backlog") == {scenario[name].code for name in "DFI"}
    assert listed("soon_late") == set()
    assert client.get("/workbench/operations/nothing/", OCTOBER).status_code == 404
    book = load_workbook(io.BytesIO(client.get("/workbench/operations.xlsx", OCTOBER).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[2][0] == "Cơ quan"
    assert rows[3][0] == "Tổng"


def test_the_monthly_report_and_the_early_warning(
    scenario: dict[str, Dossier],  # noqa: F811
    commune: Agency,
    monitor: User,
) -> None:
    client = client_of(monitor)
    answer = client.get("/workbench/reports/2025-10.pdf", {"agency": commune.identifier})
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    assert "Báo cáo tháng" in text
    assert client.get("/workbench/reports/2025-13.pdf").status_code == 404
    assert client.get("/workbench/early-warning/").status_code == 200
    assert client.get("/workbench/early-warning.xlsx").status_code == 200


def test_a_hand_off_can_be_recorded_as_made_on_paper(handoffs: dict[str, Dossier], staff: dict[str, User]) -> None:  # noqa: F811
    """R waits at the ward's specialist: the forward's form offers the paper box, and the counter counts it."""
    page = client_of(staff["specialist"]).get(f"/workbench/dossiers/{handoffs['R'].code}/")
    assert page.status_code == 200
    assert "Chuyển bằng hồ sơ giấy (ngoài hệ thống)" in page.content.decode()


def test_a_leader_sees_their_agency_only(
    scenario: dict[str, Dossier],  # noqa: F811
    commune: Agency,
    other_commune: Agency,
) -> None:
    leader = client_of(User.objects.get(username="leader"))
    assert leader.get("/workbench/targets/", OCTOBER).status_code == 200  # defaults to their agency
    assert leader.get("/workbench/targets/", {"agency": commune.identifier, **OCTOBER}).status_code == 200
    for page in ("/workbench/targets/", "/workbench/operations/", "/workbench/operations.xlsx"):
        assert leader.get(page, {"agency": other_commune.identifier, **OCTOBER}).status_code == 403
    assert leader.get("/workbench/reports/2025-10.pdf", {"agency": other_commune.identifier}).status_code == 403
    counter = client_of(User.objects.get(username="counter"))
    assert counter.get("/workbench/operations/", OCTOBER).status_code == 404
