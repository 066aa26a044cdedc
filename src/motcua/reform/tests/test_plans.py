"""A simplification plan on a real procedure of the demo catalogue: drafted, compared, approved, implemented;
and the province-wide rate on a small scenario."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User
from motcua.catalog.availability import intake_problems
from motcua.catalog.models import Offering, Procedure, ProcedureStatus
from motcua.reform import services
from motcua.reform.demo import AFTER, BEFORE, CHANGES, create_demo_plan
from motcua.reform.errors import ReformError
from motcua.reform.figures import province_figures
from motcua.reform.models import PlanState, SimplificationPlan
from motcua.reform.versions import regulations_of

pytestmark = pytest.mark.django_db


def _plan(user: User) -> SimplificationPlan:
    return services.create_plan(user, decision_number="1/QĐ-UBND", decision_date=date(2026, 11, 1), title="Thử")


def test_before_and_after_on_the_limited_company_registration(reformer: User) -> None:
    before = Procedure.objects.get(code="2.001583")
    item = services.add_item(reformer, _plan(reformer), before, CHANGES)
    after = item.after
    assert after is not None
    assert after.status == ProcedureStatus.DRAFT
    assert after.online_level == "full"
    assert after.documents.count() == 3
    assert before.documents.count() == 4  # the version in force is untouched
    offering = Offering.objects.get(procedure=after)
    assert not offering.active
    assert sorted(c.processing_amount for c in offering.channels.all()) == [2, 2, 2]
    # the longest step (15 h of appraisal) took the 8 hours off: the steps still add up to 2 working days
    assert sorted(s.allotted_amount for s in offering.templates.get().steps.all()) == [3, 3, 3, 7]
    assert {f.name: f.amount_vnd for f in offering.fees.all()}["Lệ phí đăng ký doanh nghiệp (nộp trực tiếp)"] == 0
    # hand count: 4 documents + 4 steps + 3 times + 2 fees + 1 result + online = 15; after: 3 documents;
    # simplified: 1 document removed, 3 times cut, the charge lowered, the online level raised = 6
    assert len(regulations_of(before)) == 15
    assert len(regulations_of(after)) == 14


def test_a_plan_runs_proposed_approved_implemented(reformer: User) -> None:
    before = Procedure.objects.get(code="2.001583")
    plan = _plan(reformer)
    item = services.add_item(reformer, plan, before, CHANGES, new_code="H55-DN1")
    with pytest.raises(ReformError):
        services.implement_plan(reformer, plan, date(2026, 12, 1))  # not approved yet
    services.approve_plan(reformer, plan)
    with pytest.raises(ReformError):
        services.add_item(reformer, plan, Procedure.objects.get(code="2.001610"), CHANGES[1:2])
    services.implement_plan(reformer, plan, date(2026, 12, 1))
    plan.refresh_from_db()
    before.refresh_from_db()
    after = Procedure.objects.get(code="H55-DN1")
    assert plan.state == PlanState.IMPLEMENTED
    assert (after.status, after.valid_from) == (ProcedureStatus.PUBLISHED, date(2026, 12, 1))
    assert before.valid_to == date(2026, 11, 30)
    # the catalogue's own availability now offers the new version and refuses the old one
    assert intake_problems(Offering.objects.get(procedure=after), date(2026, 12, 2)) == []
    assert "expired" in {p.code for p in intake_problems(Offering.objects.get(procedure=before), date(2026, 12, 2))}
    assert item.pk


def test_only_the_reform_officer_runs_plans(finance_leader: User) -> None:
    with pytest.raises(ReformError) as refused:
        _plan(finance_leader)
    assert refused.value.status_code == 403


def test_a_bad_change_writes_nothing(reformer: User) -> None:
    plan = _plan(reformer)
    before = Procedure.objects.get(code="2.001583")
    with pytest.raises(ReformError):
        services.add_item(reformer, plan, before, [{"kind": "cut_time", "amount": "5"}])  # longer, not shorter
    assert not plan.items.exists()
    assert not Procedure.objects.filter(code__startswith="H55-PA").exists()


def test_the_worked_demo_plan(reformer: User) -> None:
    plan = create_demo_plan(reformer)
    figures = province_figures(plan_id=plan.pk)
    # regulations: 6 of 15 simplified = 40 %
    assert (figures.simplified, figures.regulations, figures.regulation_rate) == (6, 15, Decimal("40.00"))
    # before: 16 h × 30,000 = 480,000 + 150,000 fees + 60,000 other = 690,000 per dossier, × 800 = 552,000,000;
    # after: 7 h × 30,000 = 210,000 + 100,000 = 310,000, × 800 = 248,000,000; cut (690 − 310)/690 = 55.07 %
    row = figures.rows[0]
    assert (row.per_execution_before_vnd, row.per_execution_after_vnd) == (690_000, 310_000)
    assert (figures.cost_before_vnd, figures.cost_after_vnd, figures.cost_rate) == (
        552_000_000,
        248_000_000,
        Decimal("55.07"),
    )
    assert sum(a.hours for a in BEFORE) == 16
    assert sum(a.hours for a in AFTER) == 7
    assert create_demo_plan(reformer).pk == plan.pk  # once


def test_province_wide_rate_on_a_small_scenario(reformer: User) -> None:
    """Two business procedures in scope (one simplified by an implemented plan), one outside the scope."""
    Procedure.objects.update(business_related=False)
    Procedure.objects.filter(code__in=["2.001583", "2.001610"]).update(business_related=True)
    plan = create_demo_plan(reformer)  # marks the business fields itself: narrow the scope again
    Procedure.objects.exclude(code__in=["2.001583", "2.001610", plan.items.get().after.code]).update(
        business_related=False
    )
    figures = province_figures()
    # regulations: 2.001583 has 15 (6 simplified), 2.001610 has 3 documents + 4 steps + 3 times + 1 fee
    # + 2 results + online = 14 (none): 6 / 29 = 20.69 %
    assert [r.procedure.code for r in figures.rows] == ["2.001583", "2.001610"]
    assert (figures.simplified, figures.regulations, figures.regulation_rate) == (6, 29, Decimal("20.69"))
    # cost: 552,000,000 + 192,000,000 (640,000 × 300) = 744,000,000 before; 248,000,000 + 192,000,000
    # = 440,000,000 after: 304 / 744 = 40.86 %
    assert (figures.cost_before_vnd, figures.cost_after_vnd, figures.cost_rate) == (
        744_000_000,
        440_000_000,
        Decimal("40.86"),
    )
    # per agency: both at the Department of Finance; per field: enterprises
    finance = Offering.objects.get(procedure__code="2.001610").agency
    assert province_figures(agency_id=finance.pk).regulations == 29
    assert province_figures(field_code="ho-tich").rows == []


def test_the_figures_cost_a_fixed_number_of_queries(reformer: User) -> None:
    create_demo_plan(reformer)
    with CaptureQueriesContext(connection) as few:
        small = province_figures()
    Procedure.objects.filter(status=ProcedureStatus.PUBLISHED).update(business_related=True)
    with CaptureQueriesContext(connection) as many:
        large = province_figures()
    assert len(large.rows) > 3 * len(small.rows)
    assert len(many.captured_queries) == len(few.captured_queries)
