"""No field that holds the portal's text refuses or cuts it (issue 8).

Names of procedures on the national portal run to hundreds of characters, and the fields that held them had
limits (1,000 for a procedure name, 255 for an issuing body, a decision number, a procedure type, a field, a
step, 500 for a fee); a longer text made the whole file fail to import. They are text columns now, without a
limit; only the admin's lists shorten what they show.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from motcua.catalog.importing import import_paths
from motcua.catalog.interchange import dump_catalog, load_catalog
from motcua.catalog.models import Procedure
from motcua.testing import national_catalog_dir, sampled_for

LONGEST_NAME = sampled_for("longest-name")  # bo-tai-chinh/1.009131


def raw(name: str) -> dict[str, Any]:
    return json.loads((national_catalog_dir() / "detail" / f"{name}.json").read_text(encoding="utf-8"))


def squeezed(text: str) -> str:
    """White space collapsed, as the importer stores every plain section."""
    return " ".join(text.split())


def write_record(directory: Path, record: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{record['ma_thu_tuc']}.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return directory


@pytest.mark.django_db
def test_the_longest_real_name_comes_back_whole(tmp_path: Path, client: Client) -> None:
    record = raw(LONGEST_NAME)
    name = squeezed(record["ten_thu_tuc"])
    assert len(name) > 600  # regression figure: the longest name of the 1,844 published records
    report = import_paths([write_record(tmp_path, record)])
    assert report.failed == []
    assert client.get(f"/api/v1/procedures/{record['ma_thu_tuc']}").json()["name"] == name
    assert dump_catalog()["procedures"][0]["name"] == name


@pytest.mark.django_db
def test_texts_longer_than_the_old_limits_import_whole(tmp_path: Path, client: Client) -> None:
    """A real record whose sections are made longer than the columns used to allow: nothing refused, nothing cut."""
    record = raw(LONGEST_NAME)
    name = squeezed(f"{record['ten_thu_tuc']} — {record['ten_thu_tuc']}")
    decisions = "; ".join([squeezed(record["so_quyet_dinh"])] * 30)
    procedure_type = "Thủ tục hành chính " + "được sửa đổi, bổ sung, thay thế " * 10
    field_name = "Lĩnh vực " + "tài chính, ngân sách, thuế, phí, lệ phí " * 8
    assert min(len(name), len(decisions), len(procedure_type), len(field_name)) > 255
    assert len(name) > 1000
    record |= {
        "ten_thu_tuc": name,
        "so_quyet_dinh": decisions,
        "loai_thu_tuc": procedure_type,
        "linh_vuc": field_name,
    }
    report = import_paths([write_record(tmp_path, record)])
    assert report.failed == [], report.failed[0].error if report.failed else ""
    data = client.get(f"/api/v1/procedures/{record['ma_thu_tuc']}").json()
    assert data["name"] == name
    assert data["decision_number"] == decisions
    assert data["procedure_type"] == squeezed(procedure_type)
    assert data["field"]["name"] == squeezed(field_name)
    dumped = dump_catalog()
    assert dumped["procedures"][0]["name"] == name
    assert dumped["fields"][0]["name"] == squeezed(field_name)
    assert import_paths([tmp_path]).total("updated") == 0


@pytest.mark.usefixtures("demo_catalog")
def test_long_names_of_agencies_fees_templates_and_steps_load_whole() -> None:
    data = copy.deepcopy(dump_catalog())
    long = "Tên rất dài " * 60  # 720 characters
    data["agencies"][0]["name"] = data["agencies"][0]["address"] = long.strip()
    offering = next(o for o in data["offerings"] if o["fees"] and o["templates"])
    offering["fees"][0]["name"] = long.strip()
    offering["templates"][0]["name"] = long.strip()
    offering["templates"][0]["steps"][0]["name"] = long.strip()
    load_catalog(copy.deepcopy(data))
    assert dump_catalog() == data


@pytest.mark.django_db
def test_the_admin_list_shortens_a_long_name_only_for_display(tmp_path: Path, admin_client: Client) -> None:
    record = raw(LONGEST_NAME)
    import_paths([write_record(tmp_path, record)])
    name = Procedure.objects.get(code=record["ma_thu_tuc"]).name
    page = admin_client.get("/admin/catalog/procedure/").content.decode()
    assert name[:100] in page
    assert name not in page
    assert f"{name[:159]}…" in page  # 160 characters shown, the last one an ellipsis
