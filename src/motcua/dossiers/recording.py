"""Recording one action: decide it with the reducer, append it to the log, project it — once per key.

The machinery every write of ``dossiers.intake`` and ``dossiers.services`` shares: the typed payload
(``parse_payload``), the capacity in which the reducer accepts the action (``decide``), the log row with the
moments it computed, the control sheet, the counters and the observers (``log_action``), stored files removed
when the transaction fails, and the idempotency key (``written_once``, ``dossiers.idempotency``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pydantic
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from motcua.accounts.models import User
from motcua.documents.uploads import UploadRejected, check_upload, discard, store_upload
from motcua.dossiers import idempotency, wallet
from motcua.dossiers.audit import chained
from motcua.dossiers.errors import ActionRefused, InvalidInput, NotPermitted
from motcua.dossiers.messages import refusal_message
from motcua.dossiers.models import (
    Dossier,
    DossierAction,
    DossierDocument,
)
from motcua.dossiers.plans import plan_from
from motcua.dossiers.signals import action_logged
from motcua.dossiers.state import STEPS_IN_ORDER, current_state, project, sync_steps
from motcua.metrics.services import add_step_durations, add_to_counters
from motcua.rules import counters, lifecycle, payloads
from motcua.rules.early_warning import newly_ended, summarised
from motcua.rules.lifecycle import OPENING_ACTIONS, Action, ActionType, Actor, DossierState, Facts, Plan, Refused
from motcua.rules.payments import payable_lines
from motcua.rules.roles import Role
from motcua.validation import describe


def parse_payload(kind: ActionType, data: Mapping[str, Any] | payloads.Payload) -> payloads.Payload:
    """The typed payload of ``kind``, or :class:`InvalidInput` naming the first field in error."""
    try:
        return payloads.parse(kind, data)
    except pydantic.ValidationError as exc:
        first = describe(exc.errors())[0]
        raise InvalidInput(f"{first['field']}: {first['message']}", field=first["field"]) from exc


def decide(
    state: DossierState, plan: Plan, kind: ActionType, actors: Sequence[Actor], at: datetime, payload: payloads.Payload
) -> tuple[Actor, DossierState]:
    """The first capacity in which the reducer accepts the action, and the new state."""
    refusal: Refused | None = None
    for actor in actors:
        try:
            return actor, lifecycle.apply(state, plan, Action(kind, at, actor, payload))
        except Refused as refused:
            if refused.reason != "actor":
                raise ActionRefused(refusal_message(refused)) from refused
            refusal = refused
    raise NotPermitted(refusal_message(refusal or Refused("actor", action=kind, role="")))


@dataclass(frozen=True)
class Step:
    """One action decided: who, from which state to which, with what."""

    kind: ActionType
    actor: Actor
    before: DossierState
    after: DossierState
    payload: payloads.Payload
    at: datetime


def opening_payload(dossier: Dossier) -> payloads.OpeningPayload | None:
    """What the dossier was registered with (its first action's payload), which its acceptance counts."""
    first = DossierAction.objects.filter(dossier=dossier).order_by("seq").values_list("type", "payload").first()
    if first is None or ActionType(first[0]) not in OPENING_ACTIONS:
        return None
    payload = payloads.parse(ActionType(first[0]), first[1])
    return payload if isinstance(payload, payloads.OpeningPayload) else None


def paid_online_already(dossier: Dossier) -> bool:
    """Whether a gateway (the system actor) confirmed a payment in the log so far: for an ``accept``, the fee was
    paid at submission (``rules.counters``: counted then, on the receipt day)."""
    return DossierAction.objects.filter(
        dossier=dossier, type=ActionType.RECORD_PAYMENT.value, actor_role=Role.SYSTEM.value
    ).exists()


def has_fees(dossier: Dossier) -> bool:
    """Whether the dossier's fee lines (as received) are not all 0: 766 indicator 3.6's denominator."""
    return bool(payable_lines(dossier.terms_data.get("fees", [])))


def log_action(dossier: Dossier, plan: Plan, step: Step, user: User | None, system: str = "") -> DossierAction:
    """Append one action to the log, sync the control sheet, add to the counters and tell the observers;
    the dossier row already holds the state the action led to."""
    before, after = step.before, step.after
    action = DossierAction(
        dossier=dossier,
        seq=dossier.action_count,
        type=step.kind.value,
        at=step.at,
        actor=user,
        actor_role=step.actor.role.value,
        actor_agency_id=step.actor.agency_id,
        system_actor=system,
        from_status=before.status.value if before.status else "",
        to_status=after.status.value if after.status else "",
        step_position=plan.steps[before.step_index].position if before.step_index is not None else None,
        note=step.payload.note,
        payload=payloads.stored(step.payload),
        facts=Facts.between(before, after).to_json(),
    )
    action.chain_hash = chained(dossier, action)
    action.save(force_insert=True)
    sync_steps(dossier, before, after, plan)
    first_result = step.kind is ActionType.RECORD_RESULT and not before.result_recorded
    opening = opening_payload(dossier) if step.kind is ActionType.ACCEPT or first_result else None
    changes = counters.deltas(
        step.kind,
        before,
        after,
        dossier.channel,
        step.payload,
        step.actor.role,
        step.at,
        opening=opening,
        has_fees=has_fees(dossier),
        paid_before_receipt=step.kind is ActionType.ACCEPT and paid_online_already(dossier),
    )
    add_to_counters(dossier.resolving_agency_id, dossier.procedure_id, dossier.channel, changes)
    ended = newly_ended(before.steps, after.steps)
    if ended:  # the early warning's duration summary (decision 53)
        passages = [summarised(passage, plan.calendar) for passage in ended]
        add_step_durations(dossier.resolving_agency_id, dossier.procedure_id, passages)
    wallet.project_action(dossier, step.kind, before, after, step.payload, step.at, step.actor.agency_id)
    action_logged.send(sender=DossierAction, dossier=dossier, action=action)
    return action


def upload_print(files: Sequence[UploadedFile]) -> list[str]:
    prints = []
    for upload in files:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        prints.append(f"{upload.name}:{upload.size}:{digest.hexdigest()}")
    return prints


def request_print(key: str | None, describe: Callable[[], Sequence[str]]) -> str:
    """The fingerprint of a request made with an idempotency key (none is computed without one: reading the
    uploads to hash them would cost every keyless request)."""
    return idempotency.fingerprint(describe()) if key else ""


def replayed(user: User | None, key: str | None, print_: str) -> Dossier | None:
    """The dossier an earlier request with this key wrote, if any (a replay is answered before anything is
    validated again); :class:`InvalidInput` when the key was used for a different request."""
    if not key:
        return None
    try:
        earlier = idempotency.earlier(user, key, print_)
    except idempotency.KeyReused as reused:
        raise InvalidInput(reused.message, field=reused.field) from reused
    return Dossier.objects.get(pk=earlier[1]["dossier"]) if earlier else None


def written_once(user: User | None, key: str | None, print_: str, write: Callable[[list[str]], Dossier]) -> Dossier:
    """Run ``write`` in one transaction, at most once per idempotency key (``dossiers.idempotency``).

    ``write`` appends the names of the files it stores to the list it is given: if the transaction fails
    they are removed, so nothing is left half-written. A replay, or a concurrent duplicate, gets the dossier
    of the first request.
    """
    stored: list[str] = []
    written: list[Dossier] = []

    def work() -> idempotency.Answer:
        with transaction.atomic():
            written.append(write(stored))
        return 200, {"dossier": written[-1].pk}

    try:
        _, answer = idempotency.run_once(user, key, print_, work)
    except idempotency.KeyReused as reused:
        raise InvalidInput(reused.message, field=reused.field) from reused
    except BaseException:
        discard(stored)
        raise
    if written and written[-1].pk == answer["dossier"]:
        return written[-1]
    return Dossier.objects.get(pk=answer["dossier"])


def store_files(
    dossier: Dossier,
    files: Mapping[int, Sequence[UploadedFile]],
    names: Mapping[int, str],
    kind: str,
    user: User | None,
    at: datetime,
    stored: list[str],
) -> list[int]:
    ids = []
    for document_id, uploads in files.items():
        for upload in uploads:
            saved = store_upload(upload, "dossiers", at)
            stored.append(saved.name)
            row = DossierDocument.objects.create(
                dossier=dossier,
                kind=kind,
                required_document_id=document_id or None,
                name=names.get(document_id, saved.original_filename),
                original_filename=saved.original_filename,
                file=saved.name,
                content_type=saved.content_type,
                size=saved.size,
                sha256=saved.sha256,
                uploaded_by=user,
                uploaded_at=at,
            )
            ids.append(row.pk)
    return ids


def precheck_files(files: Mapping[int, Sequence[UploadedFile]]) -> None:
    """Refuse bad files before anything is written."""
    for uploads in files.values():
        for upload in uploads:
            try:
                check_upload(upload)
            except UploadRejected as rejected:
                raise InvalidInput(str(rejected), field="files") from rejected


def lock_dossier(dossier_id: int) -> Dossier:
    """The dossier row locked for this transaction (one action at a time per dossier), with its sheet."""
    return Dossier.objects.select_for_update().prefetch_related(STEPS_IN_ORDER).get(pk=dossier_id)


def act(
    dossier: Dossier,
    kind: ActionType,
    actors: Sequence[Actor],
    payload: payloads.Payload,
    at: datetime,
    user: User | None,
    system: str = "",
) -> Dossier:
    plan = plan_from(dossier.plan)
    before = current_state(dossier)
    actor, after = decide(before, plan, kind, actors, at, payload)
    project(dossier, after, plan)
    dossier.action_count += 1
    dossier.save()
    log_action(dossier, plan, Step(kind, actor, before, after, payload, at), user, system)
    return dossier
