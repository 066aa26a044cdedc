"""The action log is tamper-evident (issue 15): whatever SQL does to it, ``motcua verify-audit`` names it.

Each test tampers the way someone with database access would (an UPDATE, DELETE or INSERT that bypasses
the append-only model), then expects the command's exit status 1 and the first broken link by name.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.audit import seal_pending, verify
from motcua.dossiers.models import AuditSeal, Dossier, DossierAction
from motcua.dossiers.services import open_dossier, perform
from motcua.dossiers.tests.fixtures import counter_intake, offering_of
from motcua.rules import audit
from motcua.rules.lifecycle import ActionType
from motcua.rules.workdays import VIETNAM_TZ

pytestmark = pytest.mark.django_db

FIRST_DAY = datetime(2025, 9, 5, 9, 0, tzinfo=VIETNAM_TZ)


def raw() -> models.QuerySet[DossierAction]:
    """The actions through a plain query set: what an UPDATE or DELETE in SQL would reach."""
    return models.QuerySet(DossierAction)


@pytest.fixture
def dossiers(commune: Agency, staff: dict[str, User]) -> list[Dossier]:
    made = []
    for hour in (9, 10):
        dossier = open_dossier(
            counter_intake(offering_of("2.001035", commune)), user=staff["counter"], at=FIRST_DAY.replace(hour=hour)
        )
        perform(dossier, ActionType.FORWARD, user=staff["counter"], at=FIRST_DAY.replace(hour=hour, minute=30))
        perform(
            dossier, ActionType.FORWARD, user=staff["specialist"], note="Đủ điều kiện", at=FIRST_DAY.replace(hour=11)
        )
        dossier.refresh_from_db()
        made.append(dossier)
    return made


def verify_audit(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def action(dossier: Dossier, seq: int) -> DossierAction:
    return DossierAction.objects.get(dossier=dossier, seq=seq)


def test_an_untouched_log_holds(dossiers: list[Dossier]) -> None:
    status, out = verify_audit()
    assert status == 0, out
    assert "Đã kiểm tra 6 thao tác của 2 hồ sơ" in out
    assert "Nhật ký toàn vẹn." in out


def test_every_action_carries_its_link(dossiers: list[Dossier]) -> None:
    first = action(dossiers[0], 1)
    assert len(first.chain_hash) == 64
    assert action(dossiers[0], 2).chain_hash not in ("", first.chain_hash)


def test_the_links_cover_every_stored_field_of_an_action() -> None:
    stored = {f.name for f in DossierAction._meta.concrete_fields} - {"id", "chain_hash"}
    assert stored == set(audit.FIELDS)


def test_an_officer_written_over_the_citizen_by_sql_is_found(dossiers: list[Dossier], staff: dict[str, User]) -> None:
    # the probe of issue 15: an action's actor changed in SQL, after which the API showed someone else
    forward = action(dossiers[1], 2)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {DossierAction._meta.db_table} SET actor_id = %s WHERE id = %s", [staff["leader"].pk, forward.pk]
        )
    status, out = verify_audit()
    assert status == 1
    assert f"hồ sơ {dossiers[1].code}, thao tác số 2: nội dung hoặc thứ tự đã bị thay đổi" in out
    assert dossiers[0].code not in out


def changed_value(name: str, row: DossierAction, staff: dict[str, User], other: Dossier, commune: Agency) -> Any:
    return {
        "dossier": other,
        "type": ActionType.APPROVE.value,
        "at": row.at + timedelta(microseconds=1),
        "actor": staff["leader"],
        "actor_role": "leader",
        "system_actor": "scheduler",
        "actor_agency": Agency.objects.exclude(pk=commune.pk).first(),
        "from_status": "done",
        "to_status": "done",
        "step_position": 9,
        "note": row.note + ".",
        "payload": {**row.payload, "extra": 1},
        "facts": {**row.facts, "due_at": "2030-01-01T00:00:00Z"},
    }[name]


@pytest.mark.parametrize("name", [n for n in audit.FIELDS if n != "seq"])
def test_any_field_changed_by_sql_is_found(
    name: str, dossiers: list[Dossier], staff: dict[str, User], commune: Agency
) -> None:
    row = action(dossiers[0], 3 if name == "dossier" else 2)
    column = DossierAction._meta.get_field(name).attname
    value = changed_value(name, row, staff, dossiers[1], commune)
    moved = {"seq": 4} if name == "dossier" else {}  # behind the other dossier's last action
    raw().filter(pk=row.pk).update(**{column: getattr(value, "pk", value)}, **moved)
    status, out = verify_audit()
    assert status == 1, out
    assert "Nhật ký KHÔNG toàn vẹn" in out
    if name == "dossier":  # the last action moved to the other dossier: both chains break
        assert f"hồ sơ {dossiers[0].code}: thao tác cuối là số 2" in out
        assert f"hồ sơ {dossiers[1].code}, thao tác số 4: nội dung hoặc thứ tự đã bị thay đổi" in out
    else:
        assert f"hồ sơ {dossiers[0].code}, thao tác số 2: nội dung hoặc thứ tự đã bị thay đổi" in out


def test_a_deleted_action_is_found(dossiers: list[Dossier]) -> None:
    raw().filter(pk=action(dossiers[0], 2).pk).delete()
    status, out = verify_audit()
    assert status == 1
    assert f"hồ sơ {dossiers[0].code}: thiếu thao tác số 2 (đã bị xoá)" in out


def test_the_deleted_last_action_is_found(dossiers: list[Dossier]) -> None:
    raw().filter(pk=action(dossiers[0], 3).pk).delete()
    status, out = verify_audit()
    assert status == 1
    assert f"hồ sơ {dossiers[0].code}: thao tác cuối là số 2" in out


def test_a_dossier_whose_every_action_was_deleted_is_found(dossiers: list[Dossier]) -> None:
    raw().filter(dossier=dossiers[0]).delete()
    status, out = verify_audit()
    assert status == 1
    assert f"hồ sơ {dossiers[0].code}: thiếu thao tác số 1" in out


def test_swapped_actions_are_found(dossiers: list[Dossier]) -> None:
    second, third = action(dossiers[0], 2), action(dossiers[0], 3)
    raw().filter(pk=second.pk).update(seq=99)
    raw().filter(pk=third.pk).update(seq=2)
    raw().filter(pk=second.pk).update(seq=3)
    status, out = verify_audit()
    assert status == 1
    assert f"hồ sơ {dossiers[0].code}, thao tác số 2: nội dung hoặc thứ tự đã bị thay đổi" in out


def test_an_action_inserted_at_the_end_with_a_correct_link_is_found(dossiers: list[Dossier]) -> None:
    last = action(dossiers[0], 3)
    forged = DossierAction(
        dossier=dossiers[0],
        seq=4,
        type=ActionType.APPROVE.value,
        at=last.at + timedelta(hours=1),
        actor=last.actor,
        actor_role="leader",
        to_status=last.to_status,
        payload={},
        facts={},
    )
    from motcua.dossiers.audit import chained

    forged.chain_hash = chained(dossiers[0], forged)
    models.QuerySet(DossierAction).bulk_create([forged])
    status, out = verify_audit()
    assert status == 1
    assert f"hồ sơ {dossiers[0].code}, thao tác số 4: vượt quá số thao tác hồ sơ ghi nhận (bị chèn)" in out


def rechain_everything() -> None:
    """What a careful forger does after a change: recompute every link (the algorithm is public)."""
    migration = MigrationLoader(connection).get_migration("dossiers", "0006_action_chain_and_audit_seals")
    apps = MigrationLoader(connection).project_state().apps
    migration.operations[-1].code(apps, None)


def test_a_consistent_rewrite_is_found_by_the_seal(dossiers: list[Dossier], staff: dict[str, User]) -> None:
    seal_pending()
    raw().filter(pk=action(dossiers[0], 2).pk).update(note="Đã sửa")
    rechain_everything()
    status, out = verify_audit()
    assert status == 1
    assert "các thao tác được niêm phong đã bị thay đổi, xoá hoặc chèn thêm" in out
    assert dossiers[0].code not in out  # the dossier's own chain was rewritten consistently


def test_a_rewrite_with_the_seals_redone_is_found_by_the_exported_seals(
    dossiers: list[Dossier], tmp_path: Path
) -> None:
    seal_pending()
    export = StringIO()
    call_command("audit_seals", "--export", stdout=export)
    kept = tmp_path / "seals.txt"
    kept.write_text(export.getvalue(), encoding="utf-8")
    assert verify_audit("--seals", str(kept))[0] == 0

    raw().filter(pk=action(dossiers[0], 2).pk).update(note="Đã sửa")
    rechain_everything()
    AuditSeal.objects.all().delete()
    seal_pending()
    assert verify_audit()[0] == 0  # inside the database everything agrees again …
    status, out = verify_audit("--seals", str(kept))
    assert status == 1  # … but not with what was kept outside
    assert "khác với bản niêm phong đã lưu bên ngoài" in out


def test_the_migration_links_old_actions_as_the_services_do(dossiers: list[Dossier]) -> None:
    before = list(DossierAction.objects.order_by("pk").values_list("chain_hash", flat=True))
    raw().update(chain_hash="")
    rechain_everything()
    assert list(DossierAction.objects.order_by("pk").values_list("chain_hash", flat=True)) == before


def test_a_day_is_sealed_once_and_the_next_seal_starts_where_it_ended(
    dossiers: list[Dossier], staff: dict[str, User]
) -> None:
    now = datetime(2025, 9, 5, 23, 0, tzinfo=VIETNAM_TZ)
    first = seal_pending(now)
    assert first is not None
    assert (first.actions, first.dossiers, first.previous) == (6, 2, audit.GENESIS)
    assert seal_pending(now + timedelta(minutes=30)) is None  # the same day
    perform(
        dossiers[0],
        ActionType.SEND_BACK,
        user=staff["leader"],
        payload={"reason": "Xem lại"},
        at=now + timedelta(hours=10),
    )
    second = seal_pending(now + timedelta(hours=10))
    assert second is not None
    assert (second.actions, second.dossiers, second.previous, second.after_id) == (1, 1, first.head, first.last_id)
    assert verify().intact


@pytest.mark.django_db(transaction=True)  # the worker closes its connections between tasks
def test_the_worker_seals_the_log(dossiers: list[Dossier]) -> None:
    call_command("worker", until_idle=True, verbosity=0)
    (sealed,) = AuditSeal.objects.all()
    assert (sealed.actions, sealed.dossiers) == (6, 2)
    out = StringIO()
    call_command("audit_seals", "--export", stdout=out)
    assert f"{sealed.day.isoformat()} {sealed.head}" in out.getvalue().splitlines()
