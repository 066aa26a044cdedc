"""One worked simplification plan for the demo (``motcua load_demo``), created once: running again changes
nothing. Every figure here is illustrative (marked so in the data), not a published one.

The plan (decision 999/QĐ-UBND, demo): *Đăng ký thành lập công ty TNHH một thành viên* (2.001583) loses the
copy of the owner's identity papers (the personal identification number is looked up instead), its time is
cut from 3 to 2 working days, it becomes fully online, and the charge of 50,000 đ is lowered to 0. Its cost
is assessed before and after; the plan is approved and implemented on its effective date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.reform import services
from motcua.reform.models import IncomeSetting, SimplificationPlan
from motcua.rules.compliance_cost import Activity

DECISION = "999/QĐ-UBND (mẫu)"
PROCEDURE = "2.001583"
#: Fields whose procedures the demo marks business-related (the province marks its own in the admin).
BUSINESS_FIELDS = (
    "thanh-lap-va-hoat-dong-cua-doanh-nghiep",
    "thanh-lap-va-hoat-dong-doanh-nghiep-ho-kinh-doanh",
    "thanh-lap-va-hoat-dong-cua-ho-kinh-doanh",
    "dau-tu-tai-viet-nam",
)
YEAR = 2026
EFFECTIVE = date(2026, 12, 1)

BEFORE = [
    Activity("Tìm hiểu thủ tục", Decimal(2), 1),
    Activity("Chuẩn bị hồ sơ giấy", Decimal(8), 1),
    Activity("Sao y giấy tờ pháp lý", Decimal(1), 1),
    Activity("Đi lại, nộp hồ sơ tại Trung tâm PVHCC", Decimal(2), 1),
    Activity("Chờ tiếp nhận", Decimal(1), 1),
    Activity("Đi lại, nhận kết quả", Decimal(2), 1),
]
AFTER = [
    Activity("Tìm hiểu thủ tục", Decimal(1), 1),
    Activity("Chuẩn bị hồ sơ điện tử", Decimal(5), 1),
    Activity("Nộp hồ sơ trực tuyến", Decimal("0.5"), 1),
    Activity("Nhận kết quả điện tử", Decimal("0.5"), 1),
]
CHANGES = [
    {
        "kind": "remove_document",
        "document": "Bản sao giấy tờ pháp lý của chủ sở hữu, người đại diện theo pháp luật / theo ủy quyền",
    },
    {"kind": "cut_time", "amount": "2"},
    {"kind": "raise_online", "level": "full"},
    {"kind": "lower_fee", "fee": "Lệ phí đăng ký doanh nghiệp (nộp trực tiếp)", "amount_vnd": "0"},
]


def _inputs(activities: list[Activity], fees: int, other: int, subjects: int) -> services.CostInputs:
    return services.CostInputs(
        activities=activities,
        fees_vnd=Decimal(fees),
        other_costs_vnd=Decimal(other),
        executions_per_year=1,
        subjects=subjects,
        year=YEAR,
    )


@transaction.atomic
def create_demo_plan(officer: User) -> SimplificationPlan:
    """The demo's plan, implemented; the same plan (untouched) when it exists already."""
    Procedure.objects.filter(field__code__in=BUSINESS_FIELDS).update(business_related=True)
    IncomeSetting.objects.get_or_create(
        year=YEAR,
        defaults={
            "monthly_income_vnd": Decimal(5_280_000),
            "working_days_per_month": Decimal(22),
            "source": "Số liệu minh họa cho bản demo (không phải số liệu thống kê công bố).",
        },
    )
    existing = SimplificationPlan.objects.filter(decision_number=DECISION).first()
    if existing is not None:
        services.end_replaced_versions(existing)  # the demo catalogue, loaded again, knows nothing of the plan
        return existing
    before = Procedure.objects.get(code=PROCEDURE)
    services.assess_cost(officer, before, _inputs(BEFORE, 150_000, 60_000, 800))
    other = Procedure.objects.filter(code="2.001610").first()  # assessed, not in the plan: province-wide figure
    if other is not None:
        services.assess_cost(officer, other, _inputs(BEFORE, 100_000, 60_000, 300))
    plan = services.create_plan(
        officer,
        decision_number=DECISION,
        decision_date=date(2026, 11, 20),
        title="Phương án đơn giản hóa thủ tục đăng ký doanh nghiệp thuộc thẩm quyền của tỉnh (dữ liệu mẫu)",
    )
    item = services.add_item(
        officer,
        plan,
        before,
        CHANGES,
        description="Bỏ bản sao giấy tờ pháp lý (khai thác số định danh cá nhân), rút thời hạn từ 03 xuống 02 ngày "
        "làm việc, cung cấp toàn trình, miễn lệ phí nộp trực tiếp.",
    )
    services.assess_cost(officer, item.after, _inputs(AFTER, 100_000, 0, 800))
    services.approve_plan(officer, plan)
    return services.implement_plan(officer, plan, EFFECTIVE)
