"""The agency dashboard, on the agency's own dashboard host (request.agency is set by
tenants.routing). Thin: parse, call one selector or service, render.

Roles (tenants.agency_selectors.AGENCY_ROLE_PERMISSIONS): owners do everything
(pricing, billing, staff, hosts, the agency's brand); admins manage clients and
snapshots; staff read the client list and open the clients they belong to. People who
are not on the staff but belong to some of the agency's clients see those clients, to
open them.

Another agency's client, snapshot, host or staff member is a 404 here, like one that
does not exist; a role that does not allow a page is a 403.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import ApplicationError
from config.forms import form_add_application_error
from config.money import Money
from shared_apps.billing.agency_billing import (
    agency_invoices_for_agency,
    agency_wholesale_statement,
)
from shared_apps.billing.catalog import FEATURES
from shared_apps.billing.selectors import workspace_enabled_keys
from tenants import agency_services, snapshots, teams
from tenants.agency_forms import (
    ClientCreateForm,
    ClientFilterForm,
    ClientPlanForm,
    HostForm,
    MemberInviteForm,
    MemberRoleForm,
    PriceForm,
    SnapshotCreateForm,
    StaffAddForm,
    StaffRoleForm,
)
from tenants.agency_pricing import client_pricing
from tenants.agency_selectors import (
    AgencyPermission,
    agency_client_get,
    agency_client_rows,
    agency_client_workspaces_for_member,
    agency_clients,
    agency_host_get,
    agency_hosts_for_agency,
    agency_membership_allows,
    agency_membership_get,
    agency_price_terms,
    agency_prices_by_plan,
    agency_pricing_summary,
    agency_staff_for_agency,
    agency_staff_member_get,
    wholesale_per_feature_by_plan,
)
from tenants.branding_services import agency_branding_update
from tenants.branding_views import branding_editor_context, branding_preview_render
from tenants.domains import (
    custom_domain_add,
    custom_domain_remove,
    custom_domain_verify,
    domains_shown_for_workspace,
)
from tenants.forms import BrandingForm
from tenants.models import Snapshot
from tenants.selectors import (
    domain_get_for_workspace,
    invitations_open_for_workspace,
    membership_get_in_workspace,
    team_for_workspace,
)

CLIENTS_PER_PAGE = 25
# The pricing page's preview: what a client with this many features would cost and pay.
PREVIEW_FEATURES = 5


def agency_view(permission: AgencyPermission):
    """Agency host only (404 elsewhere); signed in; the role must allow `permission`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            agency = getattr(request, "agency", None)
            if agency is None:
                raise Http404("No such page.")
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = agency_membership_get(identity=request.user, agency=agency)
            if not agency_membership_allows(membership=membership, permission=permission):
                return _forbidden(request, membership)
            request.agency_membership = membership
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _forbidden(request, membership):
    return render(
        request,
        "agencies/forbidden.html",
        _context(request, membership=membership, active="none"),
        status=403,
    )


def _can(membership, permission: AgencyPermission) -> bool:
    return agency_membership_allows(membership=membership, permission=permission)


def _context(request, *, membership=None, active: str, **extra) -> dict:
    membership = (
        membership if membership is not None else getattr(request, "agency_membership", None)
    )
    return {
        "agency": request.agency,
        "agency_membership": membership,
        "active_agency_page": active,
        "can": {
            permission.name.lower(): _can(membership, permission) for permission in AgencyPermission
        },
        **extra,
    }


def _error(request, error: ApplicationError) -> None:
    messages.error(request, error.message)


# --- home and clients --------------------------------------------------------------------------


def agency_home(request):
    """/dashboard/ on the agency's host (dispatched from tenants.views.platform_dashboard):
    the client list for staff, the clients one belongs to for everyone else."""
    membership = agency_membership_get(identity=request.user, agency=request.agency)
    if membership is not None:
        request.agency_membership = membership
        return _clients_page(request)
    workspaces = agency_client_workspaces_for_member(identity=request.user, agency=request.agency)
    return render(
        request,
        "agencies/portal.html",
        _context(request, membership=None, active="portal", workspaces=workspaces),
    )


@agency_view(AgencyPermission.CLIENTS_VIEW)
def client_list(request):
    return _clients_page(request)


def _clients_page(request):
    agency = request.agency
    form = ClientFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    clients = agency_clients(
        agency=agency,
        search=filters.get("q", ""),
        plan_code=filters.get("plan", ""),
        status=filters.get("status", ""),
    )
    page = Paginator(clients, CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = agency_client_rows(agency=agency, clients=page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agencies/clients.html",
        _context(
            request,
            active="clients",
            form=form,
            page=page,
            rows=rows,
            query=query.urlencode(),
            member_of=set(
                agency_client_workspaces_for_member(
                    identity=request.user, agency=agency
                ).values_list("pk", flat=True)
            ),
        ),
    )


@agency_view(AgencyPermission.CLIENTS_MANAGE)
@require_http_methods(["GET", "POST"])
def client_create(request):
    agency = request.agency
    form = ClientCreateForm(
        request.POST or None, snapshots=snapshots.snapshots_for_agency(agency=agency)
    )
    if request.method == "POST" and form.is_valid():
        try:
            client = agency_services.agency_client_create(
                agency=agency,
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                plan_code=form.cleaned_data["plan"],
                owner_email=form.cleaned_data["owner_email"],
                snapshot=form.chosen_snapshot,
                actor=request.user,
                request=request,
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, f"{client.name} is ready; its owner has been invited.")
            return redirect("agency:client", client_id=client.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "agencies/client_create.html",
        _context(request, active="clients", form=form),
        status=status,
    )


@agency_view(AgencyPermission.CLIENTS_MANAGE)
def client_detail(request, client_id):
    client = agency_client_get(agency=request.agency, client_id=client_id)
    enabled = workspace_enabled_keys(workspace=client)
    plan_form = ClientPlanForm(initial={"plan": client.plan_code, "features": sorted(enabled)})
    wholesale = wholesale_per_feature_by_plan()
    (row,) = agency_client_rows(agency=request.agency, clients=[client], wholesale=wholesale)
    return render(
        request,
        "agencies/client_detail.html",
        _context(
            request,
            active="clients",
            client=client,
            row=row,
            team=team_for_workspace(workspace=client),
            invitations=invitations_open_for_workspace(workspace=client),
            domains=domains_shown_for_workspace(workspace=client),
            plan_form=plan_form,
            invite_form=MemberInviteForm(),
            host_form=HostForm(),
            features=[(key, FEATURES[key].name, key in enabled) for key in FEATURES],
            roles=MemberRoleForm.base_fields["role"].choices,
        ),
    )


def _client_for_action(request, client_id):
    """The client, and the acting person's membership of it (agency owners and admins
    get one on first use, audited)."""
    client = agency_client_get(agency=request.agency, client_id=client_id)
    agency_services.agency_client_access_ensure(
        agency=request.agency, client=client, identity=request.user, request=request
    )
    return client


def _back(client):
    return redirect("agency:client", client_id=client.pk)


@agency_view(AgencyPermission.CLIENTS_MANAGE)
@require_POST
def client_plan(request, client_id):
    client = agency_client_get(agency=request.agency, client_id=client_id)
    form = ClientPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a plan and features from the lists.")
        return _back(client)
    try:
        result = agency_services.agency_client_plan_set(
            agency=request.agency,
            client=client,
            plan_code=form.cleaned_data["plan"],
            feature_keys=form.cleaned_data["features"],
            actor=request.user,
            request=request,
        )
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(
            request,
            f"Saved: {result.quote.plan.name} with {result.quote.quantity} feature(s).",
        )
    return _back(client)


@agency_view(AgencyPermission.CLIENTS_MANAGE)
@require_POST
def member_invite(request, client_id):
    client = _client_for_action(request, client_id)
    form = MemberInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter an email address and a role.")
        return _back(client)
    try:
        teams.invitation_create(
            workspace=client,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            actor=request.user,
            request=request,
        )
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
    return _back(client)


@agency_view(AgencyPermission.CLIENTS_MANAGE)
@require_POST
def member_role(request, client_id, membership_id):
    client = _client_for_action(request, client_id)
    membership = membership_get_in_workspace(workspace=client, membership_id=membership_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return _back(client)
    try:
        teams.membership_role_change(
            membership=membership,
            role=form.cleaned_data["role"],
            actor=request.user,
            request=request,
        )
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(
            request, f"{membership.identity.email} is now {form.cleaned_data['role']}."
        )
    return _back(client)


@agency_view(AgencyPermission.CLIENTS_MANAGE)
@require_POST
def member_remove(request, client_id, membership_id):
    client = _client_for_action(request, client_id)
    membership = membership_get_in_workspace(workspace=client, membership_id=membership_id)
    try:
        teams.membership_remove(membership=membership, actor=request.user, request=request)
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(request, f"{membership.identity.email} was removed.")
    return _back(client)


@agency_view(AgencyPermission.CLIENTS_MANAGE)
@require_POST
def domain_add(request, client_id):
    client = _client_for_action(request, client_id)
    form = HostForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError("Enter a host name such as shop.example.com.")
        domain = custom_domain_add(
            workspace=client, host=form.cleaned_data["host"], actor=request.user, request=request
        )
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(request, f"{domain.domain} was added; create its DNS records next.")
    return _back(client)


@agency_view(AgencyPermission.CLIENTS_MANAGE)
@require_POST
def domain_verify(request, client_id, domain_id):
    client = _client_for_action(request, client_id)
    domain = domain_get_for_workspace(workspace=client, domain_id=domain_id)
    try:
        domain = custom_domain_verify(domain=domain, actor=request.user, request=request)
    except ApplicationError as error:
        _error(request, error)
    else:
        if domain.is_verified:
            messages.success(request, f"{domain.domain} is verified.")
        else:
            messages.error(request, domain.failure_reason or "Not verified yet.")
    return _back(client)


@agency_view(AgencyPermission.CLIENTS_MANAGE)
@require_POST
def domain_remove(request, client_id, domain_id):
    client = _client_for_action(request, client_id)
    domain = domain_get_for_workspace(workspace=client, domain_id=domain_id)
    try:
        custom_domain_remove(domain=domain, actor=request.user, request=request)
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(request, f"{domain.domain} was removed.")
    return _back(client)


# --- pricing ------------------------------------------------------------------------------------


@agency_view(AgencyPermission.PRICING_MANAGE)
@require_http_methods(["GET", "POST"])
def pricing(request):
    agency = request.agency
    form, status = None, 200
    if request.method == "POST":
        form = PriceForm(request.POST)
        if form.is_valid():
            try:
                if request.POST.get("action") == "reset":
                    agency_services.agency_price_delete(
                        agency=agency,
                        plan_code=form.cleaned_data["plan_code"],
                        actor=request.user,
                        request=request,
                    )
                    messages.success(request, "Back to reselling that plan at cost.")
                else:
                    agency_services.agency_price_set(
                        agency=agency,
                        plan_code=form.cleaned_data["plan_code"],
                        feature_price_minor=form.cleaned_data["feature_price_monthly_minor"],
                        base_price_minor=form.cleaned_data["base_price_monthly_minor"] or 0,
                        actor=request.user,
                        request=request,
                    )
                    messages.success(request, "Price saved.")
                return redirect("agency:pricing")
            except ApplicationError as error:
                form_add_application_error(form, error)
        status = 400
    wholesale = wholesale_per_feature_by_plan()
    prices = agency_prices_by_plan(agency=agency)
    plans = []
    for plan_code, per_feature in wholesale.items():
        price = prices.get(plan_code)
        preview = client_pricing(
            per_feature=per_feature, features=PREVIEW_FEATURES, terms=agency_price_terms(price)
        )
        plans.append(
            {
                "code": plan_code,
                "wholesale": per_feature,
                "price": price,
                "feature_price": Money.from_minor_units(
                    price.feature_price_monthly_minor, price.currency
                )
                if price
                else None,
                "base_price": Money.from_minor_units(price.base_price_monthly_minor, price.currency)
                if price
                else None,
                "preview": preview,
                "form_errors": form.errors
                if form is not None and form.data.get("plan_code") == plan_code
                else None,
            }
        )
    return render(
        request,
        "agencies/pricing.html",
        _context(request, active="pricing", plans=plans, preview_features=PREVIEW_FEATURES),
        status=status,
    )


# --- snapshots ---------------------------------------------------------------------------------


@agency_view(AgencyPermission.SNAPSHOTS_MANAGE)
@require_http_methods(["GET", "POST"])
def snapshot_list(request):
    agency = request.agency
    form = SnapshotCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                client = agency_client_get(agency=agency, client_id=form.cleaned_data["client"])
                snapshot = snapshots.snapshot_create(
                    workspace=client,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    agency=agency,
                    actor=request.user,
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(request, f"Snapshot {snapshot.name} is {snapshot.status}.")
                return redirect("agency:snapshots")
        status = 400
    return render(
        request,
        "agencies/snapshots.html",
        _context(
            request,
            active="snapshots",
            form=form,
            snapshots=Snapshot.objects.filter(agency=agency).order_by("-created_at"),
            clients=agency_clients(agency=agency),
        ),
        status=status,
    )


@agency_view(AgencyPermission.SNAPSHOTS_MANAGE)
@require_POST
def snapshot_delete(request, snapshot_id):
    snapshot = Snapshot.objects.filter(agency=request.agency, pk=snapshot_id).first()
    if snapshot is None:
        raise Http404("No such snapshot.")
    try:
        snapshots.snapshot_delete(snapshot=snapshot, actor=request.user)
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(request, f"Snapshot {snapshot.name} was deleted.")
    return redirect("agency:snapshots")


# --- billing -------------------------------------------------------------------------------------


@agency_view(AgencyPermission.BILLING_VIEW)
def billing(request):
    agency = request.agency
    # The statement's total is the clients' summed wholesale cost.
    _, totals = agency_pricing_summary(agency=agency)
    return render(
        request,
        "agencies/billing.html",
        _context(
            request,
            active="billing",
            lines=agency_wholesale_statement(agency=agency),
            total=totals.cost,
            totals=totals,
            invoices=agency_invoices_for_agency(agency=agency),
        ),
    )


# --- staff and hosts ---------------------------------------------------------------------------


@agency_view(AgencyPermission.STAFF_MANAGE)
@require_http_methods(["GET", "POST"])
def staff(request):
    form = StaffAddForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                agency_services.agency_staff_add(
                    agency=request.agency,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                    request=request,
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(request, f"{form.cleaned_data['email']} joined the staff.")
                return redirect("agency:staff")
        status = 400
    return render(
        request,
        "agencies/staff.html",
        _context(
            request,
            active="staff",
            form=form,
            members=agency_staff_for_agency(agency=request.agency),
            roles=StaffRoleForm.base_fields["role"].choices,
        ),
        status=status,
    )


@agency_view(AgencyPermission.STAFF_MANAGE)
@require_POST
def staff_role(request, membership_id):
    membership = agency_staff_member_get(agency=request.agency, membership_id=membership_id)
    form = StaffRoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError("Choose one of the roles: owner, admin, staff.")
        agency_services.agency_staff_role_change(
            membership=membership,
            role=form.cleaned_data["role"],
            actor=request.user,
            request=request,
        )
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(
            request, f"{membership.identity.email} is now {form.cleaned_data['role']}."
        )
    return redirect("agency:staff")


@agency_view(AgencyPermission.STAFF_MANAGE)
@require_POST
def staff_remove(request, membership_id):
    membership = agency_staff_member_get(agency=request.agency, membership_id=membership_id)
    try:
        agency_services.agency_staff_remove(
            membership=membership, actor=request.user, request=request
        )
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(request, f"{membership.identity.email} left the staff.")
    return redirect("agency:staff")


@agency_view(AgencyPermission.HOSTS_MANAGE)
@require_http_methods(["GET", "POST"])
def hosts(request):
    form = HostForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                agency_services.agency_host_add(
                    agency=request.agency,
                    host=form.cleaned_data["host"],
                    actor=request.user,
                    request=request,
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                return redirect("agency:hosts")
        status = 400
    rows = [
        (host, agency_services.agency_host_dns_records(agency_host=host))
        for host in agency_hosts_for_agency(agency=request.agency)
    ]
    return render(
        request,
        "agencies/hosts.html",
        _context(request, active="hosts", form=form, rows=rows),
        status=status,
    )


@agency_view(AgencyPermission.HOSTS_MANAGE)
@require_POST
def host_verify(request, host_id):
    agency_host = agency_host_get(agency=request.agency, host_id=host_id)
    agency_host = agency_services.agency_host_verify(
        agency_host=agency_host, actor=request.user, request=request
    )
    if agency_host.is_verified:
        messages.success(request, f"{agency_host.host} is verified.")
    else:
        messages.error(request, agency_host.failure_reason or "Not verified yet.")
    return redirect("agency:hosts")


@agency_view(AgencyPermission.HOSTS_MANAGE)
@require_POST
def host_remove(request, host_id):
    agency_host = agency_host_get(agency=request.agency, host_id=host_id)
    try:
        agency_services.agency_host_remove(
            agency_host=agency_host, actor=request.user, request=request
        )
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(request, f"{agency_host.host} was removed.")
    return redirect("agency:hosts")


# --- brand ---------------------------------------------------------------------------------------


def _branding_page(request, *, form, status=200):
    return render(
        request,
        "agencies/branding.html",
        _context(
            request,
            active="branding",
            **branding_editor_context(
                owner=request.agency,
                form=form,
                white_label=True,
                page_url=reverse("agency:branding"),
                preview_url=reverse("agency:branding_preview"),
            ),
        ),
        status=status,
    )


@agency_view(AgencyPermission.BRANDING_MANAGE)
@require_http_methods(["GET", "POST"])
def branding(request):
    """The agency's own brand: its dashboard host, sign-in pages and mail. An agency host
    is always white label, so the sender and custom CSS are always offered. Saving drops
    the agency's hosts from the routing cache (agency_branding_update): the next page
    wears the new brand. Its clients' workspaces keep their own brands."""
    agency = request.agency
    if request.method == "GET":
        return _branding_page(request, form=BrandingForm(owner=agency, white_label=True))
    form = BrandingForm(request.POST, request.FILES, owner=agency, white_label=True)
    if form.is_valid():
        try:
            agency_branding_update(
                agency=agency, actor=request.user, request=request, **form.service_arguments()
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, "Brand saved. Your dashboard and sign-in pages wear it now.")
            return redirect("agency:branding")
    return _branding_page(request, form=form, status=400)


@agency_view(AgencyPermission.BRANDING_MANAGE)
@require_POST
def branding_preview(request):
    return branding_preview_render(request, owner=request.agency)
