"""The reform pages: the figures and the demo plan side by side, a cost entered through the form and through
Excel, the plan's PDF, the PAR page; and who sees them."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.catalog.models import Agency, Procedure
from motcua.dossiers.tests.fixtures import officer
from motcua.reform import spreadsheets
from motcua.reform.demo import create_demo_plan
from motcua.reform.models import CostAssessment, ParScore, PlanState, SimplificationPlan
from motcua.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def reformer(demo_catalog: Any) -> User:
    return officer("cchc", Agency.objects.get(name="Văn phòng UBND tỉnh Thái Nguyên"), "reform")


@pytest.fixture
def browser(client: Client, reformer: User) -> Client:
    sign_in(client, reformer)
    return client


def test_only_reform_officers_see_the_reform_pages(client: Client, demo_catalog: Any) -> None:
    sign_in(client, officer("mc", Agency.objects.get(name="Sở Tài chính tỉnh Thái Nguyên"), "counter"))
    assert client.get("/workbench/reform/").status_code == 404
    assert client.get("/workbench/reform/procedures/2.001583/cost/").status_code == 404


def test_the_demo_plan_before_and_after(browser: Client, reformer: User) -> None:
    plan = create_demo_plan(reformer)
    home = browser.get("/workbench/reform/").content.decode()
    assert "999/QĐ-UBND (mẫu)" in home
    assert "744.000.000 → 440.000.000" in home  # province-wide: 2.001583 cut, 2.001610 unchanged
    page = browser.get(f"/workbench/reform/plans/{plan.pk}/").content.decode()
    assert "Bãi bỏ: Thành phần hồ sơ" in page
    assert "690.000" in page
    assert "310.000" in page
    pdf = browser.get(f"/workbench/reform/plans/{plan.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "999/QĐ-UBND" in text
    assert "55,07 %" in text  # the Vietnamese decimal comma
    book = load_workbook(io.BytesIO(browser.get(f"/workbench/reform/plans/{plan.pk}/report.xlsx").content))
    sheet = book.active
    assert sheet["A1"].value == spreadsheets.SUMMARY_TITLE
    assert (sheet["B5"].value, sheet["F5"].value, sheet["G5"].value) == ("2.001583", 15, 6)
    assert (sheet["I5"].value, sheet["J5"].value) == (552_000_000, 248_000_000)


def test_a_plan_through_the_pages(browser: Client) -> None:
    browser.post("/workbench/reform/plans/", {"decision_number": "7/QĐ", "decision_date": "2026-11-02", "title": "Thử"})
    plan = SimplificationPlan.objects.get(decision_number="7/QĐ")
    browser.post(f"/workbench/reform/plans/{plan.pk}/items/", {"procedure": "2.001610", "new_time": "2"})
    item = plan.items.get()
    assert item.changes == [{"kind": "cut_time", "amount": "2"}]
    browser.post(f"/workbench/reform/plans/{plan.pk}/approve/")
    answer = browser.post(f"/workbench/reform/plans/{plan.pk}/implement/", {"day": "2026-12-01"}, follow=True)
    assert "Đã cập nhật trạng thái" in answer.content.decode()
    plan.refresh_from_db()
    assert plan.state == PlanState.IMPLEMENTED
    assert Procedure.objects.get(code="2.001610").valid_to == date(2026, 11, 30)


def test_a_refused_change_is_a_message(browser: Client) -> None:
    browser.post("/workbench/reform/plans/", {"decision_number": "8/QĐ", "decision_date": "2026-11-02", "title": "Thử"})
    plan = SimplificationPlan.objects.get(decision_number="8/QĐ")
    answer = browser.post(
        f"/workbench/reform/plans/{plan.pk}/items/",
        {"procedure": "2.001610", "fee_name": "không có", "fee_amount": "1"},
        follow=True,
    )
    assert "không có khoản phí" in answer.content.decode()
    assert not plan.items.exists()


def test_cost_through_the_form_and_back_through_excel(browser: Client) -> None:
    url = "/workbench/reform/procedures/2.001583/cost/"
    assert 'value="150000"' in browser.get(url).content.decode()  # the catalogue's fees, pre-filled
    browser.post(
        url,
        {
            "year": 2026,
            "hourly_income_vnd": "30000",
            "activities": "Chuẩn bị hồ sơ | 4 | 1\nĐi lại | 1 | 2",
            "fees_vnd": 150000,
            "other_costs_vnd": 10000,
            "executions_per_year": 1,
            "subjects": 10,
        },
    )
    first = CostAssessment.objects.get()
    assert (first.cost_per_execution_vnd, first.annual_cost_vnd) == (340_000, 3_400_000)  # 6 h × 30,000 + 160,000
    sheet = browser.get("/workbench/reform/procedures/2.001583/cost.xlsx").content
    book = load_workbook(io.BytesIO(sheet))
    book.active["E15"] = 20  # subjects 10 → 20 (activities rows 8-9, a blank row, fees 11 … subjects 15)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "chi-phi.xlsx"
    browser.post("/workbench/reform/procedures/2.001583/cost-upload/", {"file": out})
    latest = CostAssessment.objects.order_by("-id").first()
    assert latest.pk != first.pk
    assert (latest.cost_per_execution_vnd, latest.annual_cost_vnd, latest.subjects) == (340_000, 6_800_000, 20)
    assert [a["name"] for a in latest.activities] == ["Chuẩn bị hồ sơ", "Đi lại"]


def test_a_file_that_is_not_the_sheet_is_refused(browser: Client) -> None:
    garbage = io.BytesIO(b"not a workbook")
    garbage.name = "x.xlsx"
    answer = browser.post("/workbench/reform/procedures/2.001583/cost-upload/", {"file": garbage}, follow=True)
    assert "không phải bảng tính" in answer.content.decode()
    assert not CostAssessment.objects.exists()


def test_par_page_self_score_and_appraise(client: Client, reformer: User) -> None:
    call_command("load_par_tree", "2026", "--user", reformer.username, stdout=io.StringIO())
    finance = Agency.objects.get(name="Sở Tài chính tỉnh Thái Nguyên")
    leader = officer("ld", finance, "leader")
    sign_in(client, leader)
    page = client.get("/workbench/reform/par/2026/")
    assert "Công tác chỉ đạo, điều hành" in page.content.decode()
    criterion = ParScore._meta.get_field("criterion").related_model.objects.get(year=2026, code="1.1")
    evidence = io.BytesIO(b"%PDF-1.4 evidence")
    evidence.name = "ke-hoach.pdf"
    client.post(
        f"/workbench/reform/par/2026/?agency={finance.pk}",
        {"criterion": criterion.pk, "agency": finance.pk, "score": "4", "comment": "Đúng hạn", "evidence": evidence},
    )
    score = ParScore.objects.get()
    assert (score.self_score, score.evidence.count()) == (Decimal(4), 1)
    sign_in(client, reformer)
    client.post(
        f"/workbench/reform/par/2026/?agency={finance.pk}",
        {"as": "appraise", "criterion": criterion.pk, "agency": finance.pk, "score": "3", "comment": "Chậm"},
    )
    score.refresh_from_db()
    assert score.appraised_score == 3
    ranking = client.get("/workbench/reform/par/2026/").content.decode()
    assert "Sở Tài chính tỉnh Thái Nguyên: 3,75 %" in ranking  # 3 / 80
    report = client.get(f"/workbench/reform/par/2026/?agency={finance.pk}&format=xlsx")
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == spreadsheets.PAR_TITLE
    first = next(r for r in rows if r[0] == "1.1")
    assert (first[2], first[3], first[4], first[6]) == (4, 4, 3, "ke-hoach.pdf")
    assert next(r for r in rows if r[1] == "Tổng điểm")[2:5] == (80, 4, 3)


def test_a_sheet_past_the_columns_bounds_is_a_message(browser: Client) -> None:
    form = {
        "year": 2026,
        "hourly_income_vnd": "30000",
        "activities": "Chuẩn bị | 1 | 1",
        "fees_vnd": 0,
        "other_costs_vnd": 0,
    }
    browser.post("/workbench/reform/procedures/2.001583/cost/", {**form, "executions_per_year": 1, "subjects": 1})
    book = load_workbook(io.BytesIO(browser.get("/workbench/reform/procedures/2.001583/cost.xlsx").content))
    book.active["E14"] = 10**12  # subjects (activity row 8, a blank row, fees 10 … subjects 14)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "x.xlsx"
    answer = browser.post("/workbench/reform/procedures/2.001583/cost-upload/", {"file": out}, follow=True)
    assert "Số lần, số đối tượng không hợp lệ" in answer.content.decode()
    assert CostAssessment.objects.count() == 1
