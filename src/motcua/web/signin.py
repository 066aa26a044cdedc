"""Citizens' sign-in through an identity provider (OpenID Connect, e.g. VNeID): authorisation code flow with PKCE.

``signin/oidc/`` keeps a fresh state, nonce and PKCE verifier in the session and sends the browser to the
provider; ``signin/oidc/callback/`` checks the state (once: it is popped), has the provider plugin exchange the
code and verify the ID token, and signs the person in to their account (created at the first sign-in, marked
identity-verified; ``accounts.services.sign_in_with_identity``). They land on their portal page.
"""

from __future__ import annotations

import hmac
import secrets

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.accounts.services import sign_in_with_identity
from motcua.integrations.errors import PermanentFailure, TemporaryFailure
from motcua.integrations.identity import SignInFailed, identity_providers

SESSION_KEY = "motcua_oidc"
PROVIDER = "oidc"


def _failed(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "web/signin_failed.html", {"message": message}, status=status)


@require_GET
def oidc_start(request: HttpRequest) -> HttpResponse:
    provider = identity_providers.get(PROVIDER)
    problem = provider.problem() if provider else _("Chưa cài đặt đăng nhập bằng định danh điện tử.")
    if provider is None or problem:
        return _failed(request, _("Đăng nhập bằng định danh điện tử chưa sẵn sàng: %(p)s") % {"p": problem}, 503)
    wanted = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure())
    flow = {
        "state": secrets.token_urlsafe(24),
        "nonce": secrets.token_urlsafe(24),
        "verifier": secrets.token_urlsafe(64)[:96],
        "next": wanted if safe else "",
    }
    try:
        url = provider.authorization_url(
            redirect_uri=request.build_absolute_uri(reverse("web:signin-oidc-callback")),
            state=flow["state"],
            nonce=flow["nonce"],
            code_verifier=flow["verifier"],
        )
    except (TemporaryFailure, PermanentFailure):
        return _failed(request, _("Không kết nối được nhà cung cấp định danh. Vui lòng thử lại sau."), 503)
    request.session[SESSION_KEY] = flow
    return HttpResponseRedirect(url)


@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    flow = request.session.pop(SESSION_KEY, None)
    state = request.GET.get("state", "")
    if not flow or not state or not hmac.compare_digest(flow["state"], state):
        return _failed(request, _("Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại."))
    if request.GET.get("error"):
        if request.GET["error"] == "access_denied":
            return _failed(request, _("Bạn đã từ chối chia sẻ thông tin định danh; chưa đăng nhập."), 403)
        return _failed(request, _("Nhà cung cấp định danh từ chối yêu cầu đăng nhập."))
    provider = identity_providers.get(PROVIDER)
    if provider is None or provider.problem():
        return _failed(request, _("Đăng nhập bằng định danh điện tử chưa sẵn sàng."), 503)
    try:
        identity = provider.identity_from_code(
            code=request.GET.get("code", ""),
            redirect_uri=request.build_absolute_uri(reverse("web:signin-oidc-callback")),
            code_verifier=flow["verifier"],
            nonce=flow["nonce"],
        )
    except SignInFailed as error:
        return _failed(request, str(error))
    except (TemporaryFailure, PermanentFailure):
        return _failed(request, _("Không kết nối được nhà cung cấp định danh. Vui lòng thử lại sau."), 503)
    user = sign_in_with_identity(identity)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect(flow["next"] or reverse("web:my-dossiers"))
