"""The applicant's evaluation of a dossier's service (RULES.md §5 [V], the production system's form).

Nine criteria, each given 0, 1 or 2 points (18 in all), and a satisfaction level: very satisfied, satisfied, not
satisfied. One evaluation per dossier, once it has ended (result ready or returned, refused, withdrawn, stopped).
Reading (RULES gives the criteria and the 2 points, not the steps): 2 good, 1 acceptable, 0 poor.

The satisfaction indicator 5.3 of the service index (RULES §7) reads two counters from here: ``rated`` and
``rated_dissatisfied`` (the "not satisfied" level), counted on the day of the evaluation.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from motcua.rules.actions import Status

#: The nine criteria of RULES §5, in its order: (key, Vietnamese label).
CRITERIA: Sequence[tuple[str, str]] = (
    ("total_time", "Tổng thời gian giải quyết so với quy định"),
    ("time_per_agency", "Thời gian giải quyết tại từng cơ quan, kể cả phối hợp"),
    ("contacts", "Số lần phải liên hệ để hoàn thiện hồ sơ"),
    ("agencies_contacted", "Số cơ quan phải liên hệ"),
    ("one_stop", "Tiếp nhận, giải quyết, trả kết quả tại bộ phận một cửa"),
    ("publicity", "Công khai thủ tục hành chính"),
    ("attitude", "Thái độ của cán bộ, công chức"),
    ("feedback", "Tiếp nhận, xử lý phản ánh, kiến nghị"),
    ("online_service", "Tiến độ và chất lượng dịch vụ công trực tuyến"),
)
POINTS = (0, 1, 2)
MAX_TOTAL = 2 * len(CRITERIA)


class Satisfaction(enum.StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"


SATISFACTION_LABELS: Mapping[Satisfaction, str] = {
    Satisfaction.VERY_SATISFIED: "Rất hài lòng",
    Satisfaction.SATISFIED: "Hài lòng",
    Satisfaction.NOT_SATISFIED: "Không hài lòng",
}

#: Statuses in which the dossier's service can be evaluated: it has ended for the applicant.
RATEABLE_STATUSES = frozenset({Status.RESULT_READY, Status.RETURNED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})


class InvalidRating(ValueError):
    """What is wrong with an evaluation (``field``, and a message in Vietnamese)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Rating:
    scores: Mapping[str, int]
    satisfaction: Satisfaction

    @property
    def total(self) -> int:
        return sum(self.scores.values())


def parse_rating(scores: Mapping[str, object], satisfaction: object) -> Rating:
    """A complete, valid evaluation from what the applicant sent: every criterion, each 0–2, and a level."""
    keys = [key for key, _label in CRITERIA]
    unknown = set(scores) - set(keys)
    if unknown:
        raise InvalidRating(f"Tiêu chí không có trong phiếu: {', '.join(sorted(unknown))}.", "scores")
    clean: dict[str, int] = {}
    for key in keys:
        value = scores.get(key)
        if isinstance(value, bool) or not isinstance(value, int | str) or str(value) not in {"0", "1", "2"}:
            raise InvalidRating(f"Hãy chấm 0, 1 hoặc 2 điểm cho mọi tiêu chí (thiếu hoặc sai: {key}).", key)
        clean[key] = int(value)
    try:
        level = Satisfaction(str(satisfaction))
    except ValueError as error:
        raise InvalidRating("Hãy chọn mức độ hài lòng.", "satisfaction") from error
    return Rating(clean, level)


def may_rate(status: str, already_rated: bool) -> bool:
    return not already_rated and status in RATEABLE_STATUSES
