"""The outbox destination ``national_portal``: every dossier action reaches the National Public Service Portal.

**Which actions**: every logged action writes one row. Each one changes what the portal shows: the status
(``TrangThaiHoSo``), a field of the record (an apology or a reschedule moves ``NgayHenTra``, a payment sets
``DuocThanhToanTrucTuyen``, a result adds to ``DanhSachGiayToKetQua``) or the progress (a hand-off is a
``CapNhatTienDoHoSoMC`` row). So "the dossier is synchronised" is exactly "its latest ``national_portal`` row is
delivered" (the unsynchronised-dossier report relies on it).

**The row** (written in the action's transaction): ``{"madonvi", "record", "progress"}`` — the whole
``DongBoHoSoMC`` record as the dossier is after the action, and the action's progress row
(``rules.national_portal``). Key ``national_portal:<code>:<seq>``, ordering key the dossier code.

**Delivery** (``deliver_batch``, run by ``integrations.batches``): rows of one dossier are coalesced (the latest
record supersedes the earlier ones, progress rows are concatenated in order); records go in ``DongBoHoSoMC``
calls of up to ``RECORDS_PER_CALL``, then the progress rows of the dossiers that went through, in chunks of 10.
A dossier's progress never goes before its record.

**Create or update**: a dossier with an earlier delivered row is at the portal (update), one without is not
(create): no call is spent asking in normal operation. The crash window (the portal took a create, the worker died
before marking it) and a portal that lost a dossier are caught when a call is refused: a refused batch is retried
dossier by dossier, and a refused dossier is looked up with ``TraCuuHoSo`` and sent again the other way. We chose
``TraCuuHoSo`` over recognising an "already exists" answer because RULES gives no code or wording for that answer.

**Exactly once in effect**: the record is a state (sending it twice changes nothing); a progress row repeated
after a crash is identical in every field, which the portal keeps once (reading; the stand-in does).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.integrations.contrib.national_portal.acknowledgement import count_acknowledged
from motcua.integrations.contrib.national_portal.snapshot import logged_action, snapshot_of
from motcua.integrations.destinations import HELD, Outcome, OutgoingMessage, destinations
from motcua.integrations.errors import DeliveryFailed, PermanentFailure, TemporaryFailure
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.national_portal import NationalPortal, national_portals
from motcua.rules.national_portal import dossier_record, progress_row

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierAction

EVENT = "DongBoHoSoMC"
RECORDS_PER_CALL = 50
NO_CLIENT = gettext_lazy("Chưa cài đặt ứng dụng kết nối Cổng Dịch vụ công quốc gia.")

Group = list[OutboxMessage]


def _portal() -> NationalPortal | None:
    return next(iter(national_portals.configured()), None)


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@destinations.register("national_portal")
class NationalPortalDestination:
    name = "national_portal"
    label = gettext_lazy("Đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia")

    def problem(self) -> str | None:
        if not len(national_portals):
            return str(NO_CLIENT)
        if _portal() is not None:
            return None
        return next(iter(national_portals)).problem()

    def message_for(self, dossier: Dossier, action: DossierAction, *, key: str) -> OutgoingMessage:
        pending_as_done = settings.MOTCUA_NATIONAL_PORTAL_PENDING_AS_DONE
        snapshot = snapshot_of(dossier)
        logged = next((a for a in snapshot.actions if a.seq == action.seq), None)
        if logged is None:  # not yet visible in the log (never in practice): build it from the row itself
            logged = logged_action(action, snapshot.resolving_agency_name)
        payload = {
            "madonvi": dossier.resolving_agency.identifier,
            "record": dossier_record(snapshot, pending_as_done=pending_as_done),
            "progress": [progress_row(dossier.code, logged, pending_as_done=pending_as_done)],
        }
        return OutgoingMessage(event=EVENT, payload=payload)

    def acknowledged(self, message_ids: Sequence[int]) -> None:
        """Rows just marked delivered (in the mark's transaction): count the dossiers the portal now has as
        received (indicator 1.4, ``acknowledgement``)."""
        count_acknowledged(message_ids)

    def history_message(self, dossier: Dossier, *, key: str) -> OutgoingMessage:
        """A dossier the portal was never told about (``integrations.services.queue_history``): one row with
        its record and every progress row, keyed by its latest action as that action's own row would be."""
        pending_as_done = settings.MOTCUA_NATIONAL_PORTAL_PENDING_AS_DONE
        snapshot = snapshot_of(dossier)
        payload = {
            "madonvi": dossier.resolving_agency.identifier,
            "record": dossier_record(snapshot, pending_as_done=pending_as_done),
            "progress": [progress_row(dossier.code, a, pending_as_done=pending_as_done) for a in snapshot.actions],
        }
        return OutgoingMessage(event=EVENT, payload=payload)

    def deliver(self, message: OutboxMessage) -> str:
        outcome = self.deliver_batch([message])[message.pk]
        if outcome.error is not None:
            raise outcome.error
        return outcome.answer

    # --- batches ----------------------------------------------------------------------------------
    def deliver_batch(self, messages: Sequence[OutboxMessage]) -> Mapping[int, Outcome]:
        portal = _portal()
        if portal is None:
            failure = TemporaryFailure(self.problem() or str(NO_CLIENT))
            return {m.pk: Outcome(error=failure) for m in messages}
        groups: dict[str, Group] = defaultdict(list)
        for message in sorted(messages, key=lambda m: m.pk):
            groups[message.ordering_key].append(message)
        known = set(
            OutboxMessage.objects.filter(
                destination=self.name, ordering_key__in=list(groups), state=OutboxState.DELIVERED
            ).values_list("ordering_key", flat=True)
        )
        outcomes: dict[int, Outcome] = {}
        by_call: dict[tuple[str, bool], list[Group]] = defaultdict(list)
        for code, group in groups.items():
            by_call[(group[0].payload["madonvi"], code in known)].append(group)
        synced: list[Group] = []
        for (agency, updating), call_groups in by_call.items():
            for chunk in _chunks(call_groups, RECORDS_PER_CALL):
                try:
                    portal.sync_dossiers(agency, [g[-1].payload["record"] for g in chunk], updating=updating)
                    synced.extend(chunk)
                except TemporaryFailure as error:
                    for group in chunk:
                        _fail(group, 0, error, outcomes)
                except PermanentFailure:
                    for group in chunk:  # find the one the portal refuses
                        if self._sync_alone(portal, agency, group, updating, outcomes):
                            synced.append(group)
        self._send_progress(portal, synced, outcomes)
        return outcomes

    def _sync_alone(
        self, portal: NationalPortal, agency: str, group: Group, updating: bool, outcomes: dict[int, Outcome]
    ) -> bool:
        """One dossier's latest record; on a refusal, ask the portal whether it has it and try the other way."""
        record = group[-1].payload["record"]
        try:
            portal.sync_dossiers(agency, [record], updating=updating)
            return True
        except TemporaryFailure as error:
            _fail(group, 0, error, outcomes)
            return False
        except PermanentFailure as refused:
            reason: DeliveryFailed = refused
        try:
            exists = portal.has_dossier(agency, record["MaHoSo"])
            if exists != updating:
                portal.sync_dossiers(agency, [record], updating=exists)
                return True
        except DeliveryFailed as error:
            reason = error
        if len(group) > 1 and isinstance(reason, PermanentFailure):
            self._one_by_one(portal, agency, group, outcomes)
        else:
            _fail(group, 0, reason, outcomes)
        return False

    def _one_by_one(self, portal: NationalPortal, agency: str, group: Group, outcomes: dict[int, Outcome]) -> None:
        """Each row on its own, in order, until the one the portal refuses (which then holds back the rest)."""
        for index, message in enumerate(group):
            try:
                exists = portal.has_dossier(agency, message.ordering_key)
                portal.sync_dossiers(agency, [message.payload["record"]], updating=exists)
                portal.send_progress(agency, message.payload["progress"])
            except DeliveryFailed as error:
                _fail(group, index, error, outcomes)
                return
            outcomes[message.pk] = Outcome(answer="DongBoHoSoMC, CapNhatTienDoHoSoMC (riêng)")

    def _send_progress(self, portal: NationalPortal, synced: list[Group], outcomes: dict[int, Outcome]) -> None:
        """The progress rows of the dossiers whose record went through, in chunks of 10, in order."""
        failed: dict[str, tuple[int, DeliveryFailed]] = {}  # dossier → (index of its first failed row, why)
        by_agency: dict[str, list[tuple[Group, int, Mapping[str, Any]]]] = defaultdict(list)
        for group in synced:
            for index, message in enumerate(group):
                for row in message.payload["progress"]:
                    by_agency[message.payload["madonvi"]].append((group, index, row))
        for agency, items in by_agency.items():
            position = 0
            while position < len(items):
                chunk = []
                while len(chunk) < 10 and position < len(items):
                    if items[position][0][0].ordering_key not in failed:
                        chunk.append(items[position])
                    position += 1
                if not chunk:
                    continue
                try:
                    portal.send_progress(agency, [item[2] for item in chunk])
                except TemporaryFailure as error:
                    for group, index, _row in chunk:
                        failed.setdefault(group[0].ordering_key, (index, error))
                except PermanentFailure:
                    for group, index, row in chunk:
                        if group[0].ordering_key in failed:
                            continue
                        try:
                            portal.send_progress(agency, [row])
                        except DeliveryFailed as error:
                            failed[group[0].ordering_key] = (index, error)
        for group in synced:
            index, error = failed.get(group[0].ordering_key, (len(group), None))  # type: ignore[assignment]
            for message in group[:index]:
                outcomes[message.pk] = Outcome(answer=_("DongBoHoSoMC và CapNhatTienDoHoSoMC: đã nhận"))
            if error is not None:
                _fail(group, index, error, outcomes)


def _fail(group: Group, index: int, error: DeliveryFailed, outcomes: dict[int, Outcome]) -> None:
    """The row at ``index`` failed: the earlier ones keep their outcome, the later ones wait behind it."""
    outcomes[group[index].pk] = Outcome(error=error)
    for message in group[index + 1 :]:
        outcomes[message.pk] = HELD
