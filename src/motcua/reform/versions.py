"""What the reform module reads of one procedure version in the catalogue: its reference offering, its
regulations (``rules.regulations``) and the fees the catalogue lists.

Reading (ours): a procedure's regulations are national, but times, fees and steps are kept per offering
(procedure × agency); a version is counted on its **reference offering**, the first active one by agency
identifier (the first of any when none is active). The plans' drafts copy every offering, so the before and
after versions are counted on the same agency.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from motcua.catalog.models import Offering, Procedure, ProcessTemplate
from motcua.rules.regulations import ONLINE_BURDEN, Regulation

#: Which fee lines one execution pays, by channel: lines for every channel, and the channel's own.
FEE_CHANNEL = "counter"


#: What counting a version reads, for ``prefetch_related``: then counting many versions costs a fixed number of
#: queries (the province-wide figures count every business-related procedure).
VERSION_PREFETCH = (
    "documents",
    Prefetch(
        "offerings",
        queryset=Offering.objects.select_related("agency").prefetch_related(
            "channels", "fees", Prefetch("templates", queryset=ProcessTemplate.objects.prefetch_related("steps"))
        ),
    ),
)


def reference_offering(procedure: Procedure) -> Offering | None:
    """The first active offering by agency identifier (the first of any when none is active)."""
    if "offerings" in getattr(procedure, "_prefetched_objects_cache", {}):
        offerings = list(procedure.offerings.all())
        return min(offerings, key=lambda o: (not o.active, o.agency.identifier, o.pk), default=None)
    prefetch = VERSION_PREFETCH[1].queryset  # type: ignore[union-attr]
    return prefetch.filter(procedure=procedure).order_by("-active", "agency__identifier", "id").first()


def catalogue_fees_vnd(offering: Offering | None, channel: str = FEE_CHANNEL) -> Decimal:
    """The fees and charges one execution pays at the offering, through ``channel`` (unknown amounts: 0)."""
    if offering is None:
        return Decimal(0)
    lines = [f for f in offering.fees.all() if f.channel in ("", channel) and f.amount_vnd is not None]
    return sum((f.amount_vnd for f in lines), Decimal(0))


def regulations_of(procedure: Procedure, offering: Offering | None = None) -> list[Regulation]:
    """The procedure version's regulations, as ``rules.regulations`` counts them (its reading)."""
    if offering is None:
        offering = reference_offering(procedure)
    found: list[Regulation] = []
    for document in procedure.documents.all():
        found.append(
            Regulation("document", document.name, Decimal(document.quantity or 1), "copies", label=document.name)
        )
        for template in document.templates or []:
            found.append(Regulation("form", str(template), label=str(template)))
    if offering is not None:
        templates = sorted(offering.templates.all(), key=lambda t: (t.channel, t.id))
        if templates:
            for step in sorted(templates[0].steps.all(), key=lambda s: s.position):
                found.append(Regulation("step", step.name, label=step.name))
        for channel in sorted(offering.channels.all(), key=lambda c: c.channel):
            burden = Decimal(1) if channel.processing_unit == "same_day" else channel.processing_amount
            label = f"{channel.get_channel_display()}: {channel.processing_text or channel}"
            found.append(Regulation("time", channel.channel, burden, channel.processing_unit, label=label))
        for fee in sorted(offering.fees.all(), key=lambda f: (f.position, f.id)):
            found.append(Regulation("fee", f"{fee.kind}:{fee.name}:{fee.channel}", fee.amount_vnd, "vnd", fee.name))
    for result in procedure.results or []:
        name = str(result.get("name", "")) if isinstance(result, dict) else str(result)
        found.append(Regulation("result", name, label=name))
    level = procedure.online_level or ""
    label = procedure.get_online_level_display() if level else _("Chưa cung cấp trực tuyến")
    found.append(Regulation("online", "online", ONLINE_BURDEN.get(level, Decimal(2)), "level", str(label)))
    return found
