"""Reads of the catalogue."""

from __future__ import annotations

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

    return _intake_offerings.get((procedure_code, agency_identifier), load)


def reads_province_wide(user: User) -> bool:
    """Whether ``user`` reads every dossier and every agency's figures: a monitoring role held at a
    province-level agency (``rules.roles.PROVINCE_WIDE_READ_ROLES``). Here, with the agencies' levels, so that
    the dossiers and the metrics apps authorise by the same rule."""
    if not user.is_authenticated:
        return False
    return user.memberships.filter(role__in=PROVINCE_WIDE_READ_ROLES, agency__level=Level.PROVINCE).exists()
