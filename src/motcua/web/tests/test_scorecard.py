"""The service-index dashboard of the workbench on the hand-worked scenario of ``metrics.tests``: the table,
the drill-down to exactly the dossiers counted, the Excel export, and who may see what."""

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.fixtures import officer
from motcua.metrics.tests.test_service_index import PROVINCE_OFFICE, scenario  # noqa: F401  (a fixture)
from motcua.testing import sign_in

PAGE = "/workbench/scorecard/"
OCTOBER = {"start": "2025-10-01", "end": "2025-10-31"}


def client_of(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def monitor(demo_catalog: Any) -> User:
    return officer("giamsat", Agency.objects.get(name=PROVINCE_OFFICE), "monitor")


def test_the_table_links_each_number_to_its_dossiers(
    scenario: dict[str, Dossier],  # noqa: F811
    commune: Agency,
    monitor: User,
) -> None:
    client = client_of(monitor)
    page = client.get(PAGE, {"agency": commune.identifier, **OCTOBER})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hồ sơ giải quyết trước hạn, đúng hạn" in html
    assert "11,43 / 20<" in html  # Vietnamese decimal comma, 2 decimals
    assert "n/a" in html
    link = f"/workbench/scorecard/2.1/numerator/?start=2025-10-01&amp;end=2025-10-31&amp;agency={commune.identifier}"
    assert link in html
    listing = client.get("/workbench/scorecard/2.1/numerator/", {"agency": commune.identifier, **OCTOBER})
    assert listing.status_code == 200
    shown = {code for code in Dossier.objects.values_list("code", flat=True) if code in listing.content.decode()}
    assert shown == {scenario[name].code for name in "ABEJ"}
    denominator = client.get("/workbench/scorecard/2.1/denominator/", {"agency": commune.identifier, **OCTOBER})
    shown = {code for code in Dossier.objects.values_list("code", flat=True) if code in denominator.content.decode()}
    assert shown == {scenario[name].code for name in "ABCDEGJ"}
    assert (
        client.get("/workbench/scorecard/4.1/numerator/", {"agency": commune.identifier, **OCTOBER}).status_code == 404
    )
    assert client.get(PAGE, OCTOBER).status_code == 200  # the province


def test_the_excel_export(scenario: dict[str, Dossier], commune: Agency, monitor: User) -> None:  # noqa: F811
    answer = client_of(monitor).get("/workbench/scorecard.xlsx", {"agency": commune.identifier, **OCTOBER})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row and len(row) > 1}
    assert rows["2.1"][3:8] == (4, 7, 0.5714, 11.43, 20)
    assert rows["1.4"][3:8] == (0, 9, 0, 0, 6)  # live, nothing synchronised: no portal is configured here
    assert rows["1.1"][6] == "không áp dụng"  # n/a: publication data is not measured yet


def test_who_sees_what(scenario: dict[str, Dossier], commune: Agency, other_commune: Agency) -> None:  # noqa: F811
    leader = User.objects.get(username="leader")
    own = client_of(leader).get(PAGE, OCTOBER)  # defaults to the leader's agency
    assert own.status_code == 200
    assert commune.name in own.content.decode()
    assert client_of(leader).get(PAGE, {"agency": other_commune.identifier, **OCTOBER}).status_code == 403
    assert client_of(User.objects.get(username="specialist")).get(PAGE).status_code == 404
    assert Client().get(PAGE).status_code == 302  # to the login page


def test_a_bad_period_is_said_not_raised(monitor: User) -> None:
    answer = client_of(monitor).get(PAGE, {"start": "2025-10-31", "end": "2025-10-01"})
    assert answer.status_code == 422
    assert "ngày đầu kỳ" in answer.content.decode()
    assert client_of(monitor).get(PAGE, {"start": "hôm qua"}).status_code == 422
