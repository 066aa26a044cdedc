"""Admin of the reform module: the yearly income figure and the PAR tree are edited here (data the province
keeps); assessments and plans are read here and written through the workbench's reform pages (their
services check the reform role and keep the plan's states)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.reform.models import CostAssessment, IncomeSetting, ParCriterion, ParScore, PlanItem, SimplificationPlan


@admin.register(IncomeSetting)
class IncomeSettingAdmin(admin.ModelAdmin):
    list_display = ("year", "monthly_income_vnd", "working_days_per_month", "source")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CostAssessment)
class CostAssessmentAdmin(ReadOnly):
    list_display = ("procedure", "year", "cost_per_execution_vnd", "annual_cost_vnd", "entered_by", "entered_at")
    list_select_related = ("procedure", "entered_by")
    search_fields = ("procedure__code",)


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    fields = ("before", "after", "changes", "description")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SimplificationPlan)
class SimplificationPlanAdmin(ReadOnly):
    list_display = ("decision_number", "decision_date", "state", "implemented_on")
    list_filter = ("state",)
    inlines = [PlanItemInline]


@admin.register(ParCriterion)
class ParCriterionAdmin(admin.ModelAdmin):
    list_display = ("year", "code", "title", "max_points", "measure")
    list_filter = ("year", "measure")
    search_fields = ("code", "title")
    raw_id_fields = ("parent",)


@admin.register(ParScore)
class ParScoreAdmin(ReadOnly):
    list_display = ("criterion", "agency", "self_score", "appraised_score")
    list_select_related = ("criterion", "agency")
    list_filter = ("criterion__year",)
