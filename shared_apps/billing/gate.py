"""The feature gate: the one place that says whether a workspace may use a feature now.

    feature_state(workspace=…, key="crm")          -> "on" | "read_only" | "off"

    @feature_required("crm")                        # HTML views: 403 page with the way out
    def contacts(request): …

    @feature_required("crm", write=True)            # a page that exists only to change things

    @router.post("/contacts")
    @api_feature_required("crm")                    # API endpoints: 403 JSON, code
    def contact_create(request, …): …               #   feature_disabled / feature_read_only

    {% load billing %}{% feature_state "crm" as crm %}{% if crm != "off" %}…{% endif %}

    feature_require_in_task("email_marketing")      # Celery tasks (workspace schema)

"off": not chosen by the workspace, waiting for its first payment, or turned off
platform-wide (kill switch). "read_only": its data can be read, not changed (grace
period over, over the plan's limit): safe methods pass, anything else is refused.
Nothing here deletes or hides data; turning the feature back on restores access.

Cost: after warm-up, none. The workspace's snapshot (shared_apps.billing.entitlements)
is cached with the routed workspace, so a check is a dict lookup.
"""

from functools import wraps

from django.shortcuts import render

from shared_apps.billing.catalog import FEATURES, feature_get
from shared_apps.billing.entitlements import OFF, ON, READ_ONLY, entitlements_for
from shared_apps.billing.errors import (
    BILLING_PAGE_PATH,
    FeatureDisabledError,
    FeatureGateError,
    FeatureReadOnlyError,
)
from tenants.roles import Permission, user_allows
from tenants.selectors import current_workspace

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

__all__ = [
    "OFF",
    "ON",
    "READ_ONLY",
    "api_feature_required",
    "entitlements_for",
    "feature_require",
    "feature_require_in_task",
    "feature_required",
    "feature_state",
]


def feature_state(*, workspace, key: str) -> str:
    """The state of `key` in `workspace`: on, read_only or off (no workspace: off)."""
    if key not in FEATURES:
        feature_get(key)  # raises KeyError naming the catalog: a typo must fail loudly
    if workspace is None:
        return OFF
    return entitlements_for(workspace=workspace).state(key)


def feature_gate_error(*, workspace, key: str, write: bool) -> FeatureGateError | None:
    """The error a use of `key` meets right now, or None when it may go ahead."""
    state = feature_state(workspace=workspace, key=key)
    if state == ON or (state == READ_ONLY and not write):
        return None
    name = FEATURES[key].name
    if state == READ_ONLY:
        return FeatureReadOnlyError(
            feature_key=key,
            message=(
                f"{name} is read-only for this workspace: its data can be viewed but not "
                f"changed. An owner can restore it in Billing ({BILLING_PAGE_PATH})."
            ),
        )
    if workspace is not None and key in entitlements_for(workspace=workspace).killed:
        return FeatureDisabledError(
            feature_key=key,
            message=f"{name} is temporarily unavailable. Please try again later.",
            killed=True,
        )
    return FeatureDisabledError(
        feature_key=key,
        message=(
            f"{name} is not turned on for this workspace. An owner can turn it on in "
            f"Billing ({BILLING_PAGE_PATH})."
        ),
    )


def feature_require(*, workspace, key: str, write: bool = False) -> str:
    """Raise FeatureDisabledError / FeatureReadOnlyError unless the use may go ahead;
    return the state. Services and API endpoints call this (or the decorators)."""
    error = feature_gate_error(workspace=workspace, key=key, write=write)
    if error is not None:
        raise error
    return feature_state(workspace=workspace, key=key)


def feature_required(key: str, *, write: bool = False):
    """View decorator for workspace-host pages. Off: a 403 page that explains and links
    to Billing (for those who may change it). Read-only: reads pass, writes (any
    non-GET, or every method with `write=True`) get the same page."""
    feature_get(key)  # at import time: an unknown key is a programming error

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            error = feature_gate_error(
                workspace=getattr(request, "workspace", None),
                key=key,
                write=write or request.method not in SAFE_METHODS,
            )
            if error is not None:
                return feature_unavailable_response(request, error)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def feature_unavailable_response(request, error: FeatureGateError):
    user = getattr(request, "user", None)
    is_staff = bool(getattr(user, "is_staff_mirror", False)) and user.is_authenticated
    return render(
        request,
        "billing/feature_unavailable.html",
        {
            "feature": FEATURES[error.feature_key],
            "read_only": isinstance(error, FeatureReadOnlyError),
            "killed": error.killed,
            "can_manage_billing": user_allows(user=user, permission=Permission.BILLING_MANAGE),
            "billing_url": BILLING_PAGE_PATH,
            "layout": "layouts/dashboard.html" if is_staff else "layouts/public.html",
            "error_code": error.code,
        },
        status=error.status,
    )


def api_feature_required(key: str, *, write: bool = False):
    """django-ninja endpoint decorator (put it under the router's decorator): raises the
    gate's ApplicationError, which the API turns into a 403 in the one error shape with
    code `feature_disabled` or `feature_read_only`."""
    feature_get(key)

    def decorator(endpoint):
        @wraps(endpoint)
        def wrapper(request, *args, **kwargs):
            feature_require(
                workspace=getattr(request, "workspace", None),
                key=key,
                write=write or request.method not in SAFE_METHODS,
            )
            return endpoint(request, *args, **kwargs)

        return wrapper

    return decorator


def feature_require_in_task(key: str, *, write: bool = True) -> str:
    """For Celery tasks, which run in the workspace's schema: raise FeatureDisabledError
    (or FeatureReadOnlyError) if the workspace may not use `key` now. Tasks usually
    change things, hence `write=True`. Catch it to end the task quietly: retrying will
    not help until someone turns the feature back on."""
    workspace = current_workspace()
    if workspace is None:
        raise RuntimeError(
            f"feature_require_in_task({key!r}) ran in the public schema: send the task from "
            "the workspace's schema (tenants.task_routing)."
        )
    return feature_require(workspace=workspace, key=key, write=write)
