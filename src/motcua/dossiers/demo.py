"""Demo dossiers: a few hundred, spread over the last months, in every status, some late, some
inter-agency — created through the same services as real ones, at past moments, so that their logs,
control sheets and counters are exactly what real use would produce.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone

from motcua.accounts.models import User
from motcua.calendars.selectors import get_work_calendar
from motcua.catalog.availability import receivable_offerings
from motcua.catalog.models import Offering
from motcua.dossiers.models import Dossier
from motcua.dossiers.plans import plan_from
from motcua.dossiers.services import Applicant, ChecklistItem, DossierError, Intake, open_dossier, perform
from motcua.rules.lifecycle import ActionType, Role, StepPlan, handoff_kind

#: A tiny but real PDF: the demo's stand-in for scanned papers and signed results.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu", "Thanh", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương", "Quân", "Thảo"]

#: Where each simulated dossier stops (weights): most are done, some in every other status.
ENDINGS = {
    "returned": 45,
    "result_ready": 8,
    "processing": 14,
    "received": 5,
    "awaiting_supplement": 6,
    "awaiting_payment": 3,
    "refused": 4,
    "withdrawn": 3,
    "stopped": 2,
    "submitted": 4,
}


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


class _Simulation:
    def __init__(self, rng: random.Random, officers: dict[tuple[int, str], User], citizen: User, now: datetime) -> None:
        self.rng = rng
        self.officers = officers
        self.citizen = citizen
        self.now = now
        self.calendar = get_work_calendar()

    def officer(self, agency_id: int, role: str) -> User | None:
        return self.officers.get((agency_id, role))

    def later(self, moment: datetime, step: StepPlan | None, late: bool) -> datetime:
        """The next action: within the step's allotment, or beyond it for a late dossier."""
        if step is None:
            seconds = self.rng.randint(600, 4 * 3600)
        else:
            allotted = self.calendar.elapsed(moment, step.due(self.calendar, moment))
            share = self.rng.uniform(1.2, 2.5) if late else self.rng.uniform(0.2, 0.95)
            seconds = max(300, int(allotted * share))
        return self.calendar.add_working_seconds(moment, seconds)

    def applicant(self) -> Applicant:
        rng = self.rng
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        number = f"019{rng.randint(0, 1)}{rng.randint(60, 99):02d}{rng.randint(0, 999999):06d}"
        phone = f"09{rng.randint(10000000, 99999999)}"
        return Applicant("citizen", name, number, phone, "", "Tỉnh Thái Nguyên")

    def run(self, offering: Offering, received: datetime, ending: str, late: bool) -> Dossier | None:
        documents = [d for d in offering.procedure.documents.all() if not d.condition]
        online = ending == "submitted" or (
            "online" in {c.channel for c in offering.channels.all()} and self.rng.random() < 0.3
        )
        channel = "online" if online else "counter"
        desk = offering.receiving_agency_id or offering.agency_id
        counter = self.officer(desk, "counter")
        if counter is None:
            return None
        if online:
            files = {d.pk: [_pdf(f"{d.pk}.pdf")] for d in documents if d.form != "present_only"}
            intake = Intake(offering, channel, self.applicant(), files=files)
            dossier = open_dossier(intake, user=self.citizen, at=received)
            if ending == "submitted":
                return dossier
            moment = self.later(received, None, False)
            dossier = self.act(dossier, ActionType.ACCEPT, counter, moment)
        else:
            checklist = [ChecklistItem(d.pk, d.form) for d in documents]
            dossier = open_dossier(
                Intake(offering, channel, self.applicant(), checklist=checklist), user=counter, at=received
            )
            moment = received
        return self.walk(dossier, moment, ending, late, counter)

    def act(self, dossier: Dossier, kind: ActionType, user: User, at: datetime, **payload: object) -> Dossier:
        files = [_pdf("ket-qua.pdf")] if kind is ActionType.RECORD_RESULT else []
        return perform(dossier, kind, user=user, payload=payload, files=files, at=at)

    def walk(self, dossier: Dossier, moment: datetime, ending: str, late: bool, counter: User) -> Dossier:
        plan = plan_from(dossier.plan)
        steps = plan.steps
        if ending == "received":
            return dossier
        if ending == "refused":
            return self.act(
                dossier,
                ActionType.REFUSE,
                counter,
                self.later(moment, None, False),
                reasons=["Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan"],
            )
        if ending == "withdrawn":
            return self.act(
                dossier,
                ActionType.WITHDRAW,
                counter,
                self.later(moment, None, False),
                reason="Công dân đề nghị rút hồ sơ",
            )
        stop_at = {
            "processing": self.rng.randint(1, max(1, len(steps) - 2)),
            "awaiting_supplement": 1,
            "awaiting_payment": max(1, len(steps) - 2),
            "stopped": 1,
        }.get(ending, len(steps))
        if self.rng.random() < 0.12 and ending not in {"awaiting_supplement"}:  # a supplement along the way
            moment = self.later(moment, None, False)
            dossier = self.act(
                dossier, ActionType.REQUEST_SUPPLEMENT, counter, moment, missing=["Bản sao giấy tờ tùy thân"]
            )
            moment = self.calendar.add_working_seconds(moment, self.rng.randint(1, 3) * 8 * 3600)
            dossier = self.act(dossier, ActionType.SUPPLEMENT, counter, moment)
        apologised = False
        for index, step in enumerate(steps[:-1]):
            if index >= stop_at:
                break
            actor = self.officer(step.agency_id, step.role.value)
            if actor is None:
                return dossier
            moment = self.later(moment, step, late)
            if moment > self.now:
                return dossier
            if late and not apologised and step.role is Role.LEADER and dossier.due_at and moment > dossier.due_at:
                apology_at = dossier.due_at - timedelta(hours=4)
                leader = self.officer(plan.resolver_agency_id, "leader")
                if leader and apology_at > (dossier.last_action_at or moment):
                    dossier = self.act(
                        dossier,
                        ActionType.APOLOGISE,
                        leader,
                        apology_at,
                        reason="Hồ sơ cần xác minh thêm",
                        new_appointment=dossier.due_at + timedelta(days=5),
                    )
                    apologised = True
            kind = ActionType.APPROVE if step.role is Role.LEADER else handoff_kind(plan, index)
            dossier = self.act(dossier, kind, actor, moment)
        if ending == "awaiting_supplement":
            return self.act(
                dossier,
                ActionType.REQUEST_SUPPLEMENT,
                counter,
                self.later(moment, None, False),
                missing=["Tờ khai theo mẫu (bản có chữ ký)", "Bản sao giấy tờ chứng minh nơi cư trú"],
            )
        if ending == "awaiting_payment":
            holder = (
                self.officer(dossier.current_agency_id, dossier.current_role) if dossier.current_agency_id else None
            )
            return self.act(dossier, ActionType.REQUEST_PAYMENT, holder or counter, self.later(moment, None, False))
        if ending == "stopped":
            leader = self.officer(plan.resolver_agency_id, "leader") or counter
            return self.act(
                dossier,
                ActionType.STOP,
                leader,
                self.later(moment, None, False),
                reason="Cơ quan có thẩm quyền yêu cầu dừng giải quyết",
            )
        if ending == "processing" or dossier.status != "processing":
            return dossier
        last = steps[-1]
        returner = self.officer(last.agency_id, last.role.value) or counter
        for kind in (ActionType.RECORD_RESULT, ActionType.MARK_RESULT_READY, ActionType.RETURN_RESULT):
            if kind is ActionType.RETURN_RESULT and ending == "result_ready":
                break
            moment = self.later(moment, None, False)
            if moment > self.now:
                break
            dossier = self.act(dossier, kind, returner, moment)
        return dossier


def create_demo_dossiers(
    count: int = 300, *, seed: int = 2025, months: int = 4, progress: Callable[[int], None] | None = None
) -> Counter[str]:
    """Create ``count`` demo dossiers unless demo dossiers exist already; returns them by status."""
    if Dossier.objects.exists():
        return Counter(dict(Dossier.objects.values_list("status").annotate(n=Count("pk"))))
    rng = random.Random(seed)
    officers: dict[tuple[int, str], User] = {}
    for user in User.objects.prefetch_related("memberships"):
        for membership in user.memberships.all():
            officers.setdefault((membership.agency_id, membership.role), user)
    citizen = User.objects.get(username="congdan")
    candidates = (
        Offering.objects.filter(active=True)
        .select_related("procedure", "agency", "receiving_agency")
        .prefetch_related("channels", "templates__steps", "procedure__documents", "fees")
    )
    offerings = [
        o
        for o in receivable_offerings(candidates, timezone.localdate())
        if o.templates.all()
        and (o.receiving_agency_id or o.agency_id, "counter") in officers
        and all(
            (s.executing_agency_id or o.agency_id, s.role) in officers or s.role == "counter"
            for t in o.templates.all()
            for s in t.steps.all()
        )
    ]
    now = timezone.now()
    simulation = _Simulation(rng, officers, citizen, now)
    calendar = simulation.calendar
    start = now - timedelta(days=30 * months)
    endings, weights = zip(*ENDINGS.items(), strict=True)
    made: Counter[str] = Counter()
    for number in range(count):
        offering = rng.choice(offerings)
        day = start + timedelta(seconds=rng.randint(0, int((now - start).total_seconds())))
        received = calendar.add_working_seconds(day, rng.randint(1, 8 * 3600 - 1))
        if received > now:
            received = calendar.start_of_work(now - timedelta(days=1))
        ending = rng.choices(endings, weights)[0]
        late = rng.random() < 0.15
        try:
            dossier = simulation.run(offering, received, ending, late)
        except DossierError:
            continue  # a path the rules refuse for this procedure (e.g. no leader step): skip it
        if dossier is not None:
            made[dossier.status] += 1
        if progress:
            progress(number + 1)
    return made
