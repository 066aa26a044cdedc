"""The reform API: the calculator's two forms of income, its refusals, who may save an assessment."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.reform.demo import create_demo_plan
from motcua.reform.models import CostAssessment
from motcua.testing import sign_in

pytestmark = pytest.mark.django_db
URL = "/api/v1/reform/compliance-cost"
BODY = {
    "activities": [
        {"name": "Chuẩn bị hồ sơ", "hours": 4, "times": 1},
        {"name": "Đi lại", "hours": 1, "times": 2},
        {"name": "Nộp hồ sơ", "hours": "0.5", "times": 1},
    ],
    "fees_vnd": 150000,
    "other_costs_vnd": 50000,
    "executions_per_year": 12,
    "subjects": 100,
}


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def signed_in(client: Client, finance_leader: User) -> Client:
    sign_in(client, finance_leader)
    return client


def test_monthly_income_form_by_hand(signed_in: Client) -> None:
    # 5,000,000 / 22 / 8 đ/h × 6.5 h = 184,659.09 + 200,000 → 384,659; × 1,200 = 461,590,800
    answer = post(signed_in, URL, {**BODY, "monthly_income_vnd": 5_000_000, "working_days_per_month": 22})
    assert answer.status_code == 200
    assert answer.json() == {"cost_per_execution_vnd": 384_659, "annual_cost_vnd": 461_590_800}


def test_hourly_income_form_by_hand(signed_in: Client) -> None:
    # 6.5 h × 30,000 = 195,000 + 200,000 = 395,000; × 1,200 = 474,000,000
    answer = post(signed_in, URL, {**BODY, "hourly_income_vnd": 30_000})
    assert answer.json() == {"cost_per_execution_vnd": 395_000, "annual_cost_vnd": 474_000_000}


@pytest.mark.parametrize(
    "income",
    [
        {},
        {"hourly_income_vnd": 30000, "monthly_income_vnd": 5000000, "working_days_per_month": 22},
        {"monthly_income_vnd": 5000000},
        {"working_days_per_month": 22},
        {"hourly_income_vnd": 30000, "working_days_per_month": 22},
    ],
)
def test_not_exactly_one_income_form_is_a_422_in_vietnamese(signed_in: Client, income: dict[str, Any]) -> None:
    answer = post(signed_in, URL, {**BODY, **income})
    assert answer.status_code == 422
    data = answer.json()
    assert data["detail"].startswith("Dữ liệu không hợp lệ")
    assert {e["field"] for e in data["errors"]} == {"hourly_income_vnd", "monthly_income_vnd", "working_days_per_month"}
    assert "Cần đúng một cách cho thu nhập" in data["errors"][0]["message"]


def test_negative_hours_are_a_422(signed_in: Client) -> None:
    body = {**BODY, "hourly_income_vnd": 1, "activities": [{"name": "x", "hours": -1, "times": 1}]}
    assert post(signed_in, URL, body).status_code == 422


def test_the_calculator_needs_a_caller(client: Client, demo_catalog: Any) -> None:
    answer = post(client, URL, {**BODY, "hourly_income_vnd": 30_000})
    assert answer.status_code == 401
    assert "xác thực" in answer.json()["detail"]


def test_only_the_reform_officer_saves_an_assessment(signed_in: Client, reformer: User) -> None:
    url = "/api/v1/procedures/2.001583/compliance-cost"
    body = {**BODY, "hourly_income_vnd": 30_000, "year": 2026, "income_source": "thử"}
    refused = post(signed_in, url, body)
    assert refused.status_code == 403
    assert "cải cách" in refused.json()["detail"]
    assert not CostAssessment.objects.exists()
    sign_in(signed_in, reformer)
    saved = post(signed_in, url, body)
    assert saved.status_code == 201
    assert saved.json()["cost_per_execution_vnd"] == 395_000
    assert saved.json()["entered_by"] == "cchc"
    row = CostAssessment.objects.get()
    assert (row.procedure, row.entered_by, row.annual_cost_vnd) == (
        Procedure.objects.get(code="2.001583"),
        reformer,
        474_000_000,
    )
    read = signed_in.get(url).json()
    assert read["assessment"]["annual_cost_vnd"] == 474_000_000
    # 4 documents, 4 steps, 3 channels' times, 2 fee lines, 1 result, the online level
    assert read["regulations"] == 15
    assert read["catalogue_fees_vnd"] == 150_000


def test_saving_without_an_income_figure_for_the_year_is_a_422(client: Client, reformer: User) -> None:
    sign_in(client, reformer)
    answer = post(client, "/api/v1/procedures/2.001583/compliance-cost", {**BODY, "year": 2030})
    assert answer.status_code == 422
    assert "thu nhập bình quân năm 2030" in answer.json()["detail"]


def test_figures_and_the_plan_in_the_api(signed_in: Client, reformer: User) -> None:
    plan = create_demo_plan(reformer)
    data = signed_in.get("/api/v1/reform/figures", {"plan": plan.pk}).json()
    assert (data["regulations"], data["regulations_simplified"], data["regulations_simplified_percent"]) == (
        15,
        6,
        40.0,
    )
    assert (data["annual_cost_before_vnd"], data["annual_cost_after_vnd"], data["cost_cut_percent"]) == (
        552_000_000,
        248_000_000,
        55.07,
    )
    assert data["rows"][0]["new_version"].startswith("H55-PA")
    detail = signed_in.get(f"/api/v1/reform/plans/{plan.pk}").json()
    assert detail["state"] == "implemented"
    assert [c["kind"] for c in detail["items"][0]["changes"]] == [
        "remove_document",
        "cut_time",
        "raise_online",
        "lower_fee",
    ]
    missing = signed_in.get("/api/v1/reform/plans/999999")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Không tìm thấy."
