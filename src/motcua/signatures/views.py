"""The public verification page ``/verify/``: upload a PDF (or arrive from a result's QR code) and read the verdict."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from motcua.signatures.selectors import verify_upload
from motcua.signatures.uploads import read_pdf_upload


def verify_page(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()[:60]
    context: dict[str, object] = {"code": code, "max_mb": settings.MOTCUA_VERIFY_MAX_BYTES // (1024 * 1024)}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"], status = _("Hãy chọn một tệp PDF."), 400
        else:
            try:
                context["found"] = verify_upload(read_pdf_upload(upload))
            except HttpError as error:
                context["error"], status = str(error), error.status_code
    return render(request, "signatures/verify.html", context, status=status)
