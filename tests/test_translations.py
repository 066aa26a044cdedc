"""The project's Vietnamese catalogue: committed compiled, and filling the gaps Django's leaves in the admin."""

from __future__ import annotations

import gettext
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import User
from motcua.catalog.models import Agency, Procedure
from motcua.dossiers.models import DossierCodeSequence
from motcua.dossiers.services import open_dossier
from motcua.dossiers.tests.fixtures import counter_intake, offering_of

LOCALE = Path(settings.LOCALE_PATHS[0])
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))

#: What Django 5.2 shows in English on Vietnamese admin pages without the project's catalogue.
ENGLISH = [
    "Skip to main content",
    "Toggle theme",
    "Show counts",
    "Hide counts",
    "Breadcrumbs",
    "Model name",
    "Add link",
    "Change or view list link",
    "Toggle navigation",
    "Sidebar",
    "Filter navigation items",
    "Select this object for an action",
    "Select all objects on this page for an action",
    "View selected",
    "Password-based authentication",
    "Raw passwords are not stored",
    "Reset password",
    "After you’ve created a user",
    "Các mô models",  # Django's own Vietnamese for "Models in the … application"
    "Bởi ",  # … and for "By <filter>"
    "Agency",  # the code sequences' fields, which have no Vietnamese name in the model
    "Last value",
]


def test_there_is_a_vietnamese_catalogue() -> None:
    assert LOCALE / "vi" / "LC_MESSAGES" / "django.po" in CATALOGUES
    assert LOCALE / "vi" / "LC_MESSAGES" / "djangojs.po" in CATALOGUES


def _expected_catalogue(po: Path) -> dict[object, str]:
    """What a compiled catalogue must hold, read from the ``.po`` by polib (not by ``msgfmt``, which compiled
    the committed ``.mo``): every translated, non-fuzzy message, keyed as ``gettext`` keys them."""
    expected: dict[object, str] = {}
    for entry in polib.pofile(str(po)).translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(key, int(index))] = text
        else:
            expected[key] = entry.msgstr
    return expected


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: str(path.relative_to(LOCALE)))
def test_the_committed_mo_is_the_compiled_po(po: Path) -> None:
    committed = po.with_suffix(".mo")
    assert committed.is_file(), f"{committed} is missing: run `make messages` and commit it"
    with committed.open("rb") as handle:
        stored = gettext.GNUTranslations(handle)
    catalogue = {k: v for k, v in stored._catalog.items() if k != ""}  # type: ignore[attr-defined]
    assert catalogue == _expected_catalogue(po), f"{committed} is stale: run `make messages`"
    header = polib.pofile(str(po)).metadata
    assert stored.info().get("content-type") == header.get("Content-Type")


class _VisibleText(HTMLParser):
    """The text a person sees or hears: text nodes and the attributes read out (scripts and styles left out)."""

    SPOKEN = frozenset({"title", "aria-label", "placeholder", "alt", "data-label"})

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "input" and ("type", "submit") in attrs:
            self.texts += [value for name, value in attrs if name == "value" and value]
        self.texts += [value for name, value in attrs if name in self.SPOKEN and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.texts


#: Alternative texts Django writes in English without marking them for translation (not in any catalogue).
UNTRANSLATABLE = {"Search", "True", "False"}


def _admin_pages(client: Client) -> dict[str, str]:
    procedure = Procedure.objects.order_by("pk").first()
    agency = Agency.objects.order_by("pk").first()
    sequence = DossierCodeSequence.objects.get()
    urls = {
        "index": reverse("admin:index"),
        "procedures (filters)": reverse("admin:catalog_procedure_changelist"),
        "procedure": reverse("admin:catalog_procedure_change", args=[procedure.pk]),
        "agencies (filters)": reverse("admin:catalog_agency_changelist") + "?level=commune",
        "agency": reverse("admin:catalog_agency_change", args=[agency.pk]),
        "code sequences": reverse("admin:dossiers_dossiercodesequence_changelist"),
        "code sequence": reverse("admin:dossiers_dossiercodesequence_change", args=[sequence.pk]),
        "new user": reverse("admin:accounts_user_add"),
        "users": reverse("admin:accounts_user_changelist"),
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        pages[name] = response.content.decode()
    return pages


@pytest.fixture
def admin_pages(admin_client: Client, commune: Agency, staff: dict[str, User]) -> dict[str, str]:
    open_dossier(counter_intake(offering_of("2.001035", commune)), user=staff["counter"])
    return _admin_pages(admin_client)


def test_admin_pages_show_none_of_the_english_strings(admin_pages: dict[str, str]) -> None:
    for name, html in admin_pages.items():
        assert '<html lang="vi"' in html, name
        texts = visible_text(html)
        found = [english for english in ENGLISH if any(english in text for text in texts)]
        assert not found, f"{name}: {found}"
    assert "Chuyển đến nội dung chính" in admin_pages["index"]
    assert "Hiện số lượng" in admin_pages["procedures (filters)"]


def _pattern(msgid: str) -> re.Pattern[str]:
    """A msgid as a whole-word pattern, its placeholders (%(name)s, %s, {}) standing for any text."""
    text = re.escape(msgid.strip())
    text = re.sub(r"%\\\(\w+\\\)[sdr]|%[sd]|\\\{\w*\\\}", ".{0,200}?", text)
    return re.compile(rf"(?<![\w-]){text}(?![\w-])")


def _msgids(mo: Path) -> list[str]:
    with mo.open("rb") as handle:
        catalogue: dict[Any, str] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    ids = set()
    for key in catalogue:
        msgid = key[0] if isinstance(key, tuple) else key
        ids.add(msgid.split("\x04")[-1])
    return sorted(msgid for msgid in ids if msgid)


def test_no_msgid_the_catalogue_translates_is_left_in_english(admin_pages: dict[str, str]) -> None:
    """Every string the project's catalogue translates is shown translated (the catalogue is in use)."""
    patterns = [(msgid, _pattern(msgid)) for msgid in _msgids(LOCALE / "vi/LC_MESSAGES/django.mo")]
    for name, html in admin_pages.items():
        texts = [text for text in visible_text(html) if text not in UNTRANSLATABLE]
        found = {msgid for msgid, pattern in patterns for text in texts if pattern.search(text)}
        assert not found, f"{name}: {sorted(found)}"


def test_the_admin_javascript_catalogue_is_vietnamese(admin_client: Client) -> None:
    """The date picker and the two-list selector are written by the admin's JavaScript, from this catalogue."""
    script = admin_client.get(reverse("admin:jsi18n")).content.decode()
    for vietnamese in ("Chủ nhật", "Thứ bảy", "Chọn tất cả %s", "(bấm để xóa)"):
        assert json.dumps(vietnamese) in script  # the catalogue is written as JSON
