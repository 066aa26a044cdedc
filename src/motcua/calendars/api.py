"""Deadline API: ask the engine for a due moment, list a year's calendar."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from motcua.calendars.explanations import describe
from motcua.calendars.selectors import get_work_calendar
from motcua.ratelimits import hit
from motcua.rules.workdays import MAX_YEAR, MIN_YEAR, CalendarRangeError, DayInfo
from motcua.validation import ErrorOut

router = Router(tags=["calendar"])


class DueIn(Schema):
    start: datetime = Field(
        ..., description="Thời điểm tiếp nhận (ISO 8601); không có múi giờ thì hiểu là giờ Việt Nam."
    )
    amount: Decimal = Field(..., ge=0, le=3650, description="Thời hạn (số ngày hoặc số giờ).")
    unit: Literal["working_days", "working_hours", "calendar_days", "same_day"]


class ExplanationOut(Schema):
    rule: str
    message: str


class DueOut(Schema):
    start: datetime = Field(..., description="Thời điểm bắt đầu tính thời hạn.")
    due: datetime = Field(..., description="Thời điểm hết hạn (giờ Việt Nam).")
    explanation: list[ExplanationOut]


class DayOut(Schema):
    date: date
    name: str
    source: Literal["national", "province"]


class YearOut(Schema):
    year: int
    weekend: list[str]
    days_off: list[DayOut]
    extra_working_days: list[DayOut]


_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _day(info: DayInfo) -> DayOut:
    source = "province" if info.reason in {"extra_day_off", "extra_working_day"} else "national"
    return DayOut(date=info.day, name=info.name, source=source)


@router.post(
    "/calendar/due",
    response={200: DueOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Tính thời điểm hết hạn",
)
def compute_due(request: HttpRequest, payload: DueIn) -> DueOut:
    hit(request, "calendar")  # public: MOTCUA_RATE_LIMITS["calendar"] per client address
    """Due moment of a processing time, with the rules that moved it (RULES.md §3)."""
    calendar = get_work_calendar()
    try:
        due = calendar.due(payload.start, payload.amount, payload.unit)
        adjustments = calendar.explain(payload.start, payload.amount, payload.unit)
    except (CalendarRangeError, OverflowError) as exc:
        raise NinjaValidationError(
            [{"loc": ["body", "payload", "start"], "msg": "out of the calendar's range", "type": "out_of_range"}]
        ) from exc
    return DueOut(
        start=calendar.start_of_work(payload.start),
        due=due,
        explanation=[ExplanationOut(rule=a.kind.value, message=describe(a, calendar)) for a in adjustments],
    )


@router.get(
    "/calendar/{year}",
    response={200: YearOut, 422: ErrorOut, 429: ErrorOut},
    summary="Ngày nghỉ và ngày làm việc bù trong năm",
)
def year_calendar(request: HttpRequest, year: int = Path(..., ge=MIN_YEAR, le=MAX_YEAR)) -> YearOut:
    hit(request, "calendar")
    calendar = get_work_calendar()
    days_off, working = calendar.year_listing(year)
    return YearOut(
        year=year,
        weekend=[_WEEKDAYS[d] for d in sorted(calendar.weekend)],
        days_off=[_day(i) for i in days_off],
        extra_working_days=[_day(i) for i in working],
    )
