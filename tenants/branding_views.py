"""The brand's assets on every host (theme CSS, web app manifest, favicon, logo), the
workspace's branding settings page, and the editor and live preview that page shares
with the agency's brand page (tenants.agency_views.branding).

The assets are served from the host they are asked on, for whoever that host speaks for
(a workspace, an agency, or the platform): a white-labelled page never loads anything
from a platform URL. They read only the routed objects on the request, so a warm request
costs no query (the files themselves come from storage).
"""

import hashlib
import json
from functools import wraps
from pathlib import PurePosixPath

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tenants.utils import get_public_schema_name, schema_context

from config.errors import ApplicationError
from config.forms import form_add_application_error
from tenants.branding import branding_problems, branding_warnings, branding_with_defaults
from tenants.branding_services import CONTENT_TYPES, workspace_branding_update
from tenants.forms import BrandingForm
from tenants.roles import Permission, workspace_permission_required
from tenants.selectors import identity_for_mirror
from tenants.theme import (
    asset_version,
    monogram_svg,
    site_for_request,
    theme_css,
    theme_version,
)
from tenants.white_label import workspace_is_white_label

IMMUTABLE_SECONDS = 365 * 24 * 3600
# Unversioned URLs (/manifest.webmanifest, /favicon.ico without ?v=): browsers ask again
# after this long, and the ETag makes that cheap.
REVALIDATE_SECONDS = 3600
BRANDING_URL = "/dashboard/settings/branding/"
BRANDING_PREVIEW_URL = "/dashboard/settings/branding/preview/"


def _cached_response(request, *, body, content_type: str, etag: str, versioned: bool):
    """304 when the browser has it; otherwise the body, immutable when the URL carries
    the current version (it changes whenever the content does)."""
    quoted = f'"{etag}"'
    if quoted in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = quoted
    if versioned:
        patch_cache_control(response, public=True, max_age=IMMUTABLE_SECONDS, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=REVALIDATE_SECONDS)
    return response


@require_GET
def theme_css_view(request):
    site = site_for_request(request)
    version, css = theme_css(site.owner)
    return _cached_response(
        request,
        body=css,
        content_type="text/css; charset=utf-8",
        etag=version,
        versioned=request.GET.get("v") == version,
    )


def _read_file(owner, field: str) -> tuple[bytes, str] | None:
    file = getattr(owner, field, None) if owner is not None else None
    if not file:
        return None
    extension = PurePosixPath(file.name).suffix.lstrip(".").lower()
    content_type = CONTENT_TYPES.get(extension)
    if content_type is None:
        return None  # never serve a stored file as anything but an image
    try:
        # Crosses schemas: branding files are stored under the public schema's prefix.
        with schema_context(get_public_schema_name()), file.storage.open(file.name, "rb") as handle:
            return handle.read(), content_type
    except (FileNotFoundError, OSError):
        return None


def _monogram_response(request, site):
    svg = monogram_svg(name=site.name, brand=site.brand)
    version = theme_version(site.owner)
    response = _cached_response(
        request,
        body=svg,
        content_type="image/svg+xml",
        etag=hashlib.sha256(svg.encode()).hexdigest()[:16],
        versioned=request.GET.get("v") == version,
    )
    # An SVG opened directly is a document: no script, no plugins, nothing loaded.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@require_GET
def favicon_view(request):
    """The uploaded favicon, else the logo, else a monogram of the brand's initial."""
    site = site_for_request(request)
    for field in ("favicon", "logo"):
        found = _read_file(site.owner, field)
        if found is not None:
            version = asset_version(site.owner, field)
            return _cached_response(
                request,
                body=found[0],
                content_type=found[1],
                etag=version,
                versioned=request.GET.get("v") == version,
            )
    return _monogram_response(request, site)


@require_GET
def logo_view(request):
    site = site_for_request(request)
    found = _read_file(site.owner, "logo")
    if found is None:
        raise Http404("No logo.")
    version = asset_version(site.owner, "logo")
    return _cached_response(
        request,
        body=found[0],
        content_type=found[1],
        etag=version,
        versioned=request.GET.get("v") == version,
    )


@require_GET
def icon_svg_view(request):
    return _monogram_response(request, site_for_request(request))


def _short_name(name: str) -> str:
    # Launchers truncate around 12 characters; cut at a word when that keeps most of it.
    if len(name) <= 12:
        return name
    first_word = name.split()[0]
    return first_word if 3 <= len(first_word) <= 12 else name[:12].rstrip()


@require_GET
def manifest_view(request):
    site = site_for_request(request)
    brand = site.brand
    version = theme_version(site.owner)
    icons = []
    for field in ("logo", "favicon"):
        file = getattr(site.owner, field, None) if site.owner is not None else None
        if not file:
            continue
        extension = PurePosixPath(file.name).suffix.lstrip(".").lower()
        if extension in ("ico",):
            continue
        path = "/brand/logo" if field == "logo" else "/favicon.ico"
        icons.append(
            {
                "src": f"{path}?v={asset_version(site.owner, field)}",
                "type": CONTENT_TYPES.get(extension, "image/png"),
                "sizes": "any",
                "purpose": "any",
            }
        )
    # The monogram always comes last: every launcher gets at least one icon that scales.
    icons.append(
        {
            "src": f"/brand/icon.svg?v={version}",
            "type": "image/svg+xml",
            "sizes": "any",
            "purpose": "any maskable",
        }
    )
    manifest = {
        "name": site.name,
        "short_name": _short_name(site.name),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": brand["primary_color"],
        "background_color": brand["background_color"],
        "icons": icons,
    }
    if brand.get("tagline"):
        manifest["description"] = brand["tagline"]
    body = json.dumps(manifest, ensure_ascii=False, indent=2)
    return _cached_response(
        request,
        body=body,
        content_type="application/manifest+json",
        etag=hashlib.sha256(body.encode()).hexdigest()[:16],
        versioned=False,
    )


# ---------- The settings page ----------


def workspace_host_required(view):
    """The page exists on workspace hosts only (the platform and agency URL confs include
    this module for its assets): a 404 elsewhere, before any sign-in or role check."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "workspace", None) is None:
            raise Http404("Branding is set on a workspace's own host.")
        return view(request, *args, **kwargs)

    return wrapper


def branding_editor_context(
    *, owner, form: BrandingForm, white_label: bool, page_url: str, preview_url: str
) -> dict:
    """What templates/tenants/branding/_editor.html reads, for a workspace's settings page
    or an agency's brand page: the form, a preview of the saved brand, and the URLs of
    the page and of its live preview."""
    brand = branding_with_defaults(owner.branding)
    return {
        "form": form,
        "can_white_label": white_label,
        "preview": brand,
        "preview_name": brand["display_name"] or owner.name,
        "warnings": branding_warnings(owner.branding or {}),
        "branding_url": page_url,
        "branding_preview_url": preview_url,
    }


def branding_preview_render(request, *, owner):
    """The preview card for the colours and font being edited (HTMX), without saving.
    Values that do not pass their rule fall back to the defaults, as pages would."""
    form = BrandingForm(request.POST, owner=owner, white_label=False)
    data = form.preview_data()
    brand = branding_with_defaults(data)
    return render(
        request,
        "tenants/branding/_preview.html",
        {
            "preview": brand,
            "preview_name": brand["display_name"] or owner.name,
            "warnings": branding_warnings(data),
            # What saving would refuse, said before the owner presses Save.
            "problems": branding_problems(data),
        },
    )


def _page(request, *, form, status=200):
    workspace = request.workspace
    return render(
        request,
        "tenants/branding/settings.html",
        {
            "active_module": "branding",
            **branding_editor_context(
                owner=workspace,
                form=form,
                white_label=workspace_is_white_label(workspace=workspace),
                page_url=BRANDING_URL,
                preview_url=BRANDING_PREVIEW_URL,
            ),
        },
        status=status,
    )


@workspace_host_required
@require_http_methods(["GET", "POST"])
@workspace_permission_required(Permission.SETTINGS_MANAGE)
def branding_settings(request):
    workspace = request.workspace
    white_label = workspace_is_white_label(workspace=workspace)
    if request.method == "GET":
        return _page(request, form=BrandingForm(owner=workspace, white_label=white_label))
    form = BrandingForm(request.POST, request.FILES, owner=workspace, white_label=white_label)
    if form.is_valid():
        try:
            workspace_branding_update(
                workspace=workspace,
                actor=identity_for_mirror(user=request.user),
                request=request,
                **form.service_arguments(),
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, "Branding saved. Your pages wear it now.")
            return redirect(BRANDING_URL)
    return _page(request, form=form, status=400)


@workspace_host_required
@require_POST
@workspace_permission_required(Permission.SETTINGS_MANAGE)
def branding_preview(request):
    return branding_preview_render(request, owner=request.workspace)
