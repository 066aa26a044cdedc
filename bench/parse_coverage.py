"""How much of the National Public Service Portal's detail records the parser understands, and how fast.

Run: ``.venv/bin/python bench/parse_coverage.py [--data FULL_SET] [DIRECTORY] [--smoke]``. ``FULL_SET`` is the full
national catalogue (default: ``$MOTCUA_SHARED_DIR/data/national-catalog``, else ``../shared/data/national-catalog``
beside the repository; the run stops with a clear message when it is missing), ``DIRECTORY`` a folder of detail records
(default: its ``detail/``). Every ``*.json`` below the directory is parsed with
:func:`motcua.catalog.importers.portal_detail.parse_text`. Prints:

- the number of records (and of files that are not usable records) and the parsing time;
- the coverage: the share of records whose every channel row has a processing time with amount and unit
  and readable fees (:func:`~motcua.catalog.importers.portal_detail.is_covered`), and why the others are
  not covered; then how many of those the source leaves without a unit or a time (the portal's unit column
  empty, a sentence instead of a duration), and the coverage of the records that do state one;
- the problems by field and reason, and the 15 most frequent problem texts;
- VND amounts below 1,000 đồng, which the portal often prints in thousands (``150 VNĐ`` for 150.000 đồng):
  the parser keeps them as written, so they are counted here for a person to check.

It prints figures and asserts no duration. ``--smoke`` (``make bench-smoke``) runs the same path over the sample
of records committed with the tests (``motcua.testing.national_catalog_dir()``), so it needs nothing outside the
repository, and stops with exit status 1 unless records were parsed and some were covered.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

from smoke import check

from motcua.catalog.importers.portal_detail import ParsedRecord, RecordError, is_covered, parse_text
from motcua.testing import full_national_catalog_dir, national_catalog_dir

CHANNEL_FIELD = "cach_thuc_thuc_hien"
#: Channel problems that say the source itself has no unit or no duration (the portal's unit column is empty,
#: or the time cell is a sentence): no parser can turn them into a deadline without guessing.
SOURCE_GAPS = {"no_unit", "no_time", "ambiguous_time_fee"}


def uncovered_reason(record: ParsedRecord) -> str:
    """One cause for a record that is not covered, for the breakdown (the first problem, or the gap)."""
    reasons = sorted({p.reason for p in record.problems if p.field == CHANNEL_FIELD})
    if reasons:
        return "+".join(reasons)
    if not record.channels:
        return "no channel rows"
    if any(not row.times for row in record.channels):
        return "time cell empty (Không có thông tin)"
    return "other"


def lacks_in_source(record: ParsedRecord) -> bool:
    """Whether an uncovered record is uncovered only because the source gives no unit or no time."""
    reasons = {p.reason for p in record.problems if p.field == CHANNEL_FIELD}
    return bool(record.channels) and reasons <= SOURCE_GAPS and not is_covered(record)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", nargs="?", type=Path, default=None, help="folder of detail records")
    parser.add_argument("--data", type=Path, default=None, help="the full data set (folder with detail/)")
    parser.add_argument("--smoke", action="store_true", help="the committed sample of records, not the full set")
    args = parser.parse_args()
    if args.directory is None:
        args.directory = (national_catalog_dir() if args.smoke else full_national_catalog_dir(args.data)) / "detail"
    paths = sorted(args.directory.rglob("*.json"))
    if not paths:
        print(f"no *.json under {args.directory}", file=sys.stderr)
        raise SystemExit(1)
    texts = [(path, path.read_text(encoding="utf-8")) for path in paths]

    records: list[tuple[Path, ParsedRecord]] = []
    unusable: list[tuple[Path, str]] = []
    started = time.perf_counter()
    for path, text in texts:
        try:
            records.append((path, parse_text(text)))
        except RecordError as error:
            unusable.append((path, str(error)))
    elapsed = time.perf_counter() - started

    print(f"directory            {args.directory}")
    print(f"records              {len(records):,} parsed, {len(unusable):,} not usable")
    print(f"time                 {elapsed:.3f} s ({elapsed / max(len(texts), 1) * 1000:.2f} ms per record)")
    for path, message in unusable[:10]:
        print(f"  not usable: {path.relative_to(args.directory)}: {message}")

    covered = [record for _, record in records if is_covered(record)]
    check("records were parsed", bool(records))
    check("some records are covered", bool(covered))
    share = len(covered) / len(records) if records else 0.0
    print(f"coverage             {len(covered):,} / {len(records):,} = {share:.1%}")
    print("  (every channel row: time with amount and unit, and every fee with an amount)")
    causes = Counter(uncovered_reason(record) for _, record in records if not is_covered(record))
    for cause, count in causes.most_common():
        print(f"  not covered: {count:>5}  {cause}")
    gaps = sum(1 for _, record in records if lacks_in_source(record))
    stated = len(records) - gaps
    misses = len(records) - len(covered) - gaps
    print(f"  of which the source gives no unit or no time for a row: {gaps:,}; parser misses: {misses:,}")
    print(f"coverage of stated   {len(covered):,} / {stated:,} = {len(covered) / stated if stated else 0.0:.1%}")
    print("  (records whose every row states a time with its unit)")

    rows = [row for _, record in records for row in record.channels]
    times = Counter(t.unit or "(none)" for row in rows for t in row.times)
    currencies = Counter(f.currency or ("(free)" if f.amount == 0 else "(none)") for row in rows for f in row.fees)
    print(f"channel rows         {len(rows):,}; units {dict(times)}; fees {dict(currencies)}")
    small = [
        (path, fee)
        for path, record in records
        for row in record.channels
        for fee in row.fees
        if fee.currency == "VND" and fee.amount is not None and Decimal(0) < fee.amount < 1000
    ]
    print(f"VND amounts < 1,000  {len(small):,} fees in {len({p for p, _ in small}):,} records (kept as printed)")

    problems = Counter((p.field, p.reason) for _, record in records for p in record.problems)
    print(f"problems             {sum(problems.values()):,} in {sum(1 for _, r in records if r.problems):,} records")
    for (field_name, reason), count in sorted(problems.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {count:>6}  {field_name:<22} {reason}")

    texts_count = Counter((p.field, p.reason, p.text[:100]) for _, record in records for p in record.problems)
    print("most frequent problem texts")
    for (field_name, reason, text), count in texts_count.most_common(15):
        print(f"  {count:>5}  {field_name}/{reason}: {text!r}")


if __name__ == "__main__":
    main()
