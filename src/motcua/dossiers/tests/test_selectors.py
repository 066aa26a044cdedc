"""The API's page of visible dossiers (one indexed branch at a time) equals the plain visibility query."""

from typing import Any

import pytest
from django.core.management import call_command

from motcua.accounts.models import User
from motcua.dossiers.demo import create_demo_dossiers
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import visible_dossiers, visible_page


@pytest.mark.django_db
def test_pages_match_the_visibility_query(demo_catalog: Any) -> None:
    call_command("load_demo", force=True, dossiers=0, verbosity=0)
    create_demo_dossiers(80, seed=7)
    assert Dossier.objects.count() > 50
    for user in User.objects.all():
        expected = list(visible_dossiers(user).order_by("-pk").values_list("pk", flat=True))
        seen: list[int] = []
        before = None
        while True:
            page = visible_page(user, Dossier.objects.all(), before=before, limit=7)
            seen += [d.pk for d in page]
            if len(page) < 7:
                break
            before = page[-1].pk
        assert seen == expected, user.username
    assert any(visible_dossiers(u).exists() for u in User.objects.filter(memberships__isnull=False))
