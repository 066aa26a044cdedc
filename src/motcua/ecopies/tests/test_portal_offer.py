"""A certified e-copy is offered on the portal's apply page to its owner (a citizen whose number an identity
provider verified), for a procedure that needs its kind — and to nobody else."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.accounts.models import User
from motcua.dossiers.plans import terms_of
from motcua.dossiers.tests.fixtures import offering_of
from motcua.ecopies.services import CopyRequest, certify_copy
from motcua.ecopies.tests.helpers import KIND, OWNER, scan_upload
from motcua.integrations.delivery import DELIVERED, deliver
from motcua.testing import sign_in


@pytest.mark.django_db(transaction=True)
def test_the_owner_is_offered_the_certified_copy_on_the_apply_page(signing_settings, commune, staff) -> None:
    copy = certify_copy(
        staff["counter"],
        CopyRequest(commune.pk, OWNER, "Lê Thị Cúc", KIND, "Căn cước công dân", True),
        scan_upload(),
        idempotency_key="p-1",
    )
    assert deliver(copy.outbox_key, worker_id="test") == DELIVERED
    copy.refresh_from_db()
    target = offering_of("2.000528", commune)  # needs an identity paper
    requirement = next(d["id"] for d in terms_of(target, "online").data["documents"] if d["document_type"] == KIND)
    url = f"/procedures/2.000528/apply/{commune.identifier}/"
    owner = User.objects.create_user("cuc", password="x", personal_id_number=OWNER, identity_verified=True)
    browser = Client()
    sign_in(browser, owner)
    page = browser.get(url).content.decode()
    assert f'id="store_{requirement}-{copy.stored_id}" value="{copy.stored_id}"' in page
    assert "Bản sao điện tử được chứng thực từ bản chính" in page
    assert browser.get(f"/my/documents/{copy.stored_id}/").status_code == 200  # the preview, from its own file
    unverified = User.objects.create_user("khach", password="x", personal_id_number=OWNER, identity_verified=False)
    sign_in(browser, unverified)
    assert f"store_{requirement}-{copy.stored_id}" not in browser.get(url).content.decode()
