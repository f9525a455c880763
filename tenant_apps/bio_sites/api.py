"""The bio sites in the workspace API (/api/v1/bio/…): everything the dashboard's
builder does, for integrations, with the dashboard's role rules (viewers read; editors,
admins and owners change) and behind the same features (bio_sites, and api_access for
the API itself). Every site is read through the authorising selector, so another
workspace's ids and a viewer's writes end the same way as in the dashboard."""

from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from shared_apps.billing.gate import api_feature_required
from tenant_apps.bio_sites import (
    analytics_selectors,
    experiment_selectors,
    experiment_services,
    selectors,
    services,
)
from tenant_apps.bio_sites.components import COMPONENT_TYPES
from tenant_apps.bio_sites.errors import ExperimentInvalidError
from tenant_apps.bio_sites.schemas import (
    BioComponentCreateIn,
    BioComponentMoveIn,
    BioComponentOut,
    BioComponentUpdateIn,
    BioSiteAnalyticsOut,
    BioSiteCreateIn,
    BioSiteOut,
    BioSiteUpdateIn,
    ComponentTypeOut,
    ExperimentCreateIn,
    ExperimentEndIn,
    ExperimentOut,
    ExperimentResultsOut,
    RevisionOut,
)
from tenants.roles import Permission, user_require

router = Router(tags=["bio sites"])


def _gated(endpoint):
    """The API access feature, then the bio sites feature: the gate's own decorators."""
    return api_feature_required("api_access")(api_feature_required("bio_sites")(endpoint))


def _site_for_reading(request: HttpRequest, site_id: UUID):
    user_require(user=request.user, permission=Permission.CONTENT_VIEW)
    return selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)


def _site_for_editing(request: HttpRequest, site_id: UUID):
    user_require(user=request.user, permission=Permission.CONTENT_EDIT)
    return selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)


# --- component types ----------------------------------------------------------------


@router.get(
    "/component-types",
    response=list[ComponentTypeOut],
    summary="Every component type with its JSON schema and a valid example",
)
@_gated
def component_types_list(request: HttpRequest):
    # A fixed registry (56 types): read whole, not paginated.
    user_require(user=request.user, permission=Permission.CONTENT_VIEW)
    return [
        {
            "key": kind.key,
            "label": kind.label,
            "icon": kind.icon,
            "category": kind.category,
            "example": kind.example,
            "data_schema": kind.schema.model_json_schema(),
        }
        for kind in COMPONENT_TYPES.values()
    ]


# --- sites ----------------------------------------------------------------------------


@router.get("/sites", response=list[BioSiteOut], summary="The workspace's bio sites")
@paginate(PageNumberPagination, page_size=50)
@_gated
def site_list(request: HttpRequest, search: str = ""):
    user_require(user=request.user, permission=Permission.CONTENT_VIEW)
    return selectors.bio_sites_for_actor(actor=request.user, search=search.strip())


@router.post("/sites", response={201: BioSiteOut}, summary="Create a bio site (unpublished)")
@_gated
def site_create(request: HttpRequest, payload: BioSiteCreateIn):
    user_require(user=request.user, permission=Permission.CONTENT_EDIT)
    return Status(
        201, services.bio_site_create(name=payload.name, slug=payload.slug, actor=request.user)
    )


@router.get("/sites/{site_id}", response=BioSiteOut, summary="One bio site")
@_gated
def site_detail(request: HttpRequest, site_id: UUID):
    return _site_for_reading(request, site_id)


@router.patch("/sites/{site_id}", response=BioSiteOut, summary="Change a bio site's settings")
@_gated
def site_update(request: HttpRequest, site_id: UUID, payload: BioSiteUpdateIn):
    site = _site_for_editing(request, site_id)
    return services.bio_site_settings_update(
        site=site, actor=request.user, **payload.dict(exclude_unset=True)
    )


@router.delete("/sites/{site_id}", response={204: None}, summary="Delete a bio site")
@_gated
def site_delete(request: HttpRequest, site_id: UUID):
    site = _site_for_editing(request, site_id)
    services.bio_site_delete(site=site, actor=request.user)
    return Status(204, None)


@router.post("/sites/{site_id}/publish", response=BioSiteOut, summary="Publish a bio site")
@_gated
def site_publish(request: HttpRequest, site_id: UUID):
    return services.bio_site_publish(site=_site_for_editing(request, site_id), actor=request.user)


@router.post("/sites/{site_id}/unpublish", response=BioSiteOut, summary="Take a bio site offline")
@_gated
def site_unpublish(request: HttpRequest, site_id: UUID):
    return services.bio_site_unpublish(site=_site_for_editing(request, site_id), actor=request.user)


@router.post(
    "/sites/{site_id}/undo",
    response=RevisionOut,
    summary="Undo the site's last content change; answers with the change undone",
)
@_gated
def site_undo(request: HttpRequest, site_id: UUID):
    return services.bio_site_undo(site=_site_for_editing(request, site_id), actor=request.user)


# --- components -----------------------------------------------------------------------


@router.get(
    "/sites/{site_id}/components",
    response=list[BioComponentOut],
    summary="A site's components in page order, hidden and scheduled ones included",
)
@_gated
def component_list(request: HttpRequest, site_id: UUID):
    # A page holds tens of components, and order matters: returned whole, not paginated.
    return _site_for_reading(request, site_id).components.order_by("position")


@router.post(
    "/sites/{site_id}/components",
    response={201: BioComponentOut},
    summary="Add a component (its data is checked against its type's schema)",
)
@_gated
def component_create(request: HttpRequest, site_id: UUID, payload: BioComponentCreateIn):
    site = _site_for_editing(request, site_id)
    component = services.bio_component_add(
        site=site,
        type_key=payload.type,
        data=payload.data,
        position=payload.position,
        actor=request.user,
    )
    return Status(201, component)


@router.get(
    "/sites/{site_id}/components/{component_id}",
    response=BioComponentOut,
    summary="One component",
)
@_gated
def component_detail(request: HttpRequest, site_id: UUID, component_id: UUID):
    site = _site_for_reading(request, site_id)
    return selectors.bio_component_get_for_site(site=site, component_id=component_id)


@router.patch(
    "/sites/{site_id}/components/{component_id}",
    response=BioComponentOut,
    summary="Change a component's data, visibility or schedule",
)
@_gated
def component_update(
    request: HttpRequest, site_id: UUID, component_id: UUID, payload: BioComponentUpdateIn
):
    site = _site_for_editing(request, site_id)
    component = selectors.bio_component_get_for_site(site=site, component_id=component_id)
    return services.bio_component_update(
        component=component, actor=request.user, **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/sites/{site_id}/components/{component_id}",
    response={204: None},
    summary="Delete a component (undoable)",
)
@_gated
def component_delete(request: HttpRequest, site_id: UUID, component_id: UUID):
    site = _site_for_editing(request, site_id)
    component = selectors.bio_component_get_for_site(site=site, component_id=component_id)
    services.bio_component_delete(component=component, actor=request.user)
    return Status(204, None)


@router.post(
    "/sites/{site_id}/components/{component_id}/move",
    response=BioComponentOut,
    summary="Move a component to a position (0 is the top); the others close up",
)
@_gated
def component_move(
    request: HttpRequest, site_id: UUID, component_id: UUID, payload: BioComponentMoveIn
):
    site = _site_for_editing(request, site_id)
    component = selectors.bio_component_get_for_site(site=site, component_id=component_id)
    return services.bio_component_move(
        component=component, position=payload.position, actor=request.user
    )


@router.post(
    "/sites/{site_id}/components/{component_id}/duplicate",
    response={201: BioComponentOut},
    summary="Copy a component to just below itself",
)
@_gated
def component_duplicate(request: HttpRequest, site_id: UUID, component_id: UUID):
    site = _site_for_editing(request, site_id)
    component = selectors.bio_component_get_for_site(site=site, component_id=component_id)
    return Status(201, services.bio_component_duplicate(component=component, actor=request.user))


# --- A/B tests ------------------------------------------------------------------------


def _component_field(site, component_id, field: str):
    """A component of the site named in a payload: a field error (not a 404) otherwise,
    since the site itself was found."""
    if component_id is None:
        return None
    try:
        return selectors.bio_component_get_for_site(site=site, component_id=component_id)
    except Http404:
        raise ExperimentInvalidError(fields={field: ["Choose a component of this page."]}) from None


def _results_out(results) -> dict:
    best = results.best
    return {
        "experiment": results.experiment,
        "min_visitors": results.min_visitors,
        "enough_data": results.enough_data,
        "best_variant_id": best.variant.pk if best else None,
        "variants": [
            {
                "variant_id": row.variant.pk,
                "key": row.variant.key,
                "views": row.views,
                "visitors": row.visitors,
                "goal_clicks": row.goal_clicks,
                "converted": row.converted,
                "ctr": row.ctr,
                "conversion_rate": row.conversion_rate,
                "lift": row.lift,
                "z": row.z,
                "p_value": row.p_value,
                "enough_data": row.enough_data,
                "significant": row.significant,
            }
            for row in results.variants
        ],
    }


@router.get(
    "/sites/{site_id}/experiments",
    response=list[ExperimentOut],
    summary="A site's A/B tests, newest first",
)
@paginate(PageNumberPagination, page_size=50)
@_gated
def experiment_list(request: HttpRequest, site_id: UUID):
    site = _site_for_reading(request, site_id)
    return experiment_selectors.experiments_for_site(site=site)


@router.post(
    "/sites/{site_id}/experiments",
    response={201: ExperimentOut},
    summary="Start an A/B test (one running test per site)",
)
@_gated
def experiment_create(request: HttpRequest, site_id: UUID, payload: ExperimentCreateIn):
    site = _site_for_editing(request, site_id)
    experiment = experiment_services.experiment_create(
        site=site,
        name=payload.name,
        scope=payload.scope,
        component=_component_field(site, payload.component_id, "component_id"),
        goal_component=_component_field(site, payload.goal_component_id, "goal_component_id"),
        variants=[variant.dict() for variant in payload.variants],
        actor=request.user,
    )
    return Status(
        201, experiment_selectors.experiment_get_for_site(site=site, experiment_id=experiment.pk)
    )


@router.get(
    "/sites/{site_id}/experiments/{experiment_id}",
    response=ExperimentResultsOut,
    summary="An A/B test with its results: views, visitors, clicks, CTR, lift and p-value",
)
@_gated
def experiment_detail(request: HttpRequest, site_id: UUID, experiment_id: UUID):
    site = _site_for_reading(request, site_id)
    experiment = experiment_selectors.experiment_get_for_site(
        site=site, experiment_id=experiment_id
    )
    return _results_out(experiment_selectors.experiment_results(experiment=experiment))


@router.post(
    "/sites/{site_id}/experiments/{experiment_id}/end",
    response=ExperimentOut,
    summary="End a running A/B test, optionally keeping one variant live",
)
@_gated
def experiment_end(
    request: HttpRequest, site_id: UUID, experiment_id: UUID, payload: ExperimentEndIn
):
    site = _site_for_editing(request, site_id)
    experiment = experiment_selectors.experiment_get_for_site(
        site=site, experiment_id=experiment_id
    )
    keep = None
    if payload.keep_variant_id is not None:
        keep = experiment.variants.filter(pk=payload.keep_variant_id).first()
        if keep is None:
            raise ExperimentInvalidError(
                fields={"keep_variant_id": ["Choose a variant of this test."]}
            )
    experiment_services.experiment_end(experiment=experiment, keep_variant=keep, actor=request.user)
    return experiment_selectors.experiment_get_for_site(site=site, experiment_id=experiment.pk)


@router.delete(
    "/sites/{site_id}/experiments/{experiment_id}",
    response={204: None},
    summary="Delete an ended A/B test (its events stay in analytics)",
)
@_gated
def experiment_delete(request: HttpRequest, site_id: UUID, experiment_id: UUID):
    site = _site_for_editing(request, site_id)
    experiment = experiment_selectors.experiment_get_for_site(
        site=site, experiment_id=experiment_id
    )
    experiment_services.experiment_delete(experiment=experiment, actor=request.user)
    return Status(204, None)


# --- analytics ------------------------------------------------------------------------


@router.get(
    "/sites/{site_id}/analytics",
    response=BioSiteAnalyticsOut,
    summary="Views, unique visitors, clicks and CTR per link, referrers, countries, devices",
    description=(
        "Over `start`..`end` (inclusive dates, YYYY-MM-DD, in the workspace's time zone; "
        "both or neither), else the last `preset` days (7, 30 or 90; 30 by default)."
    ),
)
@_gated
def site_analytics(
    request: HttpRequest, site_id: UUID, start: str = "", end: str = "", preset: str = ""
):
    site = _site_for_reading(request, site_id)
    first, last = analytics_selectors.analytics_range_resolve(
        preset=preset, start=start, end=end, today=timezone.localdate()
    )
    return analytics_selectors.bio_site_analytics(site=site, start=first, end=last)
