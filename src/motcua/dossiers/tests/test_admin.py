"""The code sequences in the admin: viewable, never added, changed or deleted, not even by a superuser."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import DossierCodeSequence
from motcua.dossiers.services import open_dossier
from motcua.dossiers.tests.fixtures import counter_intake, offering_of


@pytest.fixture
def sequence(commune: Agency, staff: dict[str, User]) -> DossierCodeSequence:
    open_dossier(counter_intake(offering_of("2.001035", commune)), user=staff["counter"])
    return DossierCodeSequence.objects.get()


def test_a_superuser_sees_the_sequences(admin_client: Client, sequence: DossierCodeSequence) -> None:
    listing = admin_client.get(reverse("admin:dossiers_dossiercodesequence_changelist"))
    assert listing.status_code == 200
    assert str(sequence.agency) in listing.content.decode()
    assert listing.context["action_form"] is None  # no bulk action, "delete selected" included
    page = admin_client.get(reverse("admin:dossiers_dossiercodesequence_change", args=[sequence.pk]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert 'name="_save"' not in page.content.decode()


def test_a_superuser_cannot_delete_change_or_add_a_sequence(
    admin_client: Client, sequence: DossierCodeSequence, commune: Agency, staff: dict[str, User]
) -> None:
    delete = reverse("admin:dossiers_dossiercodesequence_delete", args=[sequence.pk])
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:dossiers_dossiercodesequence_change", args=[sequence.pk])
    assert admin_client.post(change, {"last_value": "0"}).status_code == 403
    assert admin_client.get(reverse("admin:dossiers_dossiercodesequence_add")).status_code == 403
    listing = reverse("admin:dossiers_dossiercodesequence_changelist")
    admin_client.post(listing, {"action": "delete_selected", "_selected_action": [sequence.pk], "post": "yes"})
    assert DossierCodeSequence.objects.get().last_value == sequence.last_value == 1
    # and so the next intake at that agency that day still gets a fresh code
    second = open_dossier(counter_intake(offering_of("2.001035", commune)), user=staff["counter"])
    assert second.code.endswith("0002")
