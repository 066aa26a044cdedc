"""Reads of the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Expression, ExpressionWrapper, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Length

from motcua.accounts.models import User
from motcua.catalog.models import (
    Level,
    Offering,
    OfferingChannel,
    Procedure,
    ProcedureStatus,
    ProcessStep,
    ProcessTemplate,
)
from motcua.catalog.versioning import VersionedCache
from motcua.rules.roles import PROVINCE_WIDE_READ_ROLES
from motcua.rules.text import search_terms


def filter_by_text(queryset: QuerySet[Procedure], query: str) -> QuerySet[Procedure]:
    """Accent- and case-insensitive search: every folded word of the query must occur."""
    for term in search_terms(query):
        queryset = queryset.filter(search_text__contains=term)
    return queryset


def search_procedures(
    *,
    query: str = "",
    level: str = "",
    field: str = "",
    agency: str = "",
    include_drafts: bool = False,
    ranked: bool = False,
) -> QuerySet[Procedure]:
    """Published procedures matching the filters (``field`` is a field code, ``agency`` an e-ID), in code order —
    or, with ``ranked`` and a query, most relevant first (:func:`relevance`; the citizens' portal)."""
    # a list needs neither the long texts nor the JSON columns: decoding them dominated a search
    procedures = (
        Procedure.objects.select_related("field")
        .prefetch_related("levels")
        .only("code", "name", "online_level", "status", "field__code", "field__name")
    )
    if not include_drafts:
        procedures = procedures.filter(status=ProcedureStatus.PUBLISHED)
    if query:
        procedures = filter_by_text(procedures, query)
    if level:
        procedures = procedures.filter(levels__level=level)
    if field:
        procedures = procedures.filter(field__code=field)
    if agency:
        procedures = procedures.filter(offerings__agency__identifier=agency, offerings__active=True)
    if ranked and search_terms(query):
        return procedures.annotate(relevance=relevance(query), name_length=Length("name")).order_by(
            "-relevance", "name_length", "code"
        )
    return procedures.order_by("code")


def relevance(query: str) -> Expression:
    """How well a procedure matches a query, from its folded ``search_text`` (``code name field``); a reading,
    RULES.md says nothing of search. The code typed exactly counts most (100), then the whole phrase (20, and 10
    more at the start of a word), then each word found at the start of a word (3) rather than inside one; ties go
    to the shorter name (the more specific procedure), then the code."""
    terms = search_terms(query)
    phrase = " ".join(terms)
    score: Expression = Case(When(search_text__startswith=phrase + " ", then=Value(100)), default=Value(0))
    score = score + Case(When(search_text__contains=" " + phrase, then=Value(30)),
                         When(search_text__contains=phrase, then=Value(20)), default=Value(0))  # fmt: skip
    for term in terms:
        score = score + Case(When(search_text__contains=" " + term, then=Value(3)), default=Value(0))
    return ExpressionWrapper(score, output_field=IntegerField())


def procedure_detail(code: str, *, include_drafts: bool = False) -> Procedure | None:
    """One procedure with everything the catalogue knows about it, in a fixed number of queries."""
    steps = ProcessStep.objects.select_related("executing_agency").order_by("position")
    templates = ProcessTemplate.objects.prefetch_related(Prefetch("steps", queryset=steps)).order_by("channel")
    offerings = (
        Offering.objects.filter(active=True)
        .select_related("agency", "receiving_agency")
        .prefetch_related(
            Prefetch("channels", queryset=OfferingChannel.objects.order_by("channel")),
            "fees",
            Prefetch("templates", queryset=templates),
        )
        .order_by("agency__name")
    )
    procedures = Procedure.objects.select_related("field").prefetch_related(
        "levels", "documents", Prefetch("offerings", queryset=offerings)
    )
    if not include_drafts:
        procedures = procedures.filter(status=ProcedureStatus.PUBLISHED)
    return procedures.filter(code=code).first()


@dataclass(frozen=True)
class OfferingGroup:
    """Offerings of one procedure whose terms are the same (channels and times, fees, process templates):
    shown once, with the list of the agencies that apply them (``sample`` carries the terms)."""

    sample: Offering
    offerings: tuple[Offering, ...]
    online: bool


@dataclass(frozen=True)
class ProcedurePage:
    """What the public procedure page shows: the procedure and its offerings grouped by identical terms."""

    procedure: Procedure
    groups: tuple[OfferingGroup, ...]


def _terms_key(offering: Offering) -> tuple[object, ...]:
    """What makes two offerings read the same to a citizen; agencies are listed, not compared."""
    channels = tuple(
        (c.channel, c.processing_unit, c.processing_amount, c.processing_text) for c in offering.channels.all()
    )
    fees = tuple((f.kind, f.name, f.amount_vnd, f.condition, f.channel) for f in offering.fees.all())
    templates = tuple(
        (
            t.channel,
            tuple((s.name, s.role, s.executing_agency_id, s.allotted_amount, s.allotted_unit) for s in t.steps.all()),
        )
        for t in offering.templates.all()
    )
    return channels, fees, templates


def group_offerings(offerings: list[Offering]) -> tuple[OfferingGroup, ...]:
    """Offerings with the same terms together, in the order of their first agency (the query's order)."""
    groups: dict[tuple[object, ...], list[Offering]] = {}
    for offering in offerings:
        groups.setdefault(_terms_key(offering), []).append(offering)
    return tuple(
        OfferingGroup(
            sample=members[0],
            offerings=tuple(members),
            online=any(c.channel == "online" for c in members[0].channels.all()),
        )
        for members in groups.values()
    )


_pages: VersionedCache[ProcedurePage | None] = VersionedCache()


def procedure_page(code: str) -> ProcedurePage | None:
    """The published procedure's page data, kept per process until the catalogue changes (``catalog.versioning``).

    Why: a procedure offered by every commune (a hundred offerings, each with its channels, fees and steps)
    took a thousand model instances and a 100 KB page to say the same terms a hundred times; grouped, the page
    says them once, and the cache leaves one version read per request."""

    def load() -> ProcedurePage | None:
        procedure = procedure_detail(code)
        if procedure is None:
            return None
        return ProcedurePage(procedure, group_offerings(list(procedure.offerings.all())))

    return _pages.get(code, load, keep_none=False)


def offerings_received_at(desk_ids: list[int]) -> QuerySet[Offering]:
    """Active offerings whose dossiers are received at one of these one-stop desks."""
    return (
        Offering.objects.filter(active=True)
        .filter(Q(receiving_agency_id__in=desk_ids) | Q(receiving_agency__isnull=True, agency_id__in=desk_ids))
        .select_related("procedure", "agency", "receiving_agency")
        .order_by("agency__name", "procedure__name")
    )


_intake_offerings: VersionedCache[Offering | None] = VersionedCache()


def offering_for_intake(procedure_code: str, agency_identifier: str) -> Offering | None:
    """The offering with everything an intake reads (channels, template and steps, required documents, fees),
    kept per process until the catalogue changes (``catalog.versioning``)."""

    def load() -> Offering | None:
        return (
            Offering.objects.select_related("procedure", "agency", "receiving_agency")
            .prefetch_related("channels", "templates__steps", "procedure__documents", "fees")
            .filter(procedure__code=procedure_code, agency__identifier=agency_identifier)
            .first()
        )

    return _intake_offerings.get((procedure_code, agency_identifier), load, keep_none=False)


def reads_province_wide(user: User) -> bool:
    """Whether ``user`` reads every dossier and every agency's figures: a monitoring role held at a
    province-level agency (``rules.roles.PROVINCE_WIDE_READ_ROLES``). Here, with the agencies' levels, so that
    the dossiers and the metrics apps authorise by the same rule."""
    if not user.is_authenticated:
        return False
    return user.memberships.filter(role__in=PROVINCE_WIDE_READ_ROLES, agency__level=Level.PROVINCE).exists()
