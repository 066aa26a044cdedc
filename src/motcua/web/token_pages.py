"""The owner's API tokens: the list (name, scope, expiry, state) and revocation, after a confirmation page.

Tokens are created with ``motcua create_api_token`` (the token is printed once); here their owner sees them
and ends one that is lost or no longer needed. Only the owner's tokens are found (inside the query).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.selectors import own_token, own_tokens
from motcua.accounts.services import revoke_api_token


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/tokens.html", {"tokens": own_tokens(request.user), "now": timezone.now()})


@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """GET: the confirmation (revoking cannot be undone); POST: revoke."""
    token = own_token(request.user, token_id)
    if token is None:
        raise Http404
    if request.method == "POST":
        revoke_api_token(request.user, token_id)
        messages.success(request, _("Đã thu hồi khóa API «%(name)s».") % {"name": token.name})
        return HttpResponseRedirect(reverse("web:tokens"))
    return render(request, "workbench/token_revoke.html", {"token": token})
