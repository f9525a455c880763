"""Host → schema routing. Replaces django-tenants' TenantMainMiddleware so that:

- the platform's own hosts are a setting, not a row (no public "tenant" to misroute to);
- a warm request never queries the control plane (tenants.host_cache);
- unknown, unverified and archived hosts get a plain 404, never the public site;
- a suspended workspace gets its branded "temporarily unavailable" page (403 on its API);
- a page asked for on a workspace host that is not its primary one is redirected there;
- an agency's verified dashboard host serves the platform's URLs with `request.agency`
  set, limited to the pages an agency's staff and clients use there (`AGENCY_HOST_VIEWS`);
  everything else (the console, platform sign-up, creating workspaces) is a 404 there.
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import (
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, set_urlconf
from django.utils.cache import patch_cache_control

from config.errors import error_body
from config.health import HEALTH_VIEWS
from config.views import page_not_found
from tenants.agency_selectors import route_for_host
from tenants.errors import WorkspaceErrorCode
from tenants.models import Agency, Workspace
from tenants.selectors import absolute_url

# Paths served on whichever verified host they arrive on. API clients do not follow a
# redirect to another host (and would drop their credentials if they did); the
# single-sign-on hop's token is bound to the exact host it was issued for; /internal/
# belongs to the reverse proxy.
PRIMARY_REDIRECT_EXEMPT_PREFIXES = ("/api/", "/sso/", "/internal/")
# Browsers keep a 301 for as long as they are told, forever if they are told nothing:
# an hour keeps a later change of primary host from being masked for long.
PRIMARY_REDIRECT_MAX_AGE_SECONDS = 3600


def host_from_request(request) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return host.lower().rstrip(".") or None


def unknown_host_response() -> HttpResponseNotFound:
    # Rendered without a request: no context processors, no database, nothing to leak.
    return HttpResponseNotFound(render_to_string("errors/unknown_host.html"))


def suspended_response(request, workspace: Workspace):
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(
                WorkspaceErrorCode.SUSPENDED,
                "This workspace is temporarily unavailable.",
            ),
            status=403,
        )
    response = render(request, "errors/workspace_unavailable.html", status=503)
    response["Retry-After"] = "3600"
    return response


def primary_host_redirect(request, workspace: Workspace, host: str):
    """A 301 to the same path and query on the workspace's primary host, when `host` is
    another of its verified hosts; None to serve the request where it is.

    Only GET and HEAD move: a form posted to another host is served there (a redirect
    would drop its body, and its CSRF cookie belongs to that host)."""
    primary = getattr(workspace, "primary_host", None)  # cached with the workspace
    if (
        not primary
        or host == primary
        or request.method not in ("GET", "HEAD")
        or request.path.startswith(PRIMARY_REDIRECT_EXEMPT_PREFIXES)
        or request.path in HEALTH_VIEWS
    ):
        return None
    response = HttpResponsePermanentRedirect(
        absolute_url(host=primary, path=request.get_full_path())
    )
    patch_cache_control(response, max_age=PRIMARY_REDIRECT_MAX_AGE_SECONDS)
    return response


def tls_ask(request):
    """Caddy's on-demand TLS asks here before getting a certificate for a host: only
    hosts we serve (the platform's, verified workspace and agency hosts) get one. A host
    whose DNS proof is lost, or is still pending, gets none."""
    host = (request.GET.get("domain") or "").strip().lower().rstrip(".")
    served = host in settings.PLATFORM_HOSTS or (
        0 < len(host) <= 253 and route_for_host(host=host) != (None, None)
    )
    return JsonResponse({"domain": host, "served": served}, status=200 if served else 404)


# Answered on any Host header, before routing: probes and Caddy call by internal address.
HOST_AGNOSTIC_VIEWS = {**HEALTH_VIEWS, "/internal/tls/ask": tls_ask}

# What an agency's dashboard host serves of the platform's URLs (by URL name): signing
# in and out, password reset, account security, accepting an invitation, the SSO hop
# into a client, and the agency dashboard itself (the `agency` namespace and /dashboard/).
# Anything else is a 404 there: the platform's console, its sign-up, creating a
# workspace of one's own.
AGENCY_HOST_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "mfa:sign_in_verify",
        # The identity's own security page (two-factor set-up, recovery codes, sign out
        # everywhere): agency staff must never need the platform's host for it. Social
        # sign-in (accounts/social/) stays platform-only, so its section is left out here.
        "accounts:security",
        "accounts:sign_out_everywhere",
        "mfa:security",
        "mfa:setup",
        "mfa:disable",
        "mfa:recovery_codes",
        "mfa:workspace_requirement",
        "workspaces:invitation",
        "workspaces:open",
        "workspaces:dashboard",
        # The brand's assets (tenants.branding_urls) wear the agency's brand here.
        "branding:theme_css",
        "branding:manifest",
        "branding:favicon",
        "branding:logo",
        "branding:icon_svg",
    }
)
# "branding": the agency's own theme, manifest and icons (tenants.branding_urls).
AGENCY_HOST_NAMESPACES = frozenset({"agency", "branding"})
AGENCY_HOST_PREFIXES = (settings.STATIC_URL, settings.MEDIA_URL)


def agency_suspended_response(request, agency: Agency):
    response = render(request, "agencies/unavailable.html", {"agency": agency}, status=503)
    response["Retry-After"] = "3600"
    return response


def agency_host_response(request):
    """None to serve the request on an agency's host; a redirect or a 404 otherwise."""
    if request.path.startswith(AGENCY_HOST_PREFIXES):
        return None
    try:
        match = resolve(request.path_info, urlconf=settings.PUBLIC_SCHEMA_URLCONF)
    except Resolver404:
        return None  # Django answers it: a 404, or the same path with a slash added
    if match.view_name == "landing":
        # The platform's landing page has no place here: the dashboard (or sign-in).
        return HttpResponseRedirect("/dashboard/")
    if match.view_name in AGENCY_HOST_VIEWS or AGENCY_HOST_NAMESPACES & set(match.namespaces):
        return None
    return page_not_found(request)


class WorkspaceRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection.set_schema_to_public()
        request.workspace = None
        request.agency = None
        request.tenant = connection.tenant

        host_agnostic_view = HOST_AGNOSTIC_VIEWS.get(request.path)
        if host_agnostic_view is not None:
            return host_agnostic_view(request)

        host = host_from_request(request)
        if host in settings.PLATFORM_HOSTS:
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return self.get_response(request)

        workspace, agency = route_for_host(host=host) if host else (None, None)
        if agency is not None:
            return self._agency_host(request, agency)
        if workspace is None:
            return unknown_host_response()

        workspace.domain_url = host  # shown by django-tenants' log filter
        request.tenant = request.workspace = workspace
        connection.set_tenant(workspace)
        if workspace.status == Workspace.Status.SUSPENDED:
            return suspended_response(request, workspace)
        redirect = primary_host_redirect(request, workspace, host)
        if redirect is not None:
            return redirect

        request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        return self.get_response(request)

    def _agency_host(self, request, agency: Agency):
        request.agency = agency
        request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        set_urlconf(request.urlconf)
        if agency.status == Agency.Status.SUSPENDED:
            return agency_suspended_response(request, agency)
        refused = agency_host_response(request)
        if refused is not None:
            return refused
        return self.get_response(request)
