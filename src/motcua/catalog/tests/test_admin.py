"""Catalogue administration refuses bad data and saves nothing of it."""

from typing import Any

import pytest
from django.test import Client

from motcua.catalog.models import Agency, Offering, OfferingChannel, ProcessStep, ProcessTemplate

pytestmark = pytest.mark.usefixtures("demo_catalog")


@pytest.fixture
def staff(admin_client: Client) -> Client:
    return admin_client


def agency_form(identifier: str) -> dict[str, Any]:
    return {"identifier": identifier, "name": "Sở Thử nghiệm", "level": "province", "kind": "department"}


def test_invalid_agency_identifier_is_refused(staff: Client) -> None:
    before = Agency.objects.count()
    response = staff.post("/admin/catalog/agency/add/", agency_form("H55.242"))
    assert response.status_code == 200
    assert "không đúng cấu trúc" in response.content.decode()
    assert Agency.objects.count() == before


def test_valid_agency_is_saved(staff: Client) -> None:
    response = staff.post("/admin/catalog/agency/add/", agency_form("000.00.77.H55"))
    assert response.status_code == 302
    assert Agency.objects.filter(identifier="000.00.77.H55").exists()


def test_agency_with_successor_needs_an_end_date(staff: Client) -> None:
    successor = Agency.objects.get(identifier="999.00.12.H55")
    form = agency_form("000.00.78.H55") | {"successor": successor.pk}
    response = staff.post("/admin/catalog/agency/add/", form)
    assert response.status_code == 200
    assert not Agency.objects.filter(identifier="000.00.78.H55").exists()


def offering_for(code: str) -> Offering:
    return Offering.objects.filter(procedure__code=code).order_by("pk").first()


def template_form(offering: Offering, steps: list[tuple[str, str, str]], channel: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {
        "offering": offering.pk,
        "channel": channel,
        "name": "Quy trình thử",
        "steps-TOTAL_FORMS": len(steps),
        "steps-INITIAL_FORMS": 0,
        "steps-MIN_NUM_FORMS": 1,
        "steps-MAX_NUM_FORMS": 1000,
    }
    for i, (role, amount, unit) in enumerate(steps):
        data |= {
            f"steps-{i}-position": i + 1,
            f"steps-{i}-name": f"Bước {i + 1}",
            f"steps-{i}-role": role,
            f"steps-{i}-allotted_amount": amount,
            f"steps-{i}-allotted_unit": unit,
        }
    return data


def test_template_that_does_not_add_up_is_refused(staff: Client) -> None:
    offering = offering_for("2.001610")  # 3 working days = 24 working hours
    offering.templates.all().delete()
    steps_before = ProcessStep.objects.count()
    form = template_form(offering, [("counter", "4", "working_hours"), ("specialist", "16", "working_hours")])
    response = staff.post("/admin/catalog/processtemplate/add/", form)
    assert response.status_code == 200
    assert "Tổng thời gian các bước là 20 giờ làm việc" in response.content.decode()
    assert not ProcessTemplate.objects.filter(offering=offering).exists()
    assert ProcessStep.objects.count() == steps_before


def test_template_that_adds_up_is_saved(staff: Client) -> None:
    offering = offering_for("2.001610")
    offering.templates.all().delete()
    form = template_form(
        offering,
        [("counter", "0.5", "working_days"), ("specialist", "16", "working_hours"), ("leader", "4", "working_hours")],
    )
    response = staff.post("/admin/catalog/processtemplate/add/", form)
    assert response.status_code == 302, response.content.decode()
    template = ProcessTemplate.objects.get(offering=offering)
    assert [s.role for s in template.steps.order_by("position")] == ["counter", "specialist", "leader"]


def test_changing_a_processing_time_cannot_break_a_template(staff: Client) -> None:
    offering = offering_for("2.001610")
    assert offering.templates.exists()
    rows = list(offering.channels.order_by("pk"))
    data: dict[str, Any] = {
        "procedure": offering.procedure_id,
        "agency": offering.agency_id,
        "receiving_agency": offering.receiving_agency_id or "",
        "active": "on",
        "notes": "",
        "channels-TOTAL_FORMS": len(rows),
        "channels-INITIAL_FORMS": len(rows),
        "channels-MIN_NUM_FORMS": 0,
        "channels-MAX_NUM_FORMS": 1000,
        "fees-TOTAL_FORMS": 0,
        "fees-INITIAL_FORMS": 0,
        "fees-MIN_NUM_FORMS": 0,
        "fees-MAX_NUM_FORMS": 1000,
    }
    for fee in offering.fees.all():
        fee.delete()
    for i, row in enumerate(rows):
        data |= {
            f"channels-{i}-id": row.pk,
            f"channels-{i}-offering": offering.pk,
            f"channels-{i}-channel": row.channel,
            f"channels-{i}-processing_amount": "5",  # was 3 working days
            f"channels-{i}-processing_unit": row.processing_unit,
            f"channels-{i}-processing_text": row.processing_text,
        }
    response = staff.post(f"/admin/catalog/offering/{offering.pk}/change/", data)
    assert response.status_code == 200
    assert "khác thời hạn giải quyết" in response.content.decode()
    assert set(OfferingChannel.objects.filter(offering=offering).values_list("processing_amount", flat=True)) == {3}


def test_admin_search_ignores_diacritics(staff: Client) -> None:
    response = staff.get("/admin/catalog/procedure/", {"q": "dang ky ket hon"})
    assert response.status_code == 200
    assert "1.000894" in response.content.decode()
