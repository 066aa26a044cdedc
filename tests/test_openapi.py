"""The committed OpenAPI document must describe the code as it is (regenerate with ``make openapi``)."""

import json
from pathlib import Path

from motcua.web.management.commands.export_openapi import openapi_text

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


def test_committed_openapi_document_matches_the_code() -> None:
    committed = DOCUMENT.read_text(encoding="utf-8")
    assert json.loads(committed) == json.loads(openapi_text()), "docs/openapi.json is stale: run `make openapi`"
