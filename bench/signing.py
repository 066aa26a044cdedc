"""Signing throughput of results on one core, verification time, and what the embedded validation data weighs.

Run: ``.venv/bin/python bench/signing.py [--n 20] [--smoke]``. Makes a PKI of its own in a temporary directory
(``signatures.pki``), starts the stand-in TSA in a thread on an ephemeral port (RFC 3161 over loopback HTTP), renders
a 1-page and a 20-page result with WeasyPrint once, then for each: signs it ``--n`` times as the worker does
(PAdES B-LT: timestamp, chain and CRL in the DSS, Vietnamese stamp, QR code) and prints signatures/s; verifies it
``--n`` times against the trust list (pyHanko's validator, offline) and prints the time per verification; and
prints the bytes a signature adds with and without the embedded validation data (B-LT vs B-T).

One process, one core (the signing is CPU-bound in Python: pyHanko's writer, fontTools' subsetter, the RSA
signature of the signer and of the TSA). ``--smoke``: 2 of each; the bench exits non-zero when a signed result does
not verify as valid.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
import django

django.setup()

from motcua.documents.pdf import html_to_pdf  # noqa: E402
from motcua.integrations.contrib.local_signer.tsa_standin import serve_in_thread  # noqa: E402
from motcua.signatures import pades, pki  # noqa: E402
from motcua.signatures.certs import der_certificates  # noqa: E402
from motcua.signatures.timestamps import timestamper_for  # noqa: E402
from motcua.signatures.verify import VALID, verify_pdf  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from smoke import check  # noqa: E402

SMOKE = {"n": 2}
AGENCY = "999.00.27.H55"
PARAGRAPH = "<p>" + "Căn cứ Luật Tổ chức chính quyền địa phương; xét đề nghị của công dân Nguyễn Văn Ấn. " * 12 + "</p>"


def result_pdf(pages: int) -> bytes:
    body = "".join(f"<h2>Trang {i + 1}</h2>{PARAGRAPH}" + '<p style="break-after: page"></p>' for i in range(pages))
    return html_to_pdf(f"<h1>Quyết định</h1>{body}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20, help="signatures and verifications per document")
    parser.add_argument("--smoke", action="store_true", help=f"tiny run of the same path ({SMOKE})")
    args = parser.parse_args()
    if args.smoke:
        parser.set_defaults(**SMOKE)
        args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        demo, _ = pki.ensure_demo_pki(directory, [(AGENCY, "UBND phường Phan Đình Phùng")], password="bench")
        print(f"{'PKI (CA, TSA, 1 agency; RSA 2048)':<44} {time.perf_counter() - started:>9.2f} s")
        server, url = serve_in_thread(directory)
        signer = pades.load_pkcs12(demo.p12_path(AGENCY).read_bytes(), demo.password)
        roots = der_certificates(demo.ca_pem)
        crls = [(directory / "ca.crl").read_bytes()]
        stamp = pades.StampText("UBND phường Phan Đình Phùng", "Trần Thị Lãnh Đạo", datetime(2026, 12, 1, 9, 30), url)

        def sign(pdf: bytes, *, embed: bool = True) -> bytes:
            return pades.sign(
                pdf,
                signer,
                stamp_text=stamp,
                reason="Phê duyệt",
                location="Thái Nguyên",
                timestamper=timestamper_for(url, 10.0),
                context=pades.validation_context(roots, crls),
                embed_validation_info=embed,
            )

        sign(result_pdf(1))  # warm-up: the font scaled to 1000 units per em once per process
        for pages in (1, 20):
            pdf = result_pdf(pages)
            started = time.perf_counter()
            signed = [sign(pdf) for _ in range(args.n)]
            elapsed = time.perf_counter() - started
            print(f"sign {pages:>2}-page result (B-LT, {len(pdf):>7,} bytes)     {args.n / elapsed:>9.2f} /s")
            started = time.perf_counter()
            verdicts = [verify_pdf(signed[0], roots) for _ in range(args.n)]
            elapsed = time.perf_counter() - started
            print(f"verify {pages:>2}-page result                         {1000 * elapsed / args.n:>9.1f} ms each")
            check(f"every {pages}-page signature verifies as valid", all(v.verdict == VALID for v in verdicts))
            bt = sign(pdf, embed=False)
            print(
                f"  bytes added: B-LT {len(signed[0]) - len(pdf):>7,}, B-T {len(bt) - len(pdf):>7,}, "
                f"validation data {len(signed[0]) - len(bt):>7,}"
            )
        check("the TSA granted a timestamp for every signature", server.state.snapshot()["granted"] >= 2 * args.n + 3)
        server.shutdown()
    print(
        "What limits it: one core of pure-Python PDF writing and font subsetting per signature, plus two RSA-2048"
        " signatures (signer, TSA) and one loopback HTTP round trip; the page count matters little (an incremental"
        " update hashes the file once), verification is the chain and the DSS read back."
    )


if __name__ == "__main__":
    main()
