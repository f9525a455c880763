"""Platform and agency hosts: platform owners use two-factor sign-in, and every way in
to the platform goes through the one sign-in page (throttled, with the code step).

- A superuser without a confirmed authenticator is sent to set one up, whatever page
  they ask for (the platform API answers 403 in the one error shape), until they have.
  The set-up page, signing out, static files and health checks stay reachable.
- Django admin's own sign-in form would skip the throttling and the code step, so it
  is never served: it redirects to the platform's sign-in page.

An agency's host serves the platform's URLs (request.workspace is None there), so a
platform owner who is also agency staff is sent to the set-up page on that host, which
is served there in the agency's brand (tenants.routing.AGENCY_HOST_VIEWS).

Workspace hosts are left alone: their staff arrive through the single-sign-on hop,
which checks a workspace's own two-factor requirement, and their customers have no
second factor.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from config.errors import error_body
from shared_apps.mfa.errors import TwoFactorErrorCode
from shared_apps.mfa.selectors import identity_has_two_factor

_ALWAYS_OPEN_PREFIXES = ("/healthz", "/readyz")


def _url(name: str) -> str:
    return reverse(name, urlconf=settings.PUBLIC_SCHEMA_URLCONF)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "workspace", None) is None:
            response = self._admin_sign_in(request) or self._owner_enrolment(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _admin_sign_in(self, request):
        if request.path != _url("admin:login"):
            return None
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or _url("admin:index")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = _url("admin:index")
        if not request.user.is_authenticated:
            return HttpResponseRedirect(_with_next(_url("accounts:login"), next_url))
        if request.user.is_staff:
            return HttpResponseRedirect(next_url)
        # Signed in, but not allowed in the admin. Sending them to sign in again would
        # loop (the sign-in page sends signed-in people on to `next`).
        return render(request, "mfa/admin_not_allowed.html", status=403)

    def _owner_enrolment(self, request):
        user = request.user
        if not (user.is_authenticated and user.is_superuser):
            return None
        path = request.path
        if path.startswith((settings.STATIC_URL, *_ALWAYS_OPEN_PREFIXES)) or path in {
            _url("mfa:setup"),
            _url("accounts:logout"),
            _url("accounts:sign_out_everywhere"),
        }:
            return None
        if identity_has_two_factor(identity=user):
            return None
        setup = _url("mfa:setup")
        if path.startswith("/api/"):
            return JsonResponse(
                error_body(
                    TwoFactorErrorCode.REQUIRED,
                    f"Set up two-factor authentication first: {setup}",
                ),
                status=403,
            )
        return HttpResponseRedirect(_with_next(setup, request.get_full_path()))
