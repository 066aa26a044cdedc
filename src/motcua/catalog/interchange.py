"""motcua's own catalogue format (``motcua-catalog/1``): load and dump, JSON or YAML alike.

The format is the catalogue as the admin shows it, keyed by natural keys (agency e-ID, field code,
procedure code), so a file can be read and edited by people and moved between installations:

.. code-block:: yaml

    format: motcua-catalog/1
    agencies: [{identifier, name, level, kind, parent, successor, valid_from, valid_to, …}]
    fields: [{code, name}]
    procedures: [{code, name, field, levels, …, documents: [{name, quantity, form, condition, …}]}]
    offerings: [{procedure, agency, receiving_agency, channels: […], fees: […], templates: [{steps: […]}]}]
    calendar_overrides: [{day, kind, reason}]

Loading is idempotent: every record is compared with what the database holds (its dump) and
written only when it differs, so loading the same file twice changes nothing the second time and
``dump(load(x)) == x`` for a normalised ``x``. A file is loaded in one transaction: a record that
fails validation names itself and its field, and nothing of the file is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any, Literal

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as SchemaError

from motcua.accounts.models import Role
from motcua.calendars.models import CalendarOverride, OverrideKind
from motcua.catalog.child_rows import Writes, by_parent, held_order
from motcua.catalog.models import (
    Agency,
    AgencyKind,
    Channel,
    DocumentForm,
    Fee,
    FeeKind,
    Level,
    Offering,
    OfferingChannel,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    ProcedureStatus,
    ProcessStep,
    ProcessTemplate,
    RequiredDocument,
)
from motcua.catalog.models import Field as CatalogField
from motcua.catalog.models.offering import StepUnit, TimeUnit
from motcua.catalog.services import check_template
from motcua.catalog.versioning import bump_catalog_version

FORMAT = "motcua-catalog/1"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AgencyRecord(_Record):
    identifier: str
    identifier_is_placeholder: bool = False
    name: str
    level: Level
    kind: AgencyKind = AgencyKind.OTHER
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = None
    admin_unit_code: str = ""
    address: str = ""
    notes: str = ""


class FieldRecord(_Record):
    code: str
    name: str


class DocumentRecord(_Record):
    name: str
    quantity: int | None = Field(1, ge=0, description="None: not stated by the source")
    form: DocumentForm | Literal[""] = DocumentForm.ORIGINAL
    condition: str = ""
    document_type: str = ""
    templates: list[str] = Field(default_factory=list)
    group: str = ""


class LegalBasisRecord(_Record):
    number: str = ""
    title: str = ""


class ResultRecord(_Record):
    code: str = ""
    name: str


class TimeRecord(_Record):
    """A processing time as published: amount and unit code (``None`` when not parseable) beside the text."""

    amount: Decimal | None = None
    unit: str | None = None
    text: str = ""


class FeeAmountRecord(_Record):
    amount: Decimal | None = None
    currency: str | None = None
    text: str = ""
    note: str = ""


class PortalTermRecord(_Record):
    """One row of the portal's "cách thức thực hiện" table, parsed, with its original text."""

    channel: Channel
    channel_text: str = ""
    times: list[TimeRecord] = Field(default_factory=list)
    fees: list[FeeAmountRecord] = Field(default_factory=list)
    description: str = ""
    text: str = ""


class ProblemRecord(_Record):
    """A part of a published record the importer could not parse (reported, never guessed)."""

    field: str
    text: str
    reason: str


class ProcedureRecord(_Record):
    code: str
    name: str
    field: str | None = None
    levels: list[Level] = Field(default_factory=list)
    issuing_body: str = ""
    decision_number: str = ""
    online_level: OnlineLevel | Literal[""] = ""
    status: ProcedureStatus = ProcedureStatus.PUBLISHED
    valid_from: date | None = None
    valid_to: date | None = None
    procedure_type: str = ""
    subjects: str = ""
    competent_authority: str = ""
    resolving_agencies: str = ""
    coordinating_agencies: str = ""
    legal_basis: list[LegalBasisRecord] = Field(default_factory=list)
    results: list[ResultRecord] = Field(default_factory=list)
    portal_terms: list[PortalTermRecord] = Field(default_factory=list)
    import_problems: list[ProblemRecord] = Field(default_factory=list)
    notes: str = ""
    source_url: str = ""
    documents: list[DocumentRecord] = Field(default_factory=list)


class ChannelRecord(_Record):
    channel: Channel
    processing_amount: Decimal | None = None
    processing_unit: TimeUnit | Literal[""] = ""
    processing_text: str = ""


class FeeRecord(_Record):
    kind: FeeKind
    name: str
    amount_vnd: Decimal | None = None
    condition: str = ""
    channel: Channel | Literal[""] = ""


class StepRecord(_Record):
    name: str
    role: Role
    executing_agency: str | None = None
    allotted_amount: Decimal
    allotted_unit: StepUnit = StepUnit.WORKING_HOURS


class TemplateRecord(_Record):
    channel: Channel | Literal[""] = ""
    name: str = ""
    steps: list[StepRecord]


class OfferingRecord(_Record):
    procedure: str
    agency: str
    receiving_agency: str | None = None
    active: bool = True
    notes: str = ""
    channels: list[ChannelRecord] = Field(default_factory=list)
    fees: list[FeeRecord] = Field(default_factory=list)
    templates: list[TemplateRecord] = Field(default_factory=list)


class OverrideRecord(_Record):
    day: date
    kind: OverrideKind
    reason: str


class CatalogDocument(_Record):
    format: Literal["motcua-catalog/1"]
    agencies: list[AgencyRecord] = Field(default_factory=list)
    fields: list[FieldRecord] = Field(default_factory=list)
    procedures: list[ProcedureRecord] = Field(default_factory=list)
    offerings: list[OfferingRecord] = Field(default_factory=list)
    calendar_overrides: list[OverrideRecord] = Field(default_factory=list)


class CatalogLoadError(ValueError):
    """A catalogue file cannot be loaded; ``problems`` name each record and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class LoadSummary:
    """What a load did, per kind of record: created, updated, unchanged."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())


# -------------------------------------------------------------------------------------------------
# parsing


def read_yaml(text: str) -> Any:
    """Parse YAML with libyaml's safe loader when available (several times faster than pure Python)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def demo_catalog() -> Any:
    """The demo catalogue shipped with the package (see scripts/convert_sample_catalog.py)."""
    return read_yaml(
        resources.files("motcua.catalog").joinpath("fixtures/demo_catalog.yaml").read_text(encoding="utf-8")
    )


def parse_document(data: Any) -> CatalogDocument:
    """Validate the structure of a loaded JSON/YAML object; errors name the record and field."""
    try:
        return CatalogDocument.model_validate(data)
    except SchemaError as exc:
        problems = []
        for error in exc.errors():
            location = ".".join(str(part) for part in error["loc"])
            problems.append(f"{location}: {error['msg']}")
        raise CatalogLoadError(problems) from exc


# -------------------------------------------------------------------------------------------------
# dumping: the database's view of each record, in the same shape as the file


def _decimal(value: Decimal | None) -> Decimal | None:
    """A decimal without trailing zeros and without exponent (1.50 → 1.5, 10.00 → 10)."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def dump_agency(agency: Agency) -> dict[str, Any]:
    return AgencyRecord(
        identifier=agency.identifier,
        identifier_is_placeholder=agency.identifier_is_placeholder,
        name=agency.name,
        level=agency.level,
        kind=agency.kind,
        parent=agency.parent.identifier if agency.parent_id else None,
        valid_from=agency.valid_from,
        valid_to=agency.valid_to,
        successor=agency.successor.identifier if agency.successor_id else None,
        admin_unit_code=agency.admin_unit_code,
        address=agency.address,
        notes=agency.notes,
    ).model_dump(mode="json")


def dump_field(catalog_field: CatalogField) -> dict[str, Any]:
    return FieldRecord(code=catalog_field.code, name=catalog_field.name).model_dump(mode="json")


def dump_procedure(procedure: Procedure) -> dict[str, Any]:
    return ProcedureRecord(
        code=procedure.code,
        name=procedure.name,
        field=procedure.field.code if procedure.field_id else None,
        levels=sorted(level.level for level in procedure.levels.all()),
        issuing_body=procedure.issuing_body,
        decision_number=procedure.decision_number,
        online_level=procedure.online_level,
        status=procedure.status,
        valid_from=procedure.valid_from,
        valid_to=procedure.valid_to,
        procedure_type=procedure.procedure_type,
        subjects=procedure.subjects,
        competent_authority=procedure.competent_authority,
        resolving_agencies=procedure.resolving_agencies,
        coordinating_agencies=procedure.coordinating_agencies,
        legal_basis=[LegalBasisRecord.model_validate(entry) for entry in procedure.legal_basis],
        results=[ResultRecord.model_validate(entry) for entry in procedure.results],
        portal_terms=[PortalTermRecord.model_validate(entry) for entry in procedure.portal_terms],
        import_problems=[ProblemRecord.model_validate(entry) for entry in procedure.import_problems],
        notes=procedure.notes,
        source_url=procedure.source_url,
        documents=[
            DocumentRecord(
                name=d.name,
                quantity=d.quantity,
                form=d.form,
                condition=d.condition,
                document_type=d.document_type,
                templates=d.templates,
                group=d.group,
            )
            for d in procedure.documents.all()
        ],
    ).model_dump(mode="json")


def dump_offering(offering: Offering) -> dict[str, Any]:
    return OfferingRecord(
        procedure=offering.procedure.code,
        agency=offering.agency.identifier,
        receiving_agency=offering.receiving_agency.identifier if offering.receiving_agency_id else None,
        active=offering.active,
        notes=offering.notes,
        channels=[
            ChannelRecord(
                channel=c.channel,
                processing_amount=_decimal(c.processing_amount),
                processing_unit=c.processing_unit,
                processing_text=c.processing_text,
            )
            for c in sorted(offering.channels.all(), key=lambda c: c.channel)
        ],
        fees=[
            FeeRecord(
                kind=f.kind, name=f.name, amount_vnd=_decimal(f.amount_vnd), condition=f.condition, channel=f.channel
            )
            for f in sorted(offering.fees.all(), key=lambda f: (f.position, f.pk))
        ],
        templates=[
            TemplateRecord(
                channel=t.channel,
                name=t.name,
                steps=[
                    StepRecord(
                        name=s.name,
                        role=s.role,
                        executing_agency=s.executing_agency.identifier if s.executing_agency_id else None,
                        allotted_amount=_decimal(s.allotted_amount),
                        allotted_unit=s.allotted_unit,
                    )
                    for s in sorted(t.steps.all(), key=lambda s: s.position)
                ],
            )
            for t in sorted(offering.templates.all(), key=lambda t: t.channel)
        ],
    ).model_dump(mode="json")


def dump_override(override: CalendarOverride) -> dict[str, Any]:
    return OverrideRecord(day=override.day, kind=override.kind, reason=override.reason).model_dump(mode="json")


def _normalised(record: _Record) -> dict[str, Any]:
    """A record as the database would give it back (decimals normalised, order of sets fixed)."""
    data = record.model_dump(mode="json")
    if isinstance(record, ProcedureRecord):
        data["levels"] = sorted(set(data["levels"]))
    if isinstance(record, OfferingRecord):
        for channel in data["channels"]:
            channel["processing_amount"] = _json_decimal(channel["processing_amount"])
        for fee in data["fees"]:
            fee["amount_vnd"] = _json_decimal(fee["amount_vnd"])
        for template in data["templates"]:
            for step in template["steps"]:
                step["allotted_amount"] = _json_decimal(step["allotted_amount"])
        data["channels"].sort(key=lambda c: c["channel"])
        data["templates"].sort(key=lambda t: t["channel"])
    return data


def _json_decimal(value: str | None) -> str | None:
    if value is None:
        return None
    return str(_decimal(Decimal(value)))


def _offering_queryset() -> models.QuerySet[Offering]:
    return Offering.objects.select_related("procedure", "agency", "receiving_agency").prefetch_related(
        "channels", "fees", "templates__steps__executing_agency"
    )


def procedure_queryset() -> models.QuerySet[Procedure]:
    return Procedure.objects.select_related("field").prefetch_related("levels", "documents")


def dump_catalog(procedures: models.QuerySet[Procedure] | None = None) -> dict[str, Any]:
    """The catalogue (or the procedures given and what they need) as a ``motcua-catalog/1`` object."""
    if procedures is None:
        procedure_list = list(procedure_queryset().order_by("code"))
        offerings = list(_offering_queryset().order_by("procedure__code", "agency__identifier"))
        agencies = list(Agency.objects.select_related("parent", "successor").order_by("identifier"))
        catalog_fields = list(CatalogField.objects.order_by("code"))
        overrides = list(CalendarOverride.objects.order_by("day"))
    else:
        procedure_list = list(procedure_queryset().filter(pk__in=procedures.values("pk")).order_by("code"))
        offerings = list(
            _offering_queryset().filter(procedure__in=procedure_list).order_by("procedure__code", "agency__identifier")
        )
        agencies = _agencies_needed(offerings)
        catalog_fields = sorted({p.field for p in procedure_list if p.field_id}, key=lambda f: f.code)
        overrides = []
    return {
        "format": FORMAT,
        "agencies": [dump_agency(a) for a in agencies],
        "fields": [dump_field(f) for f in catalog_fields],
        "procedures": [dump_procedure(p) for p in procedure_list],
        "offerings": [dump_offering(o) for o in offerings],
        "calendar_overrides": [dump_override(o) for o in overrides],
    }


def _agencies_needed(offerings: list[Offering]) -> list[Agency]:
    needed: dict[int, Agency] = {}
    pending = []
    for offering in offerings:
        pending.extend(a for a in (offering.agency, offering.receiving_agency) if a is not None)
        for template in offering.templates.all():
            pending.extend(s.executing_agency for s in template.steps.all() if s.executing_agency is not None)
    while pending:
        agency = pending.pop()
        if agency.pk in needed:
            continue
        needed[agency.pk] = agency
        pending.extend(a for a in (agency.parent, agency.successor) if a is not None)
    return sorted(needed.values(), key=lambda a: a.identifier)


# -------------------------------------------------------------------------------------------------
# loading

_PROCEDURE_ATTRIBUTES = [
    "name",
    "issuing_body",
    "decision_number",
    "online_level",
    "status",
    "valid_from",
    "valid_to",
    "procedure_type",
    "subjects",
    "competent_authority",
    "resolving_agencies",
    "coordinating_agencies",
    "notes",
    "source_url",
]
#: Attributes stored as JSON lists of records.
_PROCEDURE_JSON = ["legal_basis", "results", "portal_terms", "import_problems"]
_PROCEDURE_WRITTEN = ["field", *_PROCEDURE_ATTRIBUTES, *_PROCEDURE_JSON, "search_text", "updated_at"]


@dataclass
class _OfferingChildren:
    channels: list[OfferingChannel] = field(default_factory=list)
    fees: list[Fee] = field(default_factory=list)
    templates: list[tuple[ProcessTemplate, list[ProcessStep]]] = field(default_factory=list)


@dataclass
class _HeldChildren:
    """What the database holds under changed offerings, retired rows included, in pairing order (four queries)."""

    channels: dict[int, list[OfferingChannel]] = field(default_factory=dict)
    fees: dict[int, list[Fee]] = field(default_factory=dict)
    templates: dict[int, list[ProcessTemplate]] = field(default_factory=dict)
    steps: dict[int, list[ProcessStep]] = field(default_factory=dict)

    @classmethod
    def of(cls, offering_ids: list[int]) -> _HeldChildren:
        if not offering_ids:
            return cls()
        under = {"offering_id__in": offering_ids}
        return cls(
            channels=by_parent(OfferingChannel.all_objects.filter(**under).order_by(*held_order()), "offering_id"),
            fees=by_parent(Fee.all_objects.filter(**under).order_by(*held_order("position")), "offering_id"),
            templates=by_parent(ProcessTemplate.all_objects.filter(**under).order_by(*held_order()), "offering_id"),
            steps=by_parent(
                ProcessStep.all_objects.filter(template__offering_id__in=offering_ids).order_by(
                    *held_order("position")
                ),
                "template_id",
            ),
        )


class _Loader:
    def __init__(
        self, document: CatalogDocument, merge: bool = False, fields: dict[str, CatalogField] | None = None
    ) -> None:
        self.document = document
        self.merge = merge
        self.summary = LoadSummary()
        self.problems: list[str] = []
        self.agencies: dict[str, Agency] = {}
        self.fields: dict[str, CatalogField] = fields if fields is not None else {}
        self.procedures: dict[str, Procedure] = {}

    # helpers -------------------------------------------------------------------------------------

    def _validate(self, instance: models.Model, where: str) -> bool:
        """Field and model validation; foreign keys are skipped (they were resolved from the database
        or from this file, and checking each one would cost a query)."""
        foreign_keys = [f.name for f in instance._meta.fields if f.is_relation]
        try:
            instance.full_clean(exclude=foreign_keys, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problems.append(f"{where}.{name}: {message}")
            return False
        return True

    def _agency(self, identifier: str | None, where: str) -> Agency | None:
        if identifier is None:
            return None
        agency = self.agencies.get(identifier) or Agency.objects.filter(identifier=identifier).first()
        if agency is None:
            self.problems.append(f"{where}: không có cơ quan mã “{identifier}”")
            return None
        self.agencies[identifier] = agency
        return agency

    # records -------------------------------------------------------------------------------------

    def load_agencies(self) -> None:
        records = self.document.agencies
        if not records:
            return
        existing = {
            a.identifier: a
            for a in Agency.objects.select_related("parent", "successor").filter(
                identifier__in=[r.identifier for r in records]
            )
        }
        # first pass: the agencies themselves; second pass: links between them (any order in the file)
        for index, record in enumerate(records):
            where = f"agencies[{index}]"
            agency = existing.get(record.identifier)
            if agency is not None and dump_agency(agency) == _normalised(record):
                self.agencies[record.identifier] = agency
                self.summary.add("agencies", "unchanged")
                continue
            outcome = "updated" if agency else "created"
            agency = agency or Agency(identifier=record.identifier)
            for name in (
                "identifier_is_placeholder",
                "name",
                "level",
                "kind",
                "valid_from",
                "valid_to",
                "admin_unit_code",
                "address",
                "notes",
            ):
                setattr(agency, name, getattr(record, name))
            agency.parent = None
            agency.successor = None
            if self._validate(agency, where):
                agency.save()
            self.agencies[record.identifier] = agency
            self.summary.add("agencies", outcome)
        for index, record in enumerate(records):
            where = f"agencies[{index}]"
            agency = self.agencies[record.identifier]
            if agency.pk is None:
                continue
            parent = self._agency(record.parent, f"{where}.parent")
            successor = self._agency(record.successor, f"{where}.successor")
            if (agency.parent_id, agency.successor_id) != (parent and parent.pk, successor and successor.pk):
                agency.parent, agency.successor = parent, successor
                if self._validate(agency, where):
                    agency.save(update_fields=["parent", "successor"])

    def load_fields(self) -> None:
        for index, record in enumerate(self.document.fields):
            where = f"fields[{index}]"
            item = CatalogField.objects.filter(code=record.code).first()
            if item is not None and item.name == record.name:
                self.summary.add("fields", "unchanged")
            else:
                outcome = "updated" if item else "created"
                item = item or CatalogField(code=record.code)
                item.name = record.name
                if self._validate(item, where):
                    item.save()
                self.summary.add("fields", outcome)
            self.fields[record.code] = item

    def load_procedures(self) -> None:
        """Compare every record with the database, then write the changed ones in bulk (children by natural key)."""
        records = self.document.procedures
        if not records:
            return
        codes = [r.code for r in records]
        held = Procedure.objects.filter(code__in=codes).values_list("pk", flat=True)
        existing = {p.code: p for p in procedure_queryset().filter(pk__in=list(held))} if held else {}
        wanted = {r.field for r in records if r.field is not None} - set(self.fields)
        self.fields.update({f.code: f for f in CatalogField.objects.filter(code__in=wanted)} if wanted else {})
        changed: list[tuple[Procedure, ProcedureRecord, list[RequiredDocument]]] = []
        for index, record in enumerate(records):
            where = f"procedures[{index}]"
            procedure = existing.get(record.code)
            if procedure is not None and self.merge:
                record = _merged(dump_procedure(procedure), record)
            if procedure is not None and dump_procedure(procedure) == _normalised(record):
                self.procedures[record.code] = procedure
                self.summary.add("procedures", "unchanged")
                continue
            self.summary.add("procedures", "updated" if procedure else "created")
            procedure = procedure or Procedure(code=record.code)
            procedure.field = None
            if record.field is not None:
                procedure.field = self.fields.get(record.field)
                if procedure.field is None:
                    self.problems.append(f"{where}.field: không có lĩnh vực mã “{record.field}”")
            for name in _PROCEDURE_ATTRIBUTES:
                setattr(procedure, name, getattr(record, name))
            for name in _PROCEDURE_JSON:
                setattr(procedure, name, [entry.model_dump(mode="json") for entry in getattr(record, name)])
            self._validate(procedure, where)
            documents = []
            for position, doc in enumerate(record.documents, start=1):
                document = RequiredDocument(procedure=procedure, position=position, **doc.model_dump())
                self._validate(document, f"{where}.documents[{position - 1}]")
                documents.append(document)
            self.procedures[record.code] = procedure
            changed.append((procedure, record, documents))
        if self.problems or not changed:
            return
        now = timezone.now()
        for procedure, _record, _documents in changed:
            procedure.search_text = procedure.build_search_text()
            procedure.updated_at = now
        updated = [p for p, _, _ in changed if p.pk is not None]
        Procedure.objects.bulk_create([p for p, _, _ in changed if p.pk is None])
        if len(updated) == 1:  # the common case of an import file; bulk_update's CASE costs more
            updated[0].save(
                update_fields=["field", *_PROCEDURE_ATTRIBUTES, *_PROCEDURE_JSON, "search_text", "updated_at"]
            )
        elif updated:
            Procedure.objects.bulk_update(updated, _PROCEDURE_WRITTEN)
        self._write_levels(changed, {p.pk for p in updated})
        held_documents = (
            by_parent(
                RequiredDocument.all_objects.filter(procedure_id__in=[p.pk for p in updated]).order_by(
                    "procedure_id", *held_order("position")
                ),
                "procedure_id",
            )
            if updated
            else {}
        )
        documents = Writes(RequiredDocument)
        for procedure, _record, wanted_documents in changed:
            documents.pair(held_documents.get(procedure.pk, []), wanted_documents)
        documents.save(now)

    @staticmethod
    def _write_levels(
        changed: list[tuple[Procedure, ProcedureRecord, list[RequiredDocument]]], held_ids: set[int]
    ) -> None:
        """Levels of the changed procedures: those no longer given removed, new ones added (nothing refers to
        them); the held ones were prefetched with the procedures."""
        removed, added = [], []
        for procedure, record, _documents in changed:
            held = {level.level: level.pk for level in procedure.levels.all()} if procedure.pk in held_ids else {}
            wanted = set(record.levels)
            removed.extend(pk for level, pk in held.items() if level not in wanted)
            added.extend(ProcedureLevel(procedure=procedure, level=level) for level in sorted(wanted - set(held)))
        if removed:
            ProcedureLevel.objects.filter(pk__in=removed).delete()
        ProcedureLevel.objects.bulk_create(added)

    def load_offerings(self) -> None:
        """Compare every record with the database, validate, then write the changed ones in bulk (children by
        natural key)."""
        records = self.document.offerings
        if not records:
            return
        existing = {
            (o.procedure.code, o.agency.identifier): o
            for o in _offering_queryset().filter(procedure__code__in={r.procedure for r in records})
        }
        changed: list[tuple[Offering, _OfferingChildren]] = []
        for index, record in enumerate(records):
            where = f"offerings[{index}]"
            procedure = self.procedures.get(record.procedure) or Procedure.objects.filter(code=record.procedure).first()
            agency = self._agency(record.agency, f"{where}.agency")
            if procedure is None:
                self.problems.append(f"{where}.procedure: không có thủ tục mã “{record.procedure}”")
            if procedure is None or agency is None:
                continue
            offering = existing.get((record.procedure, record.agency))
            if offering is not None and dump_offering(offering) == _normalised(record):
                self.summary.add("offerings", "unchanged")
                continue
            self.summary.add("offerings", "updated" if offering else "created")
            offering = offering or Offering(procedure=procedure, agency=agency)
            offering.receiving_agency = self._agency(record.receiving_agency, f"{where}.receiving_agency")
            offering.active = record.active
            offering.notes = record.notes
            self._validate(offering, where)
            changed.append((offering, self._children(offering, record, where)))
        if self.problems or not changed:
            return
        held_ids = [o.pk for o, _ in changed if o.pk is not None]
        Offering.objects.bulk_create([o for o, _ in changed if o.pk is None])
        Offering.objects.bulk_update([o for o, _ in changed], ["receiving_agency", "active", "notes"])
        held = _HeldChildren.of(held_ids)
        channels, fees = Writes(OfferingChannel), Writes(Fee)
        templates, steps = Writes(ProcessTemplate), Writes(ProcessStep)
        wanted_steps: list[tuple[ProcessTemplate, list[ProcessStep]]] = []
        for offering, children in changed:
            channels.pair(held.channels.get(offering.pk, []), children.channels)
            fees.pair(held.fees.get(offering.pk, []), children.fees)
            kept = templates.pair(held.templates.get(offering.pk, []), [t for t, _ in children.templates])
            for template, (_, template_steps) in zip(kept, children.templates, strict=True):
                for step in template_steps:
                    step.template = template  # the held row when the template kept its identity
                wanted_steps.append((template, template_steps))
        for template, template_steps in wanted_steps:
            steps.pair(held.steps.get(template.pk, []) if template.pk is not None else [], template_steps)
        for template in templates.retire:  # a retired template's steps leave with it
            steps.retire.extend(step for step in held.steps.get(template.pk, []) if step.retired_at is None)
        now = timezone.now()
        for writes in (channels, fees, templates, steps):  # templates before steps: new steps need their ids
            writes.save(now)

    def _children(self, offering: Offering, record: OfferingRecord, where: str) -> _OfferingChildren:
        """Channels, fees and templates of an offering record, validated but not yet saved."""
        children = _OfferingChildren()
        for i, data in enumerate(record.channels):
            row = OfferingChannel(offering=offering, **data.model_dump())
            if any(c.channel == row.channel for c in children.channels):
                self.problems.append(f"{where}.channels[{i}].channel: hình thức nộp “{row.channel}” bị lặp lại")
            self._validate(row, f"{where}.channels[{i}]")
            children.channels.append(row)
        for i, data in enumerate(record.fees, start=1):
            fee = Fee(offering=offering, position=i, **data.model_dump())
            self._validate(fee, f"{where}.fees[{i - 1}]")
            children.fees.append(fee)
        for i, data in enumerate(record.templates):
            template_where = f"{where}.templates[{i}]"
            if any(t.channel == data.channel for t, _ in children.templates):
                self.problems.append(f"{template_where}.channel: đã có quy trình cho hình thức “{data.channel}”")
                continue
            template = ProcessTemplate(offering=offering, channel=data.channel, name=data.name)
            steps, valid = [], True
            for position, step_data in enumerate(data.steps, start=1):
                step_where = f"{template_where}.steps[{position - 1}]"
                step = ProcessStep(
                    template=template,
                    position=position,
                    name=step_data.name,
                    role=step_data.role,
                    executing_agency=self._agency(step_data.executing_agency, step_where),
                    allotted_amount=step_data.allotted_amount,
                    allotted_unit=step_data.allotted_unit,
                )
                valid = self._validate(step, step_where) and valid
                steps.append(step)
            if not valid:
                continue
            try:
                check_template(children.channels, data.channel, [step.duration for step in steps])
            except ValidationError as error:
                self.problems.extend(f"{template_where}: {message}" for message in error.messages)
                continue
            children.templates.append((template, steps))
        return children

    def load_overrides(self) -> None:
        for index, record in enumerate(self.document.calendar_overrides):
            override = CalendarOverride.objects.filter(day=record.day).first()
            if override is not None and dump_override(override) == _normalised(record):
                self.summary.add("calendar_overrides", "unchanged")
                continue
            outcome = "updated" if override else "created"
            override = override or CalendarOverride(day=record.day)
            override.kind, override.reason = record.kind, record.reason
            if self._validate(override, f"calendar_overrides[{index}]"):
                override.save()
            self.summary.add("calendar_overrides", outcome)


def _merged(held: dict[str, Any], record: ProcedureRecord) -> ProcedureRecord:
    """``record``'s fields over what the database holds for the procedure (merge mode).

    Only the fields the file states are replaced; a reuse key (``document_type``) the province gave a
    document survives the import of a document of the same name.
    """
    given = record.model_dump(mode="json", include=record.model_fields_set)
    kept_types = {d["name"]: d["document_type"] for d in held.get("documents", []) if d.get("document_type")}
    for document in given.get("documents", []):
        if not document.get("document_type"):
            document["document_type"] = kept_types.get(document["name"], "")
    return ProcedureRecord.model_validate(held | given)


def load_catalog(data: Any, *, merge: bool = False, field_cache: dict[str, CatalogField] | None = None) -> LoadSummary:
    """Load a ``motcua-catalog/1`` object in one transaction; raise :class:`CatalogLoadError` on any problem.

    With ``merge``, a procedure already held keeps the fields the file does not state (used for what
    the national portal publishes: its facts replace ours, the province's own additions stay).
    ``field_cache`` (code → field) lets a caller loading many files look each field up once.
    """
    document = parse_document(data)
    with transaction.atomic():
        loader = _Loader(document, merge, field_cache)
        loader.load_agencies()
        loader.load_fields()
        loader.load_procedures()
        loader.load_offerings()
        loader.load_overrides()
        if loader.problems:
            raise CatalogLoadError(loader.problems)  # leaving the block this way rolls everything back
        if loader.summary.total("created") or loader.summary.total("updated"):
            bump_catalog_version()  # bulk writes send no signals
    return loader.summary
