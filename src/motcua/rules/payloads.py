"""Typed payloads: what each dossier action carries, defined once.

The reducer (``rules.lifecycle``) reads these types; the API publishes each one as the request body of
its action's route; the workbench builds its form fields from them; the log stores them as JSON and reads
them back through the same models. A payload that does not fit its type (a missing reason, an empty list of
missing documents, a moment without a time zone, a 1 MB item, a NUL character, a number beyond what the
database holds) is refused before anything is written — as bad input, not as a server error.

Pydantic is used here because it is a validation library, not a web framework: the rules stay free of
Django (tests/test_architecture.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from motcua.rules.actions import ActionType
from motcua.rules.text import forbidden_characters


def _clean(value: str) -> str:
    bad = forbidden_characters(value)
    if bad:
        raise PydanticCustomError(
            "forbidden_characters", "text contains characters that cannot be stored: {chars}", {"chars": " ".join(bad)}
        )
    return value


def text(max_length: int, *, required: bool = False) -> Any:
    """A text of at most ``max_length`` characters, trimmed, without characters no database or document
    can hold; ``required``: not empty."""
    constraints = StringConstraints(strip_whitespace=True, min_length=1 if required else None, max_length=max_length)
    return Annotated[str, constraints, AfterValidator(_clean)]


#: A free text of a form (a note, a reason), at most 2,000 characters.
Text = text(2000)
#: A reason that must be given.
RequiredText = text(2000, required=True)
#: One line of a list (a reason for refusal, a missing document): long enough for the longest document name the
#: national portal publishes (6,779 characters), far from the megabyte a client could send.
Item = text(10_000, required=True)
#: A list that must name at least one item: everything missing, in one request (Decree 61/2018 Art. 17).
Items = Annotated[list[Item], Field(min_length=1, max_length=50)]
#: A database id: positive and within what JavaScript and a 64-bit column hold exactly.
Id = Annotated[int, Field(ge=1, le=2**53 - 1)]
#: An amount of money in đồng (whole đồng; at most 10^12).
AmountVnd = Annotated[int, Field(ge=1, le=10**12)]
DocumentForm = Literal["original", "copy", "original_or_copy", "present_only"]


class Payload(BaseModel):
    """Every action may carry a note; the rest depends on the action."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    note: Text = ""


class ChecklistEntry(BaseModel):
    """A required document as received at the desk: which one, in which form, how many."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document_id: Id
    form: DocumentForm = "original"
    quantity: int = Field(1, ge=1, le=100)
    #: a document of the applicant's personal data store given for this requirement instead of a paper or an
    #: upload (RULES.md §6); only at intake, with the applicant's consent (``store_consent``)
    store_document: Id | None = None


class StoreChoice(BaseModel):
    """A requirement satisfied by a document of the applicant's personal data store, and the consent to it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document_id: Id
    stored_document: Id
    consented_at: AwareDatetime


class OpeningPayload(Payload):
    """What a new dossier was opened with (written by intake, not by clients)."""

    checklist: list[ChecklistEntry] = Field(default_factory=list, max_length=200)
    documents: list[Id] = Field(default_factory=list, max_length=200)
    #: documents taken from the applicant's personal data store instead of being submitted again (RULES.md §6)
    reused_documents: list[Id] = Field(default_factory=list, max_length=200)
    #: which stored document was taken for which of them (``datastore.StoredDocument`` ids), with the consent
    store_documents: list[StoreChoice] = Field(default_factory=list, max_length=200)
    #: connected databases consulted for the dossier, with the applicant's consent (``DSKetNoiCSDL[].MaCSDL``)
    consulted_databases: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=20)
    online: bool = False
    #: filed online by the applicant's own account that an identity provider (VNeID) verified for the same
    #: personal identification number (``TaiKhoanDuocXacThucVoiVNeID``; Decision 766 4.6 counts it, RULES §7)
    identity_verified: bool = False


class AcceptPayload(Payload):
    """A registered dossier accepted; at the desk, with the checklist of what was finally received."""

    checklist: list[ChecklistEntry] = Field(default_factory=list, max_length=200)


class RefusePayload(Payload):
    reasons: Items


class RequestSupplementPayload(Payload):
    missing: Items


class SupplementPayload(Payload):
    documents: list[Id] = Field(default_factory=list, max_length=50)


class PlainPayload(Payload):
    """Actions that need nothing but an optional note (hand-offs, approval, result ready, return)."""


class HandoffPayload(Payload):
    """A hand-off to the next step (forward, transfer to another agency, its answer). ``on_paper``: the dossier
    was carried on paper outside the system and the officer records the hand-off after the fact — what the
    programme's target "100 % of dossiers routed electronically between agencies" counts against
    (``rules.counters``: ``handoffs_on_paper``). Reading: RULES.md §4 only says each hand-off is recorded with
    sender, receiver and time; the medium is ours."""

    on_paper: bool = False


class SendBackPayload(Payload):
    reason: RequiredText
    to_position: int | None = Field(None, ge=1, le=1000)


class RecordResultPayload(Payload):
    documents: list[Id] = Field(min_length=1, max_length=50)


class ReasonedPayload(Payload):
    """Withdrawal and stop: the reason is printed on the stop notice (Circular 03/2025 Art. 7)."""

    reason: RequiredText


class ApologisePayload(Payload):
    reason: RequiredText
    new_appointment: AwareDatetime


class RecordPaymentPayload(Payload):
    amount_vnd: AmountVnd
    receipt_number: text(60) = ""  # type: ignore[valid-type]


class ReschedulePayload(Payload):
    """The deadlines recomputed with the working calendar as it is now (written by the system actor)."""

    reason: RequiredText
    due_at: AwareDatetime
    appointment_at: AwareDatetime
    step_due_at: AwareDatetime | None = None


PAYLOADS: Mapping[ActionType, type[Payload]] = {
    ActionType.SUBMIT: OpeningPayload,
    ActionType.RECEIVE: OpeningPayload,
    ActionType.ACCEPT: AcceptPayload,
    ActionType.REFUSE: RefusePayload,
    ActionType.REQUEST_SUPPLEMENT: RequestSupplementPayload,
    ActionType.SUPPLEMENT: SupplementPayload,
    ActionType.FORWARD: HandoffPayload,
    ActionType.TRANSFER_TO_AGENCY: HandoffPayload,
    ActionType.AGENCY_ANSWER: HandoffPayload,
    ActionType.SEND_BACK: SendBackPayload,
    ActionType.APPROVE: PlainPayload,
    ActionType.RECORD_RESULT: RecordResultPayload,
    ActionType.MARK_RESULT_READY: PlainPayload,
    ActionType.RETURN_RESULT: PlainPayload,
    ActionType.WITHDRAW: ReasonedPayload,
    ActionType.STOP: ReasonedPayload,
    ActionType.APOLOGISE: ApologisePayload,
    ActionType.REQUEST_PAYMENT: PlainPayload,
    ActionType.RECORD_PAYMENT: RecordPaymentPayload,
    ActionType.RESCHEDULE: ReschedulePayload,
}


def parse(kind: ActionType, data: Mapping[str, Any] | Payload) -> Payload:
    """The typed payload of ``kind`` from a mapping (a request, a form, a logged row); raises
    ``pydantic.ValidationError`` when it does not fit."""
    model = PAYLOADS[kind]
    if isinstance(data, model):
        return data
    if isinstance(data, Payload):
        data = data.model_dump()
    return model.model_validate(data)


def stored(payload: Payload) -> dict[str, Any]:
    """The payload as the log keeps it: JSON, without the note (a column of its own) and without defaults."""
    return payload.model_dump(mode="json", exclude={"note"}, exclude_defaults=True)
