"""Uploaded documents go out only through views that check who asks, in debug mode too."""

from __future__ import annotations

import importlib
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse

import motcua.urls
from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.services import open_dossier
from motcua.dossiers.tests.fixtures import counter_intake, offering_of, officer
from motcua.downloads import content_disposition
from motcua.testing import sign_in

PDF = b"%PDF-1.4\n% t\xe1\xbb\x9d khai\n%%EOF\n"


@pytest.fixture
def scanned(commune: Agency, staff: dict[str, User]) -> tuple[Dossier, DossierDocument]:
    offering = offering_of("2.001035", commune)
    intake = counter_intake(offering)
    required = next(d for d in offering.procedure.documents.all() if not d.condition)
    intake.files = {required.pk: [SimpleUploadedFile("tờ khai.pdf", PDF, content_type="application/pdf")]}
    dossier = open_dossier(intake, user=staff["counter"])
    return dossier, dossier.documents.get()


def url(dossier: Dossier, document: DossierDocument) -> str:
    return reverse("web:workbench-document", args=[dossier.code, document.pk])


def logged_in(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_the_dossiers_officer_downloads_the_file(
    scanned: tuple[Dossier, DossierDocument], staff: dict[str, User]
) -> None:
    dossier, document = scanned
    response = logged_in(staff["specialist"]).get(url(dossier, document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    # RFC 6266: an ASCII fallback, then the Vietnamese name (RFC 8187; the charset name is case-insensitive)
    assert (
        response["Content-Disposition"]
        == "attachment; filename=\"to-khai.pdf\"; filename*=UTF-8''t%E1%BB%9D%20khai.pdf"
    )
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_the_dossier_page_links_to_the_download(
    scanned: tuple[Dossier, DossierDocument], staff: dict[str, User]
) -> None:
    dossier, document = scanned
    page = logged_in(staff["counter"]).get(reverse("web:workbench-dossier", args=[dossier.code])).content.decode()
    assert f'href="{url(dossier, document)}"' in page
    assert "/media/" not in page


def test_anonymous_is_sent_to_login(scanned: tuple[Dossier, DossierDocument], client: Client) -> None:
    dossier, document = scanned
    response = client.get(url(dossier, document))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login") + "?next=")


def test_others_get_404(scanned: tuple[Dossier, DossierDocument], other_commune: Agency) -> None:
    dossier, document = scanned
    stranger = logged_in(officer("mc-khac", other_commune, "counter", "specialist", "leader"))
    assert stranger.get(url(dossier, document)).status_code == 404
    citizen = logged_in(User.objects.create_user("congdan", password="x"))
    assert citizen.get(url(dossier, document)).status_code == 404


def test_a_document_of_another_dossier_or_none_is_404(
    scanned: tuple[Dossier, DossierDocument], commune: Agency, staff: dict[str, User]
) -> None:
    dossier, document = scanned
    other = open_dossier(counter_intake(offering_of("2.001035", commune)), user=staff["counter"])
    client = logged_in(staff["counter"])
    wrong_pairs = [(other.code, document.pk), (dossier.code, document.pk + 1000), (dossier.code, 2**64)]
    for code, pk in wrong_pairs:
        assert client.get(reverse("web:workbench-document", args=[code, pk])).status_code == 404
    document.file.delete(save=False)  # the row without its file: 404, not 500
    assert client.get(url(dossier, document)).status_code == 404


def test_media_url_serves_nothing_in_debug_mode(
    scanned: tuple[Dossier, DossierDocument], settings: Any, client: Client
) -> None:
    _dossier, document = scanned
    assert settings.MEDIA_URL == "/media/"
    assert (settings.MEDIA_ROOT / document.file.name).is_file()
    try:
        with override_settings(DEBUG=True):
            importlib.reload(motcua.urls)  # the URLs as the demo builds them
            clear_url_caches()
            response = client.get(f"/media/{document.file.name}")
    finally:
        importlib.reload(motcua.urls)
        clear_url_caches()
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("ket-qua.pdf", 'attachment; filename="ket-qua.pdf"'),
        (
            "Giấy xác nhận Đất đai.pdf",
            'attachment; filename="Giay-xac-nhan-Dat-dai.pdf"; '
            "filename*=UTF-8''Gi%E1%BA%A5y%20x%C3%A1c%20nh%E1%BA%ADn%20%C4%90%E1%BA%A5t%20%C4%91ai.pdf",
        ),
        ("../../etc/passwd", 'attachment; filename="passwd"'),
        (
            'a"b\r\nSet-Cookie: x.pdf',
            "attachment; filename=\"a-b-Set-Cookie--x.pdf\"; filename*=UTF-8''a-b-Set-Cookie-%20x.pdf",
        ),
        ("", 'attachment; filename="tep"'),
    ],
)
def test_download_names_are_safe_rfc_6266(name: str, header: str) -> None:
    """Hand-written: the ASCII fallback drops the marks (đ → d), the real name is percent-encoded UTF-8; a directory,
    a quote or a line break never reaches the header."""
    assert content_disposition(name) == header


def test_a_long_name_keeps_its_extension() -> None:
    header = content_disposition("ả" * 300 + ".pdf")
    assert len(unquote(header.split("''", 1)[1])) == 150
    assert header.endswith(".pdf")
