"""Where a signed-in person lands, and the citizen's own small page ("Hồ sơ của tôi").

Officers (users with a membership) work in the workbench; a citizen has no membership, and the workbench
answers them 404. So the login sends each to their own page: officers to the workbench, citizens to the
list of the dossiers they filed. The full citizens' portal is a later issue; this page only lists.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse

from motcua.accounts.lockout import LockoutAwareFormMixin
from motcua.accounts.models import User
from motcua.portal.selectors import own_dossier_list
from motcua.rules.phones import normalise_mobile


class ContactAuthenticationForm(LockoutAwareFormMixin, AuthenticationForm):
    """Django's login form; a citizen may type their phone as they know it (0912…), the account has it as +84….
    A locked-out username is told so (``accounts.lockout``)."""

    def clean(self) -> dict:
        name = self.cleaned_data.get("username", "")
        phone = normalise_mobile(name) if name and "@" not in name else None
        if phone and not User.objects.filter(username=name).exists():
            self.cleaned_data["username"] = phone
        return super().clean()


class LoginView(auth_views.LoginView):
    """Django's login, with the landing page chosen by who logged in.

    A safe ``next`` is followed, except that a citizen is never sent into the workbench (it would answer
    404): they go to their dossiers instead. A staff member without membership (an administrator) goes to
    the admin.
    """

    template_name = "workbench/login.html"
    authentication_form = ContactAuthenticationForm

    def get_success_url(self) -> str:
        user = self.request.user
        wanted = self.get_redirect_url()  # "" unless ``next`` is safe
        if user.memberships.exists():
            return wanted or resolve_url(settings.LOGIN_REDIRECT_URL)
        if wanted and not wanted.startswith(reverse("web:workbench")):
            return wanted
        if user.is_staff and not wanted:
            return reverse("admin:index")
        return reverse("web:my-dossiers")


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """The dossiers the signed-in person filed, newest first, each with its public tracking page.

    Read through ``portal.selectors.own_dossier_list`` (the applicant's own, inside the query): an officer sees
    here what they filed themselves, not their agency's dossiers.
    """
    page = Paginator(own_dossier_list(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "web/my_dossiers.html", {"page": page})
