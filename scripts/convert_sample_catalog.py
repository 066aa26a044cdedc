"""Turn the shared Thái Nguyên sample catalogue into motcua's demo fixture (``motcua-catalog/1``).

Run once by a developer (``python scripts/convert_sample_catalog.py``) when the sample changes; the
demo itself reads only the fixture it writes, so the project runs without ``../shared``.

What is copied and what is added:

- facts (names, codes, levels, fees, documents, legal basis, processing times) are copied as they are;
  unknown values stay unknown (null), never invented;
- agencies have no known electronic identifier yet: each gets a placeholder of the right shape,
  ``999.00.NN.H55``, flagged ``identifier_is_placeholder``;
- procedures without a national code get a provisional local code ``H55-<sample id>``;
- offerings (which agency resolves what) follow the sample's ``handles_examples`` and agency names;
- process templates are *illustrative* (flagged in their name): receipt, appraisal, approval and return
  in fixed shares of the processing time, with an inter-agency step where the sample names one.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "data" / "catalog" / "thai-nguyen-sample.yaml"
TARGET = ROOT / "src" / "motcua" / "catalog" / "fixtures" / "demo_catalog.yaml"

LEVELS = {"tinh": "province", "huyen": "district", "xa": "commune"}
KINDS = {
    "ubnd": "peoples_committee",
    "co_quan_chuyen_mon": "department",
    "don_vi_hanh_chinh_dac_thu": "service_centre",
    "don_vi_su_nghiep": "public_service_unit",
    "cong_an": "police",
}
FORMS = {
    "ban_chinh": "original",
    "ban_sao": "copy",
    "ban_chinh_hoac_ban_sao": "original_or_copy",
    "xuat_trinh": "present_only",
}
CHANNELS = {"truc_tiep": "counter", "truc_tuyen": "online", "buu_chinh": "postal"}
UNITS = {"ngay_lam_viec": "working_days", "ngay": "calendar_days", "gio": "working_hours"}
DOCUMENT_TYPES = [  # keyword in the document's name → reuse key
    ("giấy tờ tùy thân", "giay-to-tuy-than"),
    ("chứng minh nơi cư trú", "xac-nhan-cu-tru"),
    ("văn bản ủy quyền", "van-ban-uy-quyen"),
    ("giấy chứng sinh", "giay-chung-sinh"),
    ("giấy khai sinh", "giay-khai-sinh"),
    ("tờ khai", "to-khai"),
]
DOC_NUMBER = re.compile(r"^(?P<number>[0-9]+/[0-9]{4}/[^\s(]+|[0-9]+/[^\s(]+)\s*(?:\((?P<title>.*)\))?\s*$")
RESULT_CODE = re.compile(r"KQ\.[A-Z0-9]+\.[0-9]+")


def fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def agency_validity(agency: dict) -> dict:
    period = agency["period"]
    if period == "hien_hanh_2_cap":
        return {"valid_from": "2025-07-01"}
    if period == "truoc_01_07_2025":
        return {"valid_to": "2025-06-30"}
    if period == "truoc_03_2025":
        return {"valid_to": "2025-02-28"}
    return {}


def convert_agencies(sample: list[dict]) -> tuple[list[dict], dict[str, str]]:
    ids = {a["id"]: f"999.00.{n:02d}.H55" for n, a in enumerate(sample, start=1)}
    successors = {"A11": "A12", "X-OLD-05443": "X-05443", "X-OLD-05449": "X-05443"}
    out = []
    for a in sample:
        notes = " ".join(x for x in (a.get("formed_from"), a.get("notes")) if x)
        record = {
            "identifier": ids[a["id"]],
            "identifier_is_placeholder": True,
            "name": a["name"],
            "level": LEVELS[a["level"]],
            "kind": KINDS.get(a["type"], "other"),
            "parent": ids.get(a["parent"]) if a["parent"] else None,
            "successor": ids[successors[a["id"]]] if a["id"] in successors else None,
            "admin_unit_code": a.get("admin_unit_code") or "",
            "address": a.get("address") or "",
            "notes": f"[{a['id']}] {notes}".strip(),
            **agency_validity(a),
        }
        out.append(record)
    return out, ids


def legal_basis(entries: list[str]) -> list[dict]:
    out = []
    for entry in entries or []:
        match = DOC_NUMBER.match(entry.strip())
        if match:
            out.append({"number": match.group("number"), "title": match.group("title") or ""})
        else:
            out.append({"number": "", "title": entry})
    return out


def results(p: dict) -> list[dict]:
    names = p.get("result") or []
    codes = RESULT_CODE.findall(p.get("notes") or "")
    if len(names) == 1 and len(codes) == 1:
        return [{"code": codes[0], "name": names[0]}]
    return [{"code": "", "name": name} for name in names]


def online_level(value: str | None) -> str:
    if value and value.startswith("toan_trinh"):
        return "full"
    if value and value.startswith("mot_phan"):
        return "partial"
    return ""


def document_type(name: str) -> str:
    lower = name.lower()
    for keyword, key in DOCUMENT_TYPES:
        if keyword in lower:
            return key
    return ""


def procedure_code(p: dict) -> str:
    return p["code"] or p["code_candidate"] or f"H55-{p['id']}"


def field_name(name: str) -> str:
    return name.replace(" (liên thông)", "")


def convert_procedure(p: dict) -> dict:
    notes = [p.get("notes") or ""]
    if p["code"] is None and p["code_candidate"]:
        notes.append(f"Mã {p['code_candidate']} là mã dự kiến, chưa xác minh trên Cổng DVCQG.")
    if p["code"] is None and not p["code_candidate"]:
        notes.append("Chưa tìm thấy mã thủ tục quốc gia: dùng mã tạm của tỉnh.")
    if p.get("online_level") and not online_level(p["online_level"]):
        notes.append(f"Mức độ trực tuyến theo nguồn: {p['online_level']}")
    record = {
        "code": procedure_code(p),
        "name": p["name"],
        "field": fold(field_name(p["field"])),
        "levels": [LEVELS[p["level"]]],
        "issuing_body": p.get("ministry") or "",
        "resolving_agencies": p.get("agency") or "",
        "coordinating_agencies": "; ".join(p.get("agency_coordination") or []),
        "online_level": online_level(p.get("online_level")),
        "status": "published",
        "legal_basis": legal_basis(p.get("legal_basis")),
        "results": results(p),
        "notes": " ".join(n for n in notes if n).strip(),
        "source_url": p.get("source") or "",
        "documents": [
            {
                "name": d["name"],
                "quantity": d.get("quantity") or 1,
                "form": FORMS.get(d.get("form"), "original"),
                "condition": d.get("condition") or "",
                "document_type": document_type(d["name"]),
            }
            for d in p.get("documents") or []
        ],
    }
    if p["period"] == "truoc_01_07_2025":
        record["valid_to"] = "2025-06-30"
    return record


def channels(p: dict) -> list[dict]:
    time = p["processing_time"] or {}
    value, unit, text = time.get("value"), time.get("unit"), time.get("text") or ""
    if time.get("same_day"):
        amount, unit_code = None, "same_day"
    elif value is not None and unit in UNITS:
        amount, unit_code = value, UNITS[unit]
    else:
        amount, unit_code = value, ""  # unit unknown: keep the number and the text, never guess
    if unit_code == "" and amount is None:
        amount = None
    return [
        {"channel": CHANNELS[mode], "processing_amount": amount, "processing_unit": unit_code, "processing_text": text}
        for mode in p.get("submission_modes") or []
    ]


def fees(p: dict) -> list[dict]:
    out = []
    for f in p.get("fees") or []:
        condition = " ".join(
            x for x in (f.get("condition"), f"Cổng ghi: {f['portal_display']}" if f.get("portal_display") else "") if x
        )
        out.append(
            {
                "kind": "charge" if f["kind"] == "le_phi" else "fee",
                "name": f["name"],
                "amount_vnd": f.get("amount_vnd"),
                "condition": condition,
            }
        )
    return out


def template(rows: list[dict], partner: str | None) -> list[dict]:
    """An illustrative process: about 1/8 each (rounded down to a half hour, or a whole calendar day) for
    receipt, approval and return, the rest for appraisal (shared with the partner agency for an
    inter-agency procedure)."""
    durations = {(r["processing_amount"], r["processing_unit"]) for r in rows}
    if len(durations) != 1:
        return []
    amount, unit = durations.pop()
    if unit == "same_day":
        total, step_unit = Decimal(8), "working_hours"
    elif unit == "working_days" and amount:
        total, step_unit = Decimal(amount) * 8, "working_hours"
    elif unit == "calendar_days" and amount and amount >= 8:
        total, step_unit = Decimal(amount), "calendar_days"
    else:
        return []
    if step_unit == "calendar_days":  # whole days: a "1.5 day" step would end in the evening
        share = max(Decimal(1), (total / 8).to_integral_value(rounding="ROUND_FLOOR"))
    else:
        share = max(Decimal("0.5"), (total / 8 * 2).to_integral_value(rounding="ROUND_FLOOR") / 2)
    appraisal = total - 3 * share
    steps = [{"name": "Tiếp nhận hồ sơ", "role": "counter", "allotted_amount": share}]
    if partner:
        partner_share = (appraisal / 2).to_integral_value(rounding="ROUND_FLOOR")
        steps.append({"name": "Thẩm định hồ sơ", "role": "specialist", "allotted_amount": appraisal - partner_share})
        steps.append(
            {
                "name": "Xử lý liên thông",
                "role": "specialist",
                "executing_agency": partner,
                "allotted_amount": partner_share,
            }
        )
    else:
        steps.append({"name": "Thẩm định hồ sơ", "role": "specialist", "allotted_amount": appraisal})
    steps.append({"name": "Phê duyệt, ký kết quả", "role": "leader", "allotted_amount": share})
    steps.append({"name": "Trả kết quả", "role": "counter", "allotted_amount": share})
    for step in steps:
        step["allotted_amount"] = (
            float(step["allotted_amount"]) if step["allotted_amount"] % 1 else int(step["allotted_amount"])
        )
        step["allotted_unit"] = step_unit
    return [{"channel": "", "name": "Quy trình minh họa (dữ liệu mẫu)", "steps": steps}]


def main() -> None:
    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    agencies, ids = convert_agencies(sample["agencies"])
    by_sample_id = {a["id"]: a for a in sample["agencies"]}
    communes = [sid for sid, a in by_sample_id.items() if a["level"] == "xa" and a["status"] == "active"]
    districts = [sid for sid, a in by_sample_id.items() if a["level"] == "huyen"]
    handles = {
        pid: sid for sid, a in by_sample_id.items() for pid in a.get("handles_examples") or [] if a["level"] == "tinh"
    }
    by_name = [  # agency named in a province procedure's text → sample id
        ("Công an tỉnh", "A17"),
        ("Sở Xây dựng", "A14"),
        ("Sở Y tế", "A15"),
        ("Sở Tư pháp", "A08"),
        ("Sở Tài chính", "A04"),
    ]
    partners = {"X07": "A17", "X15": "A13", "T08": "A13"}
    procedures = [convert_procedure(p) for p in sample["procedures"]]
    offerings = []
    for p in sample["procedures"]:
        rows = channels(p)
        if p["level"] == "xa":
            resolvers = communes
        elif p["level"] == "huyen":
            resolvers = districts
        else:
            resolver = handles.get(p["id"]) or next((sid for name, sid in by_name if name in p["agency"]), None)
            resolvers = [resolver] if resolver else []
        for sid in resolvers:
            partner = partners.get(p["id"])
            receiving = "A03" if by_sample_id[sid]["type"] == "co_quan_chuyen_mon" else None
            offerings.append(
                {
                    "procedure": procedure_code(p),
                    "agency": ids[sid],
                    "receiving_agency": ids[receiving] if receiving else None,
                    "channels": rows,
                    "fees": fees(p),
                    "templates": template(rows, ids[partner] if partner and partner != sid else None),
                }
            )
    fields = sorted({(fold(field_name(p["field"])), field_name(p["field"])) for p in sample["procedures"]})
    document = {
        "format": "motcua-catalog/1",
        "agencies": agencies,
        "fields": [{"code": code, "name": name} for code, name in fields],
        "procedures": procedures,
        "offerings": offerings,
    }
    header = (
        "# motcua demo catalogue (format motcua-catalog/1), generated by scripts/convert_sample_catalog.py\n"
        "# from shared/data/catalog/thai-nguyen-sample.yaml. Agency identifiers are placeholders (999.00.NN.H55);\n"
        "# process templates are illustrative. Unknown values are null, never invented.\n"
    )
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(
        header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8"
    )
    print(
        f"{len(agencies)} agencies, {len(procedures)} procedures, {len(offerings)} offerings → {TARGET}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
