"""Catalogue child rows keep their identity across imports: dossiers refer to them (issue 8).

Loading a procedure or an offering again used to delete and re-create its required documents, channels, fees,
templates and steps, so every dossier lost the rows it was received with. Now each row is paired with the held
one of the same natural key (``catalog.child_rows``): updated in place, retired when the file drops it, brought
back when it returns.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

from motcua.catalog.interchange import dump_catalog, load_catalog
from motcua.catalog.models import (
    Fee,
    Offering,
    OfferingChannel,
    Procedure,
    ProcessStep,
    ProcessTemplate,
    RequiredDocument,
)
from motcua.catalog.selectors import offering_for_intake, procedure_detail

pytestmark = pytest.mark.usefixtures("demo_catalog")

CODE = "1.001193"  # birth registration: 7 documents; at each commune 3 channels, 2 fees, one template of 4 steps
AGENCY = "999.00.27.H55"


def offering() -> Offering:
    return Offering.objects.get(procedure__code=CODE, agency__identifier=AGENCY)


def ids() -> dict[str, Any]:
    """The ids of the procedure's documents and of the offering's child rows, by what they are."""
    held = offering()
    template = held.templates.get()
    return {
        "documents": {d.name: d.pk for d in Procedure.objects.get(code=CODE).documents.all()},
        "channels": {c.channel: c.pk for c in held.channels.all()},
        "fees": {f.name: f.pk for f in held.fees.all()},
        "template": template.pk,
        "steps": {s.position: s.pk for s in template.steps.all()},
    }


def records(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The procedure record and the offering record of ``data`` (a dump), to edit in place."""
    procedure = next(p for p in data["procedures"] if p["code"] == CODE)
    held = next(o for o in data["offerings"] if (o["procedure"], o["agency"]) == (CODE, AGENCY))
    return procedure, held


def edited(dumped: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The catalogue with one document renamed, one changed, one added, one removed, a fee amount and two
    steps' times changed (two, so that the template still adds up to its channels' time)."""
    data = copy.deepcopy(dumped)
    procedure, held = records(data)
    documents = procedure["documents"]
    names = {
        "renamed": documents[0]["name"],
        "changed": documents[1]["name"],
        "removed": documents[2]["name"],
    }
    documents[0]["name"] = "Tờ khai đăng ký khai sinh (mẫu mới)"
    documents[1]["quantity"] = 2
    del documents[2]
    documents.append({**documents[-1], "name": "Giấy tờ mới thêm", "condition": "Nếu có"})
    held["fees"][0]["amount_vnd"] = "8000"
    steps = held["templates"][0]["steps"]
    assert [s["allotted_amount"] for s in steps] == ["1", "5", "1", "1"]
    steps[1]["allotted_amount"], steps[3]["allotted_amount"] = "4", "2"
    return data, names


@pytest.mark.django_db
def test_a_reimport_keeps_the_ids_of_kept_rows_and_retires_the_removed_one(client: Client) -> None:
    before = ids()
    dumped = dump_catalog()
    data, names = edited(dumped)

    summary = load_catalog(copy.deepcopy(data))

    assert summary.counts["procedures"]["updated"] == 1
    assert summary.counts["offerings"]["updated"] == 1
    after = ids()
    # documents: the unchanged and the changed ones are the same rows; a renamed one is a new row (its name is
    # its key), the old one retired like the removed one
    kept = set(before["documents"]) - {names["renamed"], names["removed"]}
    assert {name: after["documents"][name] for name in kept} == {name: before["documents"][name] for name in kept}
    assert RequiredDocument.objects.get(pk=before["documents"][names["changed"]]).quantity == 2
    assert after["documents"]["Giấy tờ mới thêm"] not in before["documents"].values()
    for name in ("renamed", "removed"):
        old = RequiredDocument.all_objects.get(pk=before["documents"][names[name]])
        assert old.retired_at is not None
        assert old.name == names[name]
        assert not RequiredDocument.objects.filter(pk=old.pk).exists()
    # offering: every row kept its id, the changed ones were updated in place
    for kind in ("channels", "fees", "template", "steps"):
        assert after[kind] == before[kind], kind
    fee_name = records(data)[1]["fees"][0]["name"]
    assert Fee.objects.get(pk=before["fees"][fee_name]).amount_vnd == 8000
    steps = ProcessStep.objects.filter(template_id=before["template"]).order_by("position")
    assert [s.allotted_amount for s in steps] == [1, 4, 1, 2]
    # the dump is the file, without the retired rows
    assert dump_catalog() == data
    # and so is the API
    response = client.get(f"/api/v1/procedures/{CODE}")
    assert [d["name"] for d in response.json()["documents"]] == [d["name"] for d in records(data)[0]["documents"]]

    # the first file again: the retired rows come back as they were, the added and new-named ones retire
    load_catalog(copy.deepcopy(dumped))
    assert ids() == before
    assert dump_catalog() == dumped
    assert RequiredDocument.all_objects.filter(procedure__code=CODE, retired_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_unchanged_rows_are_not_written(django_assert_num_queries: Any) -> None:
    """Only the changed step is written: the other rows are compared and left alone."""
    dumped = dump_catalog()
    data = copy.deepcopy(dumped)
    _procedure, held = records(data)
    held["templates"][0]["name"] = "Quy trình đổi tên"
    data = {"format": data["format"], "offerings": [held]}
    # the version row, the offering (with its 5 kinds of children), its agencies, 4 reads of what it holds, the
    # offering's own update, the template's update; nothing for the channels, fees and steps
    with django_assert_num_queries(16) as captured:
        load_catalog(data)
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    tables = sorted({sql.split('"')[1] for sql in updates})
    assert tables == ["catalog_catalogversion", "catalog_offering", "catalog_processtemplate"]


@pytest.mark.django_db
def test_a_retired_template_takes_its_steps_and_comes_back_with_them() -> None:
    before = ids()
    dumped = dump_catalog()
    data = copy.deepcopy(dumped)
    _procedure, held = records(data)
    held["templates"] = []
    load_catalog(data)
    assert not offering().templates.exists()
    template = ProcessTemplate.all_objects.get(pk=before["template"])
    assert template.retired_at is not None
    steps = ProcessStep.all_objects.filter(template=template)
    assert steps.count() == 4
    assert all(step.retired_at is not None for step in steps)
    # a forward key to a retired row still resolves (Django follows it through the base manager): this is how
    # a dossier's document keeps its required document
    assert steps[0].template == template
    assert offering_for_intake(CODE, AGENCY).templates.all()[:] == []

    load_catalog(copy.deepcopy(dumped))
    assert ids() == before
    assert dump_catalog() == dumped


@pytest.mark.django_db
def test_a_shorter_template_retires_its_last_steps_and_a_channel_dropped_is_retired() -> None:
    before = ids()
    data = copy.deepcopy(dump_catalog())
    _procedure, held = records(data)
    steps = held["templates"][0]["steps"]
    steps[1]["allotted_amount"] = "6"  # 1 + 6 + 1 = 8 working hours: still one working day
    del steps[3]
    held["channels"] = [c for c in held["channels"] if c["channel"] != "postal"]
    load_catalog(data)
    template = offering().templates.get()
    assert [s.pk for s in template.steps.all()] == [before["steps"][1], before["steps"][2], before["steps"][3]]
    assert ProcessStep.all_objects.get(pk=before["steps"][4]).retired_at is not None
    assert {c.channel for c in offering().channels.all()} == {"counter", "online"}
    assert OfferingChannel.all_objects.get(pk=before["channels"]["postal"]).retired_at is not None
    assert dump_catalog() == data


@pytest.mark.django_db
def test_repeated_names_are_paired_by_occurrence() -> None:
    """Two documents of one name in one group: the first held one pairs with the first of the file."""
    data = copy.deepcopy(dump_catalog())
    procedure, _held = records(data)
    twin = {**procedure["documents"][0], "condition": "Bản thứ hai"}
    procedure["documents"].insert(1, twin)
    load_catalog(copy.deepcopy(data))
    first, second = RequiredDocument.objects.filter(procedure__code=CODE, name=twin["name"]).order_by("position")
    assert (first.condition, second.condition) == (procedure["documents"][0]["condition"], "Bản thứ hai")
    procedure["documents"][1]["condition"] = "Bản thứ hai, sửa"
    load_catalog(copy.deepcopy(data))
    again = list(RequiredDocument.objects.filter(procedure__code=CODE, name=twin["name"]).order_by("position"))
    assert [d.pk for d in again] == [first.pk, second.pk]
    assert again[1].condition == "Bản thứ hai, sửa"
    assert dump_catalog() == data


@pytest.mark.django_db
def test_the_same_channel_twice_is_a_problem_not_a_server_error() -> None:
    from motcua.catalog.interchange import CatalogLoadError

    data = copy.deepcopy(dump_catalog())
    _procedure, held = records(data)
    held["channels"].append(copy.deepcopy(held["channels"][0]))
    with pytest.raises(CatalogLoadError) as caught:
        load_catalog(data)
    assert any("bị lặp lại" in problem for problem in caught.value.problems)


@pytest.mark.django_db
def test_retired_rows_are_hidden_from_the_current_catalogue() -> None:
    """The detail selector and the intake selector read current rows only."""
    held = offering()
    channel = held.channels.get(channel="postal")
    channel.retire()
    fee = held.fees.first()
    fee.retire()
    document = held.procedure.documents.first()
    document.retire()
    detail = procedure_detail(CODE)
    detail_offering = next(o for o in detail.offerings.all() if o.pk == held.pk)
    assert "postal" not in {c.channel for c in detail_offering.channels.all()}
    assert fee.pk not in {f.pk for f in detail_offering.fees.all()}
    assert document.pk not in {d.pk for d in detail.documents.all()}
    intake = offering_for_intake(CODE, AGENCY)
    assert "postal" not in {c.channel for c in intake.channels.all()}
    assert document.pk not in {d.pk for d in intake.procedure.documents.all()}
    assert RequiredDocument.all_objects.filter(pk=document.pk).exists()


# -------------------------------------------------------------------------------------------------
# the admin


def offering_form(held: Offering, delete_fee: int | None = None) -> dict[str, Any]:
    channels, fees = list(held.channels.all()), list(held.fees.all())
    data: dict[str, Any] = {
        "procedure": held.procedure_id,
        "agency": held.agency_id,
        "receiving_agency": held.receiving_agency_id or "",
        "active": "on",
        "notes": held.notes,
        "channels-TOTAL_FORMS": len(channels),
        "channels-INITIAL_FORMS": len(channels),
        "channels-MIN_NUM_FORMS": 0,
        "channels-MAX_NUM_FORMS": 1000,
        "fees-TOTAL_FORMS": len(fees),
        "fees-INITIAL_FORMS": len(fees),
        "fees-MIN_NUM_FORMS": 0,
        "fees-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(channels):
        data |= {
            f"channels-{i}-id": row.pk,
            f"channels-{i}-offering": held.pk,
            f"channels-{i}-channel": row.channel,
            f"channels-{i}-processing_amount": row.processing_amount or "",
            f"channels-{i}-processing_unit": row.processing_unit,
            f"channels-{i}-processing_text": row.processing_text,
        }
    for i, fee in enumerate(fees):
        data |= {
            f"fees-{i}-id": fee.pk,
            f"fees-{i}-offering": held.pk,
            f"fees-{i}-position": fee.position,
            f"fees-{i}-kind": fee.kind,
            f"fees-{i}-name": fee.name,
            f"fees-{i}-amount_vnd": fee.amount_vnd if fee.amount_vnd is not None else "",
            f"fees-{i}-condition": fee.condition,
            f"fees-{i}-channel": fee.channel,
        }
        if fee.pk == delete_fee:
            data[f"fees-{i}-DELETE"] = "on"
    return data


@pytest.mark.django_db
def test_deleting_a_fee_in_the_admin_retires_it(admin_client: Client) -> None:
    held = offering()
    fee = held.fees.first()
    response = admin_client.post(f"/admin/catalog/offering/{held.pk}/change/", offering_form(held, fee.pk))
    assert response.status_code == 302, response.content.decode()
    assert Fee.all_objects.get(pk=fee.pk).retired_at is not None
    assert fee.pk not in {f.pk for f in held.fees.all()}
    page = admin_client.get(f"/admin/catalog/offering/{held.pk}/change/")
    listed = {
        form.instance.pk
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is Fee
        for form in inline.formset.forms
    }
    assert fee.pk not in listed  # the inlines list current rows only
    assert held.fees.first().pk in listed
    # a new row of the same key beside the retired one is allowed, and the next import pairs with it
    data = offering_form(held)
    index = data["fees-TOTAL_FORMS"]
    data |= {
        "fees-TOTAL_FORMS": index + 1,
        f"fees-{index}-offering": held.pk,
        f"fees-{index}-position": 0,
        f"fees-{index}-kind": fee.kind,
        f"fees-{index}-name": fee.name,
        f"fees-{index}-amount_vnd": "",
        f"fees-{index}-condition": "",
        f"fees-{index}-channel": fee.channel,
    }
    assert admin_client.post(f"/admin/catalog/offering/{held.pk}/change/", data).status_code == 302
    dumped = dump_catalog()
    load_catalog(copy.deepcopy(dumped))
    assert dump_catalog() == dumped


# -------------------------------------------------------------------------------------------------
# every way in: the admin's upload, the Excel round trip


@pytest.mark.django_db
def test_an_upload_in_the_admin_keeps_the_ids(admin_client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = ids()
    data, names = edited(dump_catalog())
    content = json.dumps(data, ensure_ascii=False).encode()
    response = admin_client.post(
        "/admin/catalog/procedure/import/", {"files": [SimpleUploadedFile("danh-muc.json", content)]}
    )
    assert response.status_code == 200
    after = ids()
    assert after["documents"][names["changed"]] == before["documents"][names["changed"]]
    assert RequiredDocument.all_objects.get(pk=before["documents"][names["removed"]]).retired_at is not None
    for kind in ("channels", "fees", "template", "steps"):
        assert after[kind] == before[kind], kind
    assert dump_catalog() == data


@pytest.mark.django_db
def test_the_excel_round_trip_keeps_the_ids() -> None:
    from motcua.catalog.spreadsheet import catalog_to_xlsx, xlsx_to_catalog

    before = ids()
    data, _names = edited(dump_catalog())
    load_catalog(xlsx_to_catalog(catalog_to_xlsx(data)))
    assert dump_catalog() == data
    dumped = dump_catalog()
    load_catalog(xlsx_to_catalog(catalog_to_xlsx(dumped)))
    assert dump_catalog() == dumped
    after = ids()
    for kind in ("channels", "fees", "template", "steps"):
        assert after[kind] == before[kind], kind
