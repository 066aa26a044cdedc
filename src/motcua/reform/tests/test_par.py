"""The PAR Index tree loaded from a file, self-scored by agencies, appraised, ranked (Decision 876/QĐ-BNV)."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.tests.fixtures import officer
from motcua.reform import services
from motcua.reform.demo import create_demo_plan
from motcua.reform.errors import ReformError
from motcua.reform.models import ParCriterion
from motcua.reform.par import DEFAULT_TREE, assessment, ranking, read_tree_file

pytestmark = pytest.mark.django_db
YEAR = 2026


def _load(user: User) -> None:
    call_command("load_par_tree", str(YEAR), "--user", user.username, stdout=StringIO())


def leaf(code: str) -> ParCriterion:
    return ParCriterion.objects.get(year=YEAR, code=code)


def test_the_default_tree_has_the_eight_provincial_areas(reformer: User) -> None:
    _load(reformer)
    areas = ParCriterion.objects.filter(year=YEAR, parent=None).order_by("position")
    assert [a.code for a in areas] == [str(n) for n in range(1, 9)]
    assert ParCriterion.objects.get(year=YEAR, code="3.1.2").parent.code == "3.1"
    # each area's figure in the file is the sum of its leaves (the file adds up: 80 points in all)
    result = assessment(YEAR, Agency.objects.get(name="Sở Tài chính tỉnh Thái Nguyên"))
    assert [root.max_points for root in result.roots] == [a.max_points for a in areas]
    assert result.max_points == 80


def test_scored_appraised_ranked(reformer: User, finance_leader: User) -> None:
    _load(reformer)
    finance = Agency.objects.get(name="Sở Tài chính tỉnh Thái Nguyên")
    justice = Agency.objects.get(name="Sở Tư pháp tỉnh Thái Nguyên")
    justice_leader = officer("ld-stp", justice, "leader")
    services.self_score(finance_leader, leaf("1.1"), finance, Decimal(4), "Kế hoạch ban hành 05/01")
    services.self_score(finance_leader, leaf("3.2.1"), finance, Decimal("3.5"))
    services.self_score(justice_leader, leaf("1.1"), justice, Decimal(3))
    services.self_score(justice_leader, leaf("2.1"), justice, Decimal(4))
    # the reform officer appraises: finance's 1.1 down to 3
    services.appraise(reformer, leaf("1.1"), finance, Decimal(3), "Ban hành chậm 2 ngày")
    result = assessment(YEAR, finance)
    assert result.total("self") == Decimal("7.5")
    assert result.total() == Decimal("6.5")  # 3 appraised + 3.5 not yet appraised
    assert result.index() == Decimal("8.13")  # 6.5 / 80 = 8.125 % → 8.13
    assert not result.appraised
    ranked = ranking(YEAR)
    assert [(a.agency.name, a.index()) for a in ranked] == [
        ("Sở Tư pháp tỉnh Thái Nguyên", Decimal("8.75")),  # 7 / 80
        ("Sở Tài chính tỉnh Thái Nguyên", Decimal("8.13")),
    ]


def test_agencies_score_their_own_items_only(reformer: User, finance_leader: User) -> None:
    _load(reformer)
    justice = Agency.objects.get(name="Sở Tư pháp tỉnh Thái Nguyên")
    finance = Agency.objects.get(name="Sở Tài chính tỉnh Thái Nguyên")
    with pytest.raises(ReformError) as refused:
        services.self_score(finance_leader, leaf("1.1"), justice, Decimal(1))
    assert refused.value.status_code == 403
    with pytest.raises(ReformError):
        services.self_score(finance_leader, leaf("3.1"), finance, Decimal(1))  # not a leaf
    with pytest.raises(ReformError):
        services.self_score(finance_leader, leaf("1.1"), finance, Decimal(5))  # above the 4 points
    with pytest.raises(ReformError) as refused:
        services.appraise(finance_leader, leaf("1.1"), finance, Decimal(1))
    assert refused.value.status_code == 403
    services.self_score(finance_leader, leaf("1.1"), finance, Decimal(2))
    services.appraise(reformer, leaf("1.1"), finance, Decimal(2))
    with pytest.raises(ReformError):
        services.self_score(finance_leader, leaf("1.1"), finance, Decimal(4))  # appraised: closed
    with pytest.raises(CommandError, match="không thay bộ tiêu chí"):
        _load(reformer)  # scored: the tree stays


def test_a_bound_criterion_is_prefilled_from_the_live_measure(reformer: User) -> None:
    _load(reformer)
    create_demo_plan(reformer)
    finance = Agency.objects.get(name="Sở Tài chính tỉnh Thái Nguyên")
    nodes = {n.criterion.code: n for n in assessment(YEAR, finance).flat()}
    cost = nodes["3.1.2"]
    assert cost.measure_rate is not None
    assert cost.suggestion == (Decimal(2) * cost.measure_rate / 100).quantize(Decimal("0.01"))
    assert nodes["3.2.1"].measure_rate is None  # no dossier finished at this agency in the year: n/a, not 0


def test_a_broken_file_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        read_tree_file("areas: []")
    assert read_tree_file(DEFAULT_TREE.read_text(encoding="utf-8"))[0]["code"] == "1"
