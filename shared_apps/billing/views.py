"""The billing page on a workspace host: plan, interval and features with the exact price
before confirming; the current subscription, its invoices and Stripe's portal. Owners
only (billing.manage).

Subscriptions, features and invoices are control-plane rows: services run in the public
schema (`_control_plane`). An agency's client sees its plan, but the agency chooses it
and is billed for it (shared_apps.billing.agency_billing): no checkout, portal or plan
change of its own. Stripe calls go through `shared_apps.billing.stripe_billing`.
"""

import importlib

from django.contrib import messages
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tenants.utils import get_public_schema_name, schema_context

from config.errors import ApplicationError
from config.forms import form_add_application_error
from shared_apps.billing.catalog import FEATURES
from shared_apps.billing.errors import BILLING_PAGE_PATH, BillingError
from shared_apps.billing.forms import PlanChoiceForm
from shared_apps.billing.models import Subscription
from shared_apps.billing.selectors import (
    feature_rows_for_workspace,
    invoices_for_workspace,
    plan_cards,
    plan_change_preview,
    plans_available,
    subscription_for_workspace,
)
from shared_apps.billing.services import subscription_create_free, workspace_plan_change
from tenants.roles import Permission, workspace_permission_required
from tenants.selectors import absolute_url, identity_for_mirror, workspace_primary_host

STRIPE_MODULE = "shared_apps.billing.stripe_billing"


def _control_plane():
    # Crosses schemas: billing rows (and the audit trail) live in public.
    return schema_context(get_public_schema_name())


def _stripe_billing():
    """The Stripe side, or None where it is not installed. Only the module's own absence
    is tolerated: an import error inside it is a bug and surfaces."""
    try:
        return importlib.import_module(STRIPE_MODULE)
    except ModuleNotFoundError as error:
        if error.name != STRIPE_MODULE:
            raise
        return None


def _billing_url(request, query: str = "") -> str:
    """Absolute, on the workspace's primary host (never the Host header): Stripe sends
    the owner back here."""
    workspace = request.workspace
    host = getattr(workspace, "primary_host", None) or workspace_primary_host(workspace=workspace)
    return absolute_url(host=host, path=BILLING_PAGE_PATH + query)


def _subscription(request) -> Subscription:
    subscription = subscription_for_workspace(workspace=request.workspace)
    if subscription is None:  # a workspace from before billing, missed by its migration
        with _control_plane():
            subscription_create_free(workspace=request.workspace)
        subscription = subscription_for_workspace(workspace=request.workspace)
    return subscription


def _managing_agency(request):
    """The agency whose client this workspace is: it chooses the plan and the platform
    bills it, so the client has no checkout, portal or plan form of its own."""
    workspace = request.workspace
    return workspace.agency if workspace.agency_id is not None else None


def _agency_managed_refusal(request, agency):
    messages.error(
        request,
        f"Your plan is managed by {agency.name}. Ask them to change your plan or features.",
    )
    return _page(request, status=409)


def _form(request, subscription: Subscription, data=None) -> PlanChoiceForm:
    return PlanChoiceForm(data, plans=plans_available(current=subscription.plan))


def _current_selection(subscription: Subscription, enabled: set[str]) -> QueryDict:
    """The workspace's plan, interval and features, as the form would submit them."""
    data = QueryDict(mutable=True)
    data["plan"], data["interval"] = subscription.plan.code, subscription.interval
    data.setlist("features", sorted(enabled))
    return data


def _preview_context(request, form: PlanChoiceForm) -> dict:
    """The live summary for a submitted (or current) selection, or its errors."""
    if not form.is_valid():
        return {"errors": [e for errors in form.errors.values() for e in errors]}
    try:
        preview = plan_change_preview(
            workspace=request.workspace,
            plan=form.chosen_plan,
            interval=form.cleaned_data["interval"],
            feature_keys=form.cleaned_data["features"],
        )
    except BillingError as error:
        return {"errors": [m for messages in error.fields.values() for m in messages]}
    return {
        "preview": preview,
        "quote": preview.quote,
        "turning_on": [FEATURES[k] for k in preview.turning_on],
        "turning_off": [FEATURES[k] for k in preview.turning_off],
    }


def _page(request, *, form: PlanChoiceForm | None = None, status: int = 200):
    subscription = _subscription(request)
    plans = plans_available(current=subscription.plan)
    rows = feature_rows_for_workspace(workspace=request.workspace, plans=plans)
    enabled = {row.feature.key for row in rows if row.enabled}
    # Shown as chosen: what was submitted, or else the workspace's current state.
    form = form or _form(request, subscription, _current_selection(subscription, enabled))
    cards = plan_cards(subscription=subscription, plans=list(form.plans.values()))
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    return render(
        request,
        "billing/page.html",
        {
            "active_module": "billing",
            "subscription": subscription,
            "locked_per_feature": subscription.price.per_feature(subscription.interval),
            "cards": cards,
            "groups": groups,
            "selected_plan": form.data.get("plan", ""),
            "selected_interval": form.data.get("interval", ""),
            "chosen": set(form.data.getlist("features")),
            "form": form,
            "invoices": invoices_for_workspace(workspace=request.workspace),
            "read_only": [row.feature for row in rows if row.state == "read_only"],
            "checkout": request.GET.get("checkout", "")[:16],
            "payments_available": _stripe_billing() is not None,
            "managed_by": _managing_agency(request),
            **_preview_context(request, form),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_permission_required(Permission.BILLING_MANAGE)
def billing_page(request):
    if request.method != "POST":
        return _page(request)
    if (agency := _managing_agency(request)) is not None:
        return _agency_managed_refusal(request, agency)
    subscription = _subscription(request)
    form = _form(request, subscription, request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    actor = identity_for_mirror(user=request.user)
    try:
        with _control_plane():
            result = workspace_plan_change(
                workspace=request.workspace,
                plan=form.chosen_plan,
                interval=form.cleaned_data["interval"],
                feature_keys=form.cleaned_data["features"],
                actor=actor,
                request=request,
            )
    except ApplicationError as error:
        form_add_application_error(form, error)
        return _page(request, form=form, status=400)
    if result.needs_checkout:
        return _checkout_redirect(request, subscription=result.subscription, actor=actor)
    if result.needs_quantity_sync and not _quantity_sync(
        request, subscription=result.subscription, actor=actor
    ):
        return redirect(BILLING_PAGE_PATH)
    if result.changed:
        messages.success(
            request,
            f"Saved: {result.quote.plan.name}, {result.quote.quantity} features, "
            f"{result.quote.total} per {result.quote.interval_label}.",
        )
    return redirect(BILLING_PAGE_PATH)


@require_GET
@workspace_permission_required(Permission.BILLING_MANAGE)
def billing_quote(request):
    """HTMX: the exact price of the selection on the page (the same quote the service
    charges). Invalid selections answer 400 with their errors, shown in place."""
    subscription = _subscription(request)
    form = _form(request, subscription, request.GET)
    context = _preview_context(request, form)
    return render(
        request, "billing/_quote.html", context, status=400 if "errors" in context else 200
    )


def _checkout_redirect(request, *, subscription: Subscription, actor):
    stripe_billing = _stripe_billing()
    if stripe_billing is None:
        messages.error(
            request,
            "Online payment is not available yet. Your choice is saved; the new features "
            "turn on once the first payment is made.",
        )
        return redirect(BILLING_PAGE_PATH)
    try:
        with _control_plane():
            url = stripe_billing.checkout_session_create(
                subscription=subscription,
                actor=actor,
                success_url=_billing_url(request, "?checkout=done"),
                cancel_url=_billing_url(request, "?checkout=canceled"),
            )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(BILLING_PAGE_PATH)
    return HttpResponseRedirect(url, status=303)


def _quantity_sync(request, *, subscription: Subscription, actor) -> bool:
    stripe_billing = _stripe_billing()
    if stripe_billing is None:
        messages.error(request, "Saved, but Stripe could not be updated: payments are off.")
        return False
    try:
        with _control_plane():
            stripe_billing.subscription_quantity_sync(subscription=subscription, actor=actor)
    except ApplicationError as error:
        messages.error(request, f"Saved, but Stripe could not be updated: {error.message}")
        return False
    return True


@require_POST
@workspace_permission_required(Permission.BILLING_MANAGE)
def billing_checkout(request):
    """Resume a payment left unfinished (a paid plan chosen, Checkout not completed)."""
    if (agency := _managing_agency(request)) is not None:
        return _agency_managed_refusal(request, agency)
    subscription = _subscription(request)
    if subscription.status != Subscription.Status.INCOMPLETE:
        messages.info(request, "There is no payment waiting.")
        return redirect(BILLING_PAGE_PATH)
    return _checkout_redirect(
        request, subscription=subscription, actor=identity_for_mirror(user=request.user)
    )


@require_POST
@workspace_permission_required(Permission.BILLING_MANAGE)
def billing_portal(request):
    """Stripe's Customer Portal: cards, billing details, every invoice."""
    if (agency := _managing_agency(request)) is not None:
        return _agency_managed_refusal(request, agency)
    subscription = _subscription(request)
    stripe_billing = _stripe_billing()
    if stripe_billing is None or not subscription.stripe_customer_id:
        messages.info(request, "Payment methods appear here after your first payment.")
        return redirect(BILLING_PAGE_PATH)
    try:
        with _control_plane():
            url = stripe_billing.portal_session_url(
                subscription=subscription, return_url=_billing_url(request)
            )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(BILLING_PAGE_PATH)
    return HttpResponseRedirect(url, status=303)
