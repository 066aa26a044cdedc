"""A citizen who logs in lands on their own dossiers, in Vietnamese, never on the officers' 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import open_dossier, perform
from motcua.dossiers.tests.fixtures import counter_intake, offering_of
from motcua.rules.lifecycle import ActionType
from motcua.rules.workdays import VIETNAM_TZ
from motcua.testing import sign_in

PDF = b"%PDF-1.4\n%%EOF\n"


def filed_online(user: User, commune: Agency) -> Dossier:
    offering = offering_of("2.001035", commune)
    intake = counter_intake(offering)
    intake.channel, intake.checklist = "online", []
    intake.files = {
        d.pk: [SimpleUploadedFile(f"{d.pk}.pdf", PDF, content_type="application/pdf")]
        for d in offering.procedure.documents.all()
        if not d.condition
    }
    return open_dossier(intake, user=user)


@pytest.fixture
def citizen(db: None) -> User:
    return User.objects.create_user("congdan", password="x", full_name="Nguyễn Văn An")


def log_in(client: Client, username: str, next_url: str = "") -> str:
    data = {"username": username, "password": "x"} | ({"next": next_url} if next_url else {})
    response = client.post(reverse("web:login"), data)
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.usefixtures("demo_catalog")
def test_a_citizen_lands_on_their_dossiers(client: Client, citizen: User) -> None:
    assert log_in(client, "congdan") == "/my/"
    page = client.get("/my/")
    assert page.status_code == 200
    assert "Hồ sơ của tôi" in page.content.decode()


@pytest.mark.usefixtures("demo_catalog")
def test_a_citizen_is_never_sent_into_the_workbench(client: Client, citizen: User) -> None:
    assert log_in(client, "congdan", next_url="/workbench/") == "/my/"
    assert log_in(Client(), "congdan", next_url="/track/ABC/") == "/track/ABC/"  # elsewhere: where they were going
    assert log_in(Client(), "congdan", next_url="https://elsewhere.example/") == "/my/"  # never off the site


def test_officers_land_on_the_workbench(client: Client, staff: dict[str, User]) -> None:
    assert log_in(client, "counter") == "/workbench/"
    assert log_in(Client(), "counter", next_url="/my/") == "/my/"


def test_an_administrator_without_membership_lands_in_the_admin(client: Client, db: None) -> None:
    User.objects.create_superuser("quantri", password="x")
    assert log_in(client, "quantri") == "/admin/"


def test_my_dossiers_lists_my_own_only(commune: Agency, staff: dict[str, User], citizen: User) -> None:
    mine = filed_online(citizen, commune)
    someone_else = filed_online(User.objects.create_user("nguoikhac", password="x"), commune)
    at_the_counter = open_dossier(counter_intake(offering_of("2.001035", commune)), user=staff["counter"])
    client = Client()
    sign_in(client, citizen)
    page = client.get("/my/").content.decode()
    assert mine.code in page
    assert mine.procedure.name in page
    assert mine.get_status_display() in page
    assert f'href="{reverse("web:my-dossier", args=[mine.code])}"' in page  # its own page in the portal
    assert someone_else.code not in page
    assert at_the_counter.code not in page
    assert '<html lang="vi">' in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    # an officer's "my dossiers" are the ones they filed themselves, not their agency's
    officer = Client()
    sign_in(officer, staff["counter"])
    listed = officer.get("/my/").content.decode()
    assert at_the_counter.code not in listed
    assert "Bạn chưa nộp hồ sơ nào." in listed


def test_the_appointment_is_shown_once_there_is_one(
    commune: Agency, staff: dict[str, User], citizen: User, client: Client
) -> None:
    dossier = filed_online(citizen, commune)
    perform(dossier, ActionType.ACCEPT, user=staff["counter"])
    dossier.refresh_from_db()
    assert dossier.appointment_at is not None
    sign_in(client, citizen)
    page = client.get("/my/").content.decode()
    assert dossier.appointment_at.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y") in page


def test_my_dossiers_needs_a_login(client: Client, db: None) -> None:
    response = client.get("/my/")
    assert response.status_code == 302
    assert response["Location"].startswith("/workbench/login/?next=/my/")
