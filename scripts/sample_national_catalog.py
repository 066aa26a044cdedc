"""Select, reproducibly, the sample of the national catalogue that the tests read, from the full data set.

Run from the repository::

    .venv/bin/python scripts/sample_national_catalog.py [FULL_SET] [--check]

``FULL_SET`` is the folder with ``detail/<ministry>/<code>.json`` and ``danh-sach-tthc-*.xlsx`` (default:
``$MOTCUA_SHARED_DIR/data/national-catalog``, else ``../shared/data/national-catalog`` beside the repository).
The sample is written to ``src/motcua/catalog/tests/data/national-catalog/`` in the same layout, together with
``SAMPLE.json``, which names every file with the criteria that chose it. ``--check`` writes nothing and fails
when the committed sample is not what this script selects (run it after changing the criteria or the parser).

The files are copied byte for byte: the tests read what the portal published, not a cleaned copy. A record is
chosen by at least one of these criteria, applied to the full set in this order; a criterion that a record
already chosen meets is served by it (the smallest such), else the smallest file of the full set that meets it
is added (then the first path), so the same full set always gives the same sample:

1. ``hand-checked``: the records whose values the tests' expectations were read from by hand, from the JSON
   text (:data:`HAND_CHECKED`);
2. ``problem:<section>/<reason>``: each kind of parse problem the parser reports over the full set, per
   section of the record (``cach_thuc_thuc_hien/no_unit``, ``can_cu_phap_ly/no_number``, …);
3. ``unit:<code>``: each unit of a processing time (working days, working hours, calendar days, months, and a
   time without unit);
4. ``fee:<shape>``: each shape of fee: VND amounts, USD amounts, free (``Miễn phí``), an amount the parser
   could not read (prose), and a channel row without any fee;
5. ``channels:<n>``: a record with each number of channel rows (0 to the largest), and one where a channel
   has several rows;
6. ``documents:…``: documents with template files, documents in groups, the largest number of documents, the
   longest documents section (``thanh_phan_ho_so``), and the smallest record whose documents section is longer
   than an Excel cell (32,767 characters), which the Excel export must continue in further columns;
7. ``levels:<levels>``: each combination of implementation levels (multi-level procedures among them);
8. ``longest-name``: the longest procedure name;
9. ``empty:<section>``: for each section, a record that leaves it empty (``Không có thông tin`` or absent);
10. ``publisher:<folder>``: one record of each publisher (ministry folder).

The portal's Excel lists are copied whole while they are at most :data:`LIST_LIMIT` bytes (all five are, at
7–47 KB); a larger list is cut down with openpyxl to its title block and header row (rows 1 and 2, untouched)
and the rows of the procedures sampled above.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "src"))

from motcua.catalog.importers.portal_detail import NO_INFORMATION, ParsedRecord, RecordError, parse_text  # noqa: E402
from motcua.testing import SAMPLE_DIR as TARGET  # noqa: E402
from motcua.testing import full_national_catalog_dir  # noqa: E402

#: Records the tests' expectations were read from by hand (ministry folder / code).
HAND_CHECKED = [
    "bo-cong-an/1.000236",
    "bo-cong-an/1.000771",
    "bo-cong-an/1.000807",
    "bo-cong-an/1.003133",
    "bo-cong-an/1.003358",
    "bo-cong-an/1.003777",
    "bo-cong-an/1.003799",
    "bo-cong-an/1.004073",
    "bo-cong-an/1.010047",
    "bo-cong-an/1.014980",
    "bo-cong-an/3.000382",
    "bo-cong-an/3.000526",
    "bo-tai-chinh/1.000014",
    "bo-tai-chinh/1.000020",
    "bo-tai-chinh/1.001521",
    "bo-tai-chinh/1.001612",
    "bo-tai-chinh/1.007689",
    "bo-tai-chinh/1.007846",
    "bo-tai-chinh/1.007857",
    "bo-tai-chinh/1.008312",
    "bo-tai-chinh/1.008562",
    "bo-tai-chinh/1.009056",
    "bo-tai-chinh/1.009539",
    "bo-tai-chinh/1.009825",
    "bo-tai-chinh/1.010995",
    "bo-tai-chinh/1.012340",
    "bo-tai-chinh/1.013483",
    "bo-tai-chinh/2.000575",
    "bo-tai-chinh/2.000720",
    "bo-tai-chinh/2.001199",
    "bo-tu-phap/1.000080",
    "bo-tu-phap/1.000426",
    "bo-tu-phap/1.001193",
    "bo-tu-phap/1.001233",
    "bo-tu-phap/1.005136",
    "bo-tu-phap/2.000908",
    "bo-xay-dung/1.004268",
    "bo-xay-dung/1.004709",
    "bo-xay-dung/1.009444",
    "bo-xay-dung/1.010702",
    "bo-xay-dung/1.013097",
    "bo-xay-dung/5.002581",
    "bo-xay-dung/5.003732",
    "toa-an-nhan-dan/3.000163",
    "toa-an-nhan-dan/3.000164",
    "toa-an-nhan-dan/3.000165",
]

#: Sections of a detail record that may be left empty.
SECTIONS = [
    "so_quyet_dinh",
    "cap_thuc_hien",
    "loai_thu_tuc",
    "linh_vuc",
    "doi_tuong_thuc_hien",
    "co_quan_co_tham_quyen",
    "co_quan_thuc_hien",
    "co_quan_phoi_hop",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "ket_qua_xu_ly",
]

#: Excel's limit of characters in a cell.
EXCEL_CELL = 32_767
#: Largest Excel list copied whole.
LIST_LIMIT = 256 * 1024


class Record:
    """One file of the full set, parsed."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.name = path.relative_to(root).with_suffix("").as_posix()  # bo-tu-phap/1.001193
        self.size = path.stat().st_size
        self.text = path.read_text(encoding="utf-8")
        self.raw = json.loads(self.text)
        self.parsed: ParsedRecord = parse_text(self.text)

    @property
    def order(self) -> tuple[int, str]:
        return self.size, self.name


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ("", NO_INFORMATION))


def criteria(record: Record) -> set[str]:
    """Every criterion of the docstring that ``record`` meets (the "smallest" ones are decided later)."""
    parsed = record.parsed
    met = {f"problem:{p.field}/{p.reason}" for p in parsed.problems}
    rows = parsed.channels
    for row in rows:
        met |= {f"unit:{t.unit or 'none'}" for t in row.times}
        for fee in row.fees:
            if fee.amount is None:
                met.add("fee:unread")
            elif fee.amount == 0 and fee.currency is None:
                met.add("fee:free")
            elif fee.currency:
                met.add(f"fee:{fee.currency}")
        if not row.fees:
            met.add("fee:none")
    met.add(f"channels:{len(rows)}")
    if len({row.channel for row in rows}) < len(rows):
        met.add("channels:repeated")
    if any(d.templates for d in parsed.documents):
        met.add("documents:templates")
    if any(d.group for d in parsed.documents):
        met.add("documents:groups")
    if len(str(record.raw.get("thanh_phan_ho_so") or "")) > EXCEL_CELL:
        met.add("documents:longer-than-a-cell")
    met.add(f"levels:{'+'.join(sorted(set(parsed.levels))) or 'none'}")
    met |= {f"empty:{section}" for section in SECTIONS if _empty(record.raw.get(section))}
    met.add(f"publisher:{record.name.split('/')[0]}")
    return met


def select(records: list[Record]) -> dict[str, list[str]]:
    """Sample record name → the criteria that chose it."""
    chosen: dict[str, set[str]] = {}

    def choose(record: Record, criterion: str) -> None:
        chosen.setdefault(record.name, set()).add(criterion)

    by_name = {r.name: r for r in records}
    for name in HAND_CHECKED:
        if name not in by_name:
            raise SystemExit(f"the hand-checked record {name} is not in the full set")
        choose(by_name[name], "hand-checked")
    met = {r.name: criteria(r) for r in records}
    for criterion in sorted({c for found in met.values() for c in found}):
        # a record already in the sample that meets the criterion serves; else the smallest of the full set
        pool = [by_name[name] for name in chosen if criterion in met[name]] or records
        choose(min((r for r in pool if criterion in met[r.name]), key=lambda r: r.order), criterion)

    def most(criterion: str, measure: Callable[[Record], int]) -> None:
        choose(max(records, key=lambda r: (measure(r), -r.size, r.name)), criterion)

    most("documents:most", lambda r: len(r.parsed.documents))
    most("documents:longest-section", lambda r: len(str(r.raw.get("thanh_phan_ho_so") or "")))
    most("longest-name", lambda r: len(r.parsed.name))
    return {name: sorted(reasons) for name, reasons in sorted(chosen.items())}


def read_full_set(root: Path) -> list[Record]:
    detail = root / "detail"
    records, unusable = [], []
    for path in sorted(detail.rglob("*.json")):
        try:
            records.append(Record(path, detail))
        except (RecordError, ValueError) as error:
            unusable.append(f"{path}: {error}")
    if unusable:  # none today; a new one would need a criterion of its own
        print("not usable records (left out):", *unusable, sep="\n  ", file=sys.stderr)
    return records


def cut_list(source: Path, target: Path, codes: set[str]) -> None:
    """The list's title block and header row (rows 1–2) and the rows of ``codes``, written with openpyxl."""
    import openpyxl

    workbook = openpyxl.load_workbook(source)
    sheet = workbook.active
    for index in range(sheet.max_row, 2, -1):  # from the bottom, so the numbers above stay right
        code = sheet.cell(index, 1).value
        if str(code or "").strip() not in codes:
            sheet.delete_rows(index)
    workbook.save(target)


def write(root: Path, sample: dict[str, list[str]], target: Path) -> None:
    detail = target / "detail"
    detail.mkdir(parents=True)
    for name in sample:
        destination = detail / f"{name}.json"
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / "detail" / f"{name}.json", destination)
    lists: dict[str, str] = {}
    codes = {name.split("/")[1] for name in sample}
    for source in sorted(root.glob("danh-sach-tthc-*.xlsx")):
        if source.stat().st_size <= LIST_LIMIT:
            shutil.copyfile(source, target / source.name)
            lists[source.name] = "whole"
        else:
            cut_list(source, target / source.name, codes)
            lists[source.name] = "title block, header row and the rows of the sampled procedures"
    manifest = {"records": sample, "lists": lists}
    (target / "SAMPLE.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("full_set", nargs="?", type=Path, default=None, help="folder of the full data set")
    parser.add_argument("--check", action="store_true", help="compare with the committed sample, write nothing")
    args = parser.parse_args(list(argv) if argv is not None else None)
    root = full_national_catalog_dir(args.full_set)
    records = read_full_set(root)
    sample = select(records)
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "national-catalog"
        write(root, sample, fresh)
        size = sum(len(content) for content in files(fresh).values())
        print(f"{len(sample)} of {len(records)} records, {size / 1e6:.2f} MB with the lists")
        if args.check:
            differences = sorted(set(files(fresh).items()) ^ set(files(TARGET).items()) if TARGET.is_dir() else ["*"])
            if differences:
                names = sorted({name for name, _ in differences} if TARGET.is_dir() else ["(no sample)"])
                raise SystemExit(f"the committed sample differs from the selection: {', '.join(names)}")
            print("the committed sample is the selection")
            return
        if TARGET.exists():
            shutil.rmtree(TARGET)
        shutil.copytree(fresh, TARGET)
        print(f"written to {TARGET.relative_to(REPOSITORY)}")


if __name__ == "__main__":
    main()
