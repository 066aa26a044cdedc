"""The early-warning list on the database (issue 13): a hand-built history and the dossiers it lists.

Procedure 2.001035 at the demo ward (2 working days = 16 working hours; the demo template: desk → specialist →
leader → desk, allotted 2, 10, 2 and 2 working hours; office hours 07:00–11:30, 13:30–17:00; October 2025 has
no public holiday).

History — five dossiers received Mon 06/10 … Fri 10/10 at 08:00, each: forwarded by the desk after 30 working
minutes, **20 working hours** at the specialist, 30 minutes at the leader (approved), then result recorded and
ready 30 minutes later — which ends the dossier without a passage of step 4 on the control sheet, so step 4 has
no history and is expected to take its allotted 2 h.

Asked on Mon 20/10 at 10:00 (a monitoring officer of the ward, the ward's scope):

- X: received 20/10 08:00, at the specialist since 08:30, due Wed 22/10 08:00 → **listed**;
- Y: received 20/10 09:00, still at the desk, due Wed 22/10 09:00 → **listed** (the specialist's 20 h ahead);
- Z: received Fri 17/10 08:00, at the leader since Mon 09:00, due Tue 21/10 08:00 → not listed: 1 h spent, no
  leader passage lasted longer → 0 left, + 2 h for step 4 → Mon 20/10 13:30;
- W: forwarded, then a supplement requested (paused) → not listed: a paused clock cannot slip;
- V: received Mon 13/10, at the specialist, due Wed 15/10 08:00 → not listed: already past due (late).

The specialist's passages in the summary: the five of 20 h and Z's (Fri 08:30 → Mon 09:00 = 8.5 h), all
longer than X's 1.5 h: 18.5 h ×5 and 7 h left → median 18.5 h; then leader 0.5 h, step 4 2 h: 21 h from
Mon 10:00 = Mon 5 h (10:00–11:30, 13:30–17:00) + Tue 8 h + Wed 8 h → Wed 22/10 17:00, after its due Wed 08:00.
The slipping step is the specialist's (20 h against 10 h allotted: 10 h over). Y: 1 h at the desk, longer than
every desk passage (0.25–0.5 h) → 0 left; then 20 + 0.5 + 2 h = 22.5 h → Thu 23/10 08:30, after Wed 09:00.
"""

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.calendars.selectors import get_work_calendar
from motcua.catalog.models import Agency
from motcua.dossiers.early_warning import likely_late
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import open_dossier, perform
from motcua.dossiers.step_durations import durations_from_sheets, rebuild_step_durations, stored_durations
from motcua.dossiers.tests.fixtures import counter_intake, offering_of, officer
from motcua.metrics.models import StepDurationCount
from motcua.metrics.selectors import Scope
from motcua.rules.lifecycle import ActionType
from motcua.rules.workdays import VIETNAM_TZ

H = 3600
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


@pytest.fixture
def history(commune: Agency, staff: dict[str, User]) -> dict[str, Dossier]:
    calendar = get_work_calendar()
    offering = offering_of("2.001035", commune)

    def do(d: Dossier, kind: ActionType, who: str, moment: datetime, **payload: object) -> Dossier:
        files = [SimpleUploadedFile("kq.pdf", PDF, content_type="application/pdf")] if payload.pop("file", 0) else []
        return perform(d, kind, user=staff[who], payload=payload, files=files, at=moment)

    def later(moment: datetime, seconds: int) -> datetime:
        return calendar.add_working_seconds(moment, seconds)

    for day in range(6, 11):
        t = at(2025, 10, day, 8, 0)
        d = open_dossier(counter_intake(offering), user=staff["counter"], at=t)
        d = do(d, ActionType.FORWARD, "counter", t := later(t, 1800))
        d = do(d, ActionType.FORWARD, "specialist", t := later(t, 20 * H))
        d = do(d, ActionType.APPROVE, "leader", t := later(t, 1800))
        d = do(d, ActionType.RECORD_RESULT, "counter", t, file=1)
        do(d, ActionType.MARK_RESULT_READY, "counter", later(t, 1800))
    found: dict[str, Dossier] = {}
    x = open_dossier(counter_intake(offering), user=staff["counter"], at=at(2025, 10, 20, 8, 0))
    found["X"] = do(x, ActionType.FORWARD, "counter", at(2025, 10, 20, 8, 30))
    found["Y"] = open_dossier(counter_intake(offering), user=staff["counter"], at=at(2025, 10, 20, 9, 0))
    z = open_dossier(counter_intake(offering), user=staff["counter"], at=at(2025, 10, 17, 8, 0))
    z = do(z, ActionType.FORWARD, "counter", at(2025, 10, 17, 8, 30))
    found["Z"] = do(z, ActionType.FORWARD, "specialist", at(2025, 10, 20, 9, 0))
    w = open_dossier(counter_intake(offering), user=staff["counter"], at=at(2025, 10, 20, 8, 0))
    w = do(w, ActionType.FORWARD, "counter", at(2025, 10, 20, 8, 15))
    found["W"] = do(w, ActionType.REQUEST_SUPPLEMENT, "specialist", at(2025, 10, 20, 8, 45), missing=["Bản sao CCCD"])
    v = open_dossier(counter_intake(offering), user=staff["counter"], at=at(2025, 10, 13, 8, 0))
    found["V"] = do(v, ActionType.FORWARD, "counter", at(2025, 10, 13, 8, 30))
    for dossier in found.values():
        dossier.refresh_from_db()
    return found


@pytest.mark.django_db
def test_the_history_is_as_built(history: dict[str, Dossier]) -> None:
    steps = history["X"].plan["steps"]
    assert [(s["role"], s["amount"], s["unit"]) for s in steps] == [
        ("counter", "2.00", "working_hours"),
        ("specialist", "10.00", "working_hours"),
        ("leader", "2.00", "working_hours"),
        ("counter", "2.00", "working_hours"),
    ]
    assert history["X"].due_at == at(2025, 10, 22, 8, 0)
    assert history["Z"].due_at == at(2025, 10, 21, 8, 0)
    assert history["W"].paused_since is not None
    # the specialist's passages: five of 20 working hours and Z's 8.5, in October
    specialist = steps[1]["position"]
    rows = StepDurationCount.objects.filter(position=specialist).values_list("month", "seconds", "passages")
    october = at(2025, 10, 1).date()
    assert sorted(rows) == [(october, 8 * H + 1800, 1), (october, 20 * H, 5)]
    # rebuild == incremental: the summary kept by the actions is the control sheets'
    assert stored_durations() == durations_from_sheets()
    StepDurationCount.objects.all().delete()
    rebuild_step_durations()
    assert stored_durations() == durations_from_sheets()


@pytest.mark.django_db
def test_the_likely_late_list(history: dict[str, Dossier], commune: Agency, demo_catalog: object) -> None:
    monitor = officer("giamsat", Agency.objects.get(identifier=commune.identifier), "monitor")
    warnings = likely_late(monitor, Scope(agency=commune), at(2025, 10, 20, 10, 0), get_work_calendar())
    listed = {w.dossier.pk: w.forecast for w in warnings}
    names = {d.pk: name for name, d in history.items()}
    assert sorted(names[pk] for pk in listed) == ["X", "Y"]
    specialist = history["X"].plan["steps"][1]
    x = listed[history["X"].pk]
    assert x.expected_finish == at(2025, 10, 22, 17, 0)
    slipping = (x.slipping_position, x.slipping_name, x.slip_seconds)
    assert slipping == (specialist["position"], specialist["name"], 10 * H)
    y = listed[history["Y"].pk]
    assert y.expected_finish == at(2025, 10, 23, 8, 30)
    assert (y.slipping_position, y.slip_seconds) == (specialist["position"], 10 * H)
