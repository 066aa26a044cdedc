"""The committed OpenAPI document must describe the code as it is (regenerate with ``make openapi``)."""

import json
from collections import defaultdict
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any, get_args

import pytest
from django.test import Client
from jsonschema import Draft202012Validator
from pydantic import BaseModel

from motcua.api import api
from motcua.catalog.models import RequiredDocument
from motcua.web.management.commands.export_openapi import openapi_text

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


def test_committed_openapi_document_matches_the_code() -> None:
    committed = DOCUMENT.read_text(encoding="utf-8")
    assert json.loads(committed) == json.loads(openapi_text()), "docs/openapi.json is stale: run `make openapi`"


# -------------------------------------------------------------------------------------------------
# the published document is what the server does


def _nested_types(annotation: Any) -> Iterator[type]:
    """The schema classes (models and enums) an annotation refers to, through lists, unions, Annotated…"""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel | Enum):
        yield annotation
        return
    for argument in get_args(annotation):
        yield from _nested_types(argument)


def _schema_classes() -> dict[str, set[type]]:
    """Every schema class behind the routes (what becomes a component), by the name it is published under.

    The roots are the models django-ninja builds for each operation's parameters and responses; they are
    flattened into the operation, and what their fields refer to becomes ``components.schemas``.
    """
    roots: list[type[BaseModel]] = []
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                roots += operation.models
                roots += [model for model in operation.response_models.values() if isinstance(model, type)]
    found: dict[str, set[type]] = defaultdict(set)
    seen: set[type] = set()
    pending = [
        nested for root in roots for info in root.model_fields.values() for nested in _nested_types(info.annotation)
    ]
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        found[cls.__name__].add(cls)
        if issubclass(cls, BaseModel):
            pending += [nested for info in cls.model_fields.values() for nested in _nested_types(info.annotation)]
    return found


def test_no_two_schema_classes_share_a_component_name() -> None:
    classes = _schema_classes()
    shared = {
        name: sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in group)
        for name, group in classes.items()
        if len(group) > 1
    }
    assert not shared, f"one of each silently replaces the other in the OpenAPI document: {shared}"
    # the walk sees what ninja publishes: every component is one of these classes, and every class is published
    assert set(api.get_openapi_schema()["components"]["schemas"]) == set(classes)


def _validator(document: dict[str, Any], path: str, status: str = "200") -> Draft202012Validator:
    """A validator of the responses the published document promises for ``GET path`` with ``status``."""
    response = document["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
    return Draft202012Validator(
        {**response, "components": document["components"]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@pytest.mark.usefixtures("demo_catalog")
def test_procedure_responses_validate_against_the_published_schema(client: Client) -> None:
    document = json.loads(openapi_text())  # the live document, as it is published
    detail = _validator(document, "/api/v1/procedures/{code}")
    listing = _validator(document, "/api/v1/procedures")
    page = client.get("/api/v1/procedures", {"limit": 100}).json()
    listing.validate(page)
    assert len(page["items"]) == page["count"] == 38
    for item in page["items"]:
        response = client.get(f"/api/v1/procedures/{item['code']}")
        assert response.status_code == 200
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in detail.iter_errors(response.json())]
        assert not errors, f"{item['code']}: {errors[:5]}"
    missing = client.get("/api/v1/procedures/khong-co")
    assert missing.status_code == 404
    _validator(document, "/api/v1/procedures/{code}", "404").validate(missing.json())


@pytest.mark.usefixtures("demo_catalog")
def test_a_procedure_exposes_the_ids_an_online_filing_needs(client: Client) -> None:
    documents = client.get("/api/v1/procedures/2.001035").json()["documents"]
    assert documents
    ids = {document["id"] for document in documents}
    assert ids == set(RequiredDocument.objects.filter(procedure__code="2.001035").values_list("pk", flat=True))
