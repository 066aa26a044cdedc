"""The PDF report of a simplification plan, with the PDF library the official forms use (WeasyPrint through
``documents.pdf``, cached by content): the decision, each procedure's regulations and cost before and after
side by side, and the plan's totals."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from motcua.documents.pdf import SERIF_FONTS, render_pdf
from motcua.reform.figures import province_figures
from motcua.reform.models import SimplificationPlan


def plan_html(plan: SimplificationPlan) -> str:
    figures = province_figures(plan_id=plan.pk)
    return render_to_string(
        "reform/plan_report.html",
        {"plan": plan, "figures": figures, "fonts": SERIF_FONTS, "printed": timezone.localdate()},
    )


def plan_pdf(plan: SimplificationPlan) -> bytes:
    return render_pdf(plan_html(plan))
