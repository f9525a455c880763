"""The bio sites' dashboard: the site list, the editor with its live preview, and the
site settings.

Every editor action is a small POST that answers, for HTMX, with the whole editor
(component list, the open component's form, undo bar and preview) re-rendered by the
server, and without HTMX with a redirect back to the editor, so the page also works with
scripts off. A refused change answers 422 with the errors on their fields and the
user's input kept; nothing is saved.
"""

import uuid
from collections import OrderedDict
from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import ApplicationError
from config.forms import form_add_application_error
from shared_apps.billing.gate import ON, feature_required, feature_state
from tenant_apps.bio_sites import selectors, services
from tenant_apps.bio_sites.components import (
    COMPONENT_TYPES,
    component_data_validate,
    component_title,
)
from tenant_apps.bio_sites.errors import ComponentDataInvalidError
from tenant_apps.bio_sites.forms import (
    BioSiteCreateForm,
    BioSiteSettingsForm,
    ComponentDataForm,
    ComponentScheduleForm,
)
from tenant_apps.bio_sites.rendering import bio_page_html
from tenant_apps.bio_sites.themes import THEMES
from tenants.roles import Permission, user_allows, workspace_permission_required

SITES_PER_PAGE = 20

# The picker's groups, in the order a creator reaches for them.
_CATEGORY_ORDER = (
    "links",
    "profile",
    "content",
    "social",
    "media",
    "video",
    "music",
    "commerce",
    "forms",
    "places",
    "layout",
)
_CATEGORY_LABELS = {
    "links": "Links and buttons",
    "profile": "Profile",
    "content": "Text and content",
    "social": "Social",
    "media": "Images and media",
    "video": "Video",
    "music": "Music and podcasts",
    "commerce": "Sell",
    "forms": "Collect contacts",
    "places": "Places and hours",
    "layout": "Layout",
}


def _can_edit(request) -> bool:
    return user_allows(user=request.user, permission=Permission.CONTENT_EDIT) and (
        feature_state(workspace=request.workspace, key="bio_sites") == ON
    )


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _reader(view):
    return feature_required("bio_sites")(
        workspace_permission_required(Permission.CONTENT_VIEW)(view)
    )


def _writer(view):
    return feature_required("bio_sites")(
        workspace_permission_required(Permission.CONTENT_EDIT)(require_POST(view))
    )


def _with_site(view):
    """Loads the site through the authorising selector (404 for anything the user may not
    see, another workspace's ids included) and, when the URL names one, its component."""

    @wraps(view)
    def wrapper(request, site_id, component_id=None, **kwargs):
        site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
        if component_id is not None:
            kwargs["component"] = selectors.bio_component_get_for_site(
                site=site, component_id=component_id
            )
        return view(request, site, **kwargs)

    return wrapper


# --- the site list ------------------------------------------------------------------


@_reader
@require_http_methods(["GET", "POST"])
def site_list(request):
    search = request.GET.get("q", "").strip()[:100]
    can_edit = _can_edit(request)
    form = BioSiteCreateForm()
    status = 200
    if request.method == "POST":
        if not user_allows(user=request.user, permission=Permission.CONTENT_EDIT):
            return _forbidden(request)
        form = BioSiteCreateForm(request.POST)
        if form.is_valid():
            try:
                site = services.bio_site_create(
                    name=form.cleaned_data["name"],
                    slug=form.cleaned_data["slug"],
                    actor=request.user,
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(request, f"“{site.name}” is ready. Add your first blocks.")
                return redirect("bio_dashboard:editor", site_id=site.pk)
        status = 422
    page = Paginator(
        selectors.bio_sites_for_actor(actor=request.user, search=search), SITES_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "bio_sites/dashboard/site_list.html",
        {
            "active_module": "bio",
            "page": page,
            "search": search,
            "form": form,
            "can_edit": can_edit,
        },
        status=status,
    )


@_reader
@require_GET
def slug_check(request):
    """The create form's live address check (HTMX)."""
    slug = request.GET.get("slug", "").strip().lower()[:100]
    problem = services.bio_site_slug_problem(slug=slug) if slug else None
    return render(
        request,
        "bio_sites/dashboard/_slug_check.html",
        {"slug": slug, "problem": problem[0] if problem else None},
    )


def _forbidden(request):
    return render(request, "errors/403.html", {"permission": Permission.CONTENT_EDIT}, status=403)


# --- the editor ---------------------------------------------------------------------


def _picker() -> list[tuple[str, list]]:
    groups: dict[str, list] = OrderedDict((key, []) for key in _CATEGORY_ORDER)
    for kind in COMPONENT_TYPES.values():
        groups.setdefault(kind.category, []).append(kind)
    return [
        (_CATEGORY_LABELS.get(key, key.capitalize()), kinds)
        for key, kinds in groups.items()
        if kinds
    ]


def _preview_html(request, site, *, component_id=None, data=None) -> str:
    components = selectors.bio_site_preview_components(
        site=site, component_id=component_id, data=data
    )
    return bio_page_html(request=request, site=site, components=components, preview=True)


def _rows(site) -> list[dict]:
    now = timezone.now()
    rows = []
    for component in site.components.order_by("position"):
        kind = COMPONENT_TYPES.get(component.type)
        scheduled = component.visible_from is not None or component.visible_until is not None
        live = (
            component.is_visible
            and (component.visible_from is None or component.visible_from <= now)
            and (component.visible_until is None or component.visible_until > now)
        )
        rows.append(
            {
                "component": component,
                "title": component_title(type_key=component.type, data=component.data),
                "type_label": kind.label if kind else component.type,
                "scheduled": scheduled,
                "live": live,
            }
        )
    return rows


def _editor_context(
    request, site, *, selected=None, data_form=None, schedule_form=None, notice=None
) -> dict:
    if selected is not None:
        kind = COMPONENT_TYPES.get(selected.type)
        if data_form is None and kind is not None:
            data_form = ComponentDataForm(component_type=kind, data=selected.data)
        if schedule_form is None:
            schedule_form = ComponentScheduleForm(component=selected)
    return {
        "active_module": "bio",
        "site": site,
        "rows": _rows(site),
        "selected": selected,
        "selected_type": COMPONENT_TYPES.get(selected.type) if selected else None,
        "data_form": data_form,
        "schedule_form": schedule_form,
        "picker": _picker(),
        "can_edit": _can_edit(request),
        "last_revision": selectors.bio_revision_latest(site=site),
        "preview_html": _preview_html(request, site),
        "public_path": f"/b/{site.slug}/",
        "public_url": request.build_absolute_uri(f"/b/{site.slug}/"),
        "time_zone": timezone.get_current_timezone_name(),
        "notice": notice,
    }


def _editor_response(request, site, *, status=200, **kwargs):
    template = (
        "bio_sites/dashboard/_editor.html"
        if _is_htmx(request)
        else "bio_sites/dashboard/editor.html"
    )
    return render(request, template, _editor_context(request, site, **kwargs), status=status)


def _done(request, site, *, selected=None, message=None):
    """After a change: the editor again (HTMX) or a redirect to it (plain form post)."""
    if _is_htmx(request):
        return _editor_response(request, site, selected=selected)
    if message:
        messages.success(request, message)
    url = reverse("bio_dashboard:editor", kwargs={"site_id": site.pk})
    if selected is not None:
        url += f"?component={selected.pk}"
    return redirect(url)


@_reader
@require_GET
@_with_site
def editor(request, site):
    selected = None
    try:
        component_id = uuid.UUID(request.GET.get("component", ""))
    except ValueError:
        component_id = None
    if component_id is not None:
        selected = site.components.filter(pk=component_id).first()
    return _editor_response(request, site, selected=selected)


@_reader
@require_GET
@_with_site
def component_edit(request, site, component):
    return _editor_response(request, site, selected=component)


@_writer
@_with_site
def component_add(request, site):
    type_key = request.POST.get("type", "")
    kind = COMPONENT_TYPES.get(type_key)
    if kind is None:
        return _editor_response(request, site, status=422)
    # Prefilled with the type's example so it shows on the page at once.
    component = services.bio_component_add(
        site=site, type_key=type_key, data=kind.example, actor=request.user
    )
    return _done(request, site, selected=component, message=f"Added {kind.label}.")


def _bound_data_form(request, component):
    return ComponentDataForm(
        request.POST, component_type=COMPONENT_TYPES[component.type], data=component.data
    )


@_writer
@_with_site
def component_update(request, site, component):
    form = _bound_data_form(request, component)
    payload = form.payload()
    if payload is not None:
        try:
            services.bio_component_update(component=component, data=payload, actor=request.user)
        except ComponentDataInvalidError as error:
            form.add_schema_errors(error.fields)
        else:
            return _done(request, site, selected=component, message="Saved.")
    component.refresh_from_db()
    return _editor_response(request, site, selected=component, data_form=form, status=422)


@_writer
@_with_site
def component_preview(request, site, component):
    """Renders the unsaved form into the preview. Invalid input leaves the last good
    preview in place and lists what to fix."""
    form = _bound_data_form(request, component)
    payload = form.payload()
    cleaned = None
    if payload is not None:
        try:
            cleaned = component_data_validate(type_key=component.type, data=payload)
        except ComponentDataInvalidError as error:
            form.add_schema_errors(error.fields)
    if cleaned is None:
        response = render(
            request,
            "bio_sites/dashboard/_preview_errors.html",
            {"form": form},
            status=422,
        )
        response["HX-Retarget"] = "#preview-status"
        response["HX-Reswap"] = "outerHTML"
        return response
    html = _preview_html(request, site, component_id=component.pk, data=cleaned)
    hidden = str(component.pk) not in {
        c.id for c in selectors.bio_site_preview_components(site=site)
    }
    return render(
        request,
        "bio_sites/dashboard/_preview.html",
        {"preview_html": html, "oob_status": True, "selected_hidden": hidden},
    )


@_writer
@_with_site
def component_move(request, site, component):
    try:
        position = int(request.POST.get("position", ""))
    except ValueError:
        return HttpResponse("Give the new position as a number.", status=422)
    services.bio_component_move(component=component, position=position, actor=request.user)
    return _done(request, site, selected=None)


@_writer
@_with_site
def component_visibility(request, site, component):
    visible = request.POST.get("is_visible") in ("1", "true", "on")
    services.bio_component_update(component=component, is_visible=visible, actor=request.user)
    return _done(request, site, selected=None, message="Shown." if visible else "Hidden.")


@_writer
@_with_site
def component_schedule(request, site, component):
    form = ComponentScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.bio_component_update(
                component=component,
                visible_from=form.cleaned_data["visible_from"],
                visible_until=form.cleaned_data["visible_until"],
                actor=request.user,
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            return _done(request, site, selected=component, message="Schedule saved.")
    component.refresh_from_db()
    return _editor_response(request, site, selected=component, schedule_form=form, status=422)


@_writer
@_with_site
def component_duplicate(request, site, component):
    copy = services.bio_component_duplicate(component=component, actor=request.user)
    return _done(request, site, selected=copy, message="Duplicated.")


@_writer
@_with_site
def component_delete(request, site, component):
    services.bio_component_delete(component=component, actor=request.user)
    return _done(request, site, selected=None, message="Deleted.")


@_writer
@_with_site
def undo(request, site):
    try:
        revision = services.bio_site_undo(site=site, actor=request.user)
    except ApplicationError as error:
        if _is_htmx(request):
            return _editor_response(request, site, status=error.status, notice=error.message)
        messages.error(request, error.message)
        return redirect("bio_dashboard:editor", site_id=site.pk)
    site.refresh_from_db()
    return _done(request, site, message=f"Undone: {revision.summary}.")


@_writer
@_with_site
def publish(request, site):
    services.bio_site_publish(site=site, actor=request.user)
    return _done(request, site, message=f"Published at /b/{site.slug}/.")


@_writer
@_with_site
def unpublish(request, site):
    services.bio_site_unpublish(site=site, actor=request.user)
    return _done(request, site, message="Unpublished: visitors no longer see this page.")


# --- settings -----------------------------------------------------------------------


def _settings_initial(site) -> dict:
    return {
        "name": site.name,
        "seo_title": site.seo_title,
        "seo_description": site.seo_description,
        "theme": site.theme,
        "custom_css": site.custom_css,
        "serves_root": site.serves_root,
    }


@_reader
@require_http_methods(["GET", "POST"])
@_with_site
def settings(request, site):
    can_edit = _can_edit(request)
    status = 200
    if request.method == "POST":
        if not user_allows(user=request.user, permission=Permission.CONTENT_EDIT):
            return _forbidden(request)
        form = BioSiteSettingsForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            og_image = data["og_image"] or (False if data["remove_og_image"] else None)
            try:
                services.bio_site_settings_update(
                    site=site,
                    actor=request.user,
                    name=data["name"],
                    seo_title=data["seo_title"],
                    seo_description=data["seo_description"],
                    custom_css=data["custom_css"],
                    theme=data["theme"],
                    serves_root=data["serves_root"],
                    og_image=og_image,
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(request, "Settings saved.")
                return redirect("bio_dashboard:settings", site_id=site.pk)
        status = 422
        site.refresh_from_db()
    else:
        form = BioSiteSettingsForm(initial=_settings_initial(site))
    return render(
        request,
        "bio_sites/dashboard/settings.html",
        {
            "active_module": "bio",
            "site": site,
            "form": form,
            "themes": list(THEMES.values()),
            "can_edit": can_edit,
        },
        status=status,
    )


@_reader
@require_http_methods(["GET", "POST"])
@_with_site
def site_delete(request, site):
    error = None
    status = 200
    if request.method == "POST":
        if not user_allows(user=request.user, permission=Permission.CONTENT_EDIT):
            return _forbidden(request)
        if request.POST.get("confirm", "").strip().lower() == site.slug:
            services.bio_site_delete(site=site, actor=request.user)
            messages.success(request, f"“{site.name}” was deleted.")
            return redirect("bio_dashboard:site_list")
        error = f"Type the page's address, {site.slug}, to confirm."
        status = 422
    return render(
        request,
        "bio_sites/dashboard/site_delete.html",
        {
            "active_module": "bio",
            "site": site,
            "error": error,
            "can_edit": _can_edit(request),
        },
        status=status,
    )
