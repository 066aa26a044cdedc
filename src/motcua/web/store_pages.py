"""The citizen's side of the personal data store on the portal: the preview of a stored document, and the offers
for the apply page (the portal's apply page includes ``datastore/_offers.html`` with :func:`apply_offers`).

Only the owner sees a document (``datastore.selectors.owned_by``, in the query); anyone else gets a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import Offering
from motcua.datastore.files import stored_file
from motcua.datastore.models import StoredDocument
from motcua.datastore.presenting import offer_rows
from motcua.datastore.selectors import offers_for_offering, own_document


def apply_offers(user: User, offering: Offering, applicant_number: str) -> list[dict[str, Any]]:
    """The rows of ``datastore/_offers.html`` for a citizen applying for themself: their own stored documents
    that satisfy the offering's requirements, each with its preview link."""

    def preview(document: StoredDocument) -> str:
        return reverse("web:my-document", args=[document.pk])

    return offer_rows(offers_for_offering(applicant_number, offering, today=timezone.localdate(), user=user), preview)


@login_required
def my_document(request: HttpRequest, stored_id: int) -> FileResponse:
    stored = own_document(request.user, stored_id)
    if stored is None:
        raise Http404(_("Không có giấy tờ này trong kho dữ liệu của bạn."))
    try:
        return stored_file(stored)
    except FileNotFoundError as exc:
        raise Http404(_("Không tìm thấy tệp này.")) from exc
