"""The catalogue's own format: idempotent loads, faithful round trips, nothing half-written."""

import copy
from collections.abc import Callable
from typing import Any

import pytest

from motcua.catalog.interchange import CatalogLoadError, dump_catalog, load_catalog
from motcua.catalog.models import Agency, Offering, Procedure, ProcessTemplate
from motcua.catalog.models import Procedure as ProcedureModel


@pytest.mark.django_db
def test_demo_catalogue_loads_with_its_counts(demo_catalog_data: Callable[[], dict[str, Any]]) -> None:
    summary = load_catalog(demo_catalog_data())
    assert summary.counts["agencies"]["created"] == 34
    assert summary.counts["procedures"]["created"] == 38
    assert Offering.objects.count() == summary.counts["offerings"]["created"] > 0
    assert ProcessTemplate.objects.exists()


@pytest.mark.django_db
def test_loading_twice_changes_nothing(demo_catalog_data: Callable[[], dict[str, Any]]) -> None:
    load_catalog(demo_catalog_data())
    first = dump_catalog()
    summary = load_catalog(demo_catalog_data())
    assert summary.total("created") == 0
    assert summary.total("updated") == 0
    assert dump_catalog() == first


@pytest.mark.django_db
def test_dump_then_load_round_trips(demo_catalog: dict[str, Any]) -> None:
    dumped = dump_catalog()
    summary = load_catalog(copy.deepcopy(dumped))
    assert summary.total("created") == summary.total("updated") == 0
    # and into an empty database
    Offering.objects.all().delete()
    ProcedureModel.objects.all().delete()
    load_catalog(copy.deepcopy(dumped))
    assert dump_catalog() == dumped


@pytest.mark.django_db
def test_an_edit_is_an_update(demo_catalog: dict[str, Any]) -> None:
    data = copy.deepcopy(demo_catalog)
    data["procedures"][0]["name"] = "Tên mới"
    summary = load_catalog(data)
    assert summary.counts["procedures"]["updated"] == 1
    assert Procedure.objects.get(code=data["procedures"][0]["code"]).name == "Tên mới"


@pytest.mark.django_db
def test_a_bad_record_names_itself_and_nothing_is_written(demo_catalog_data: Callable[[], dict[str, Any]]) -> None:
    data = demo_catalog_data()
    data["procedures"][3]["code"] = "not-a-code"
    with pytest.raises(CatalogLoadError) as caught:
        load_catalog(data)
    assert any(problem.startswith("procedures[3].code:") for problem in caught.value.problems)
    assert Agency.objects.count() == 0
    assert Procedure.objects.count() == 0


@pytest.mark.django_db
def test_structure_errors_name_the_field() -> None:
    with pytest.raises(CatalogLoadError) as caught:
        load_catalog({"format": "motcua-catalog/1", "procedures": [{"code": "1.001193"}]})
    assert caught.value.problems == ["procedures.0.name: Field required"]
    with pytest.raises(CatalogLoadError):
        load_catalog({"format": "something-else"})


@pytest.mark.django_db
def test_a_template_that_does_not_add_up_is_refused(demo_catalog_data: Callable[[], dict[str, Any]]) -> None:
    data = demo_catalog_data()
    index = next(i for i, o in enumerate(data["offerings"]) if o["templates"])
    data["offerings"][index]["templates"][0]["steps"][0]["allotted_amount"] = 99
    with pytest.raises(CatalogLoadError) as caught:
        load_catalog(data)
    assert caught.value.problems[0].startswith(f"offerings[{index}].templates[0]:")
    assert Offering.objects.count() == 0


@pytest.mark.django_db
def test_invalid_agency_identifier_is_refused(demo_catalog_data: Callable[[], dict[str, Any]]) -> None:
    data = demo_catalog_data()
    data["agencies"][0]["identifier"] = "H55.242"
    with pytest.raises(CatalogLoadError) as caught:
        load_catalog(data)
    assert any(p.startswith("agencies[0].identifier:") for p in caught.value.problems)
    assert Agency.objects.count() == 0
