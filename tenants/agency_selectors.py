"""Reads about agencies: their hosts, staff and brand."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from config.errors import PermissionDeniedError
from config.money import Money
from tenants.agency_pricing import (
    AgencyPriceTerms,
    ClientPricing,
    PricingTotals,
    client_pricing,
    pricing_totals,
)
from tenants.branding import branding_with_defaults
from tenants.host_cache import cached_route_for_host
from tenants.models import Agency, AgencyHost, AgencyMembership, AgencyPrice, Workspace
from tenants.selectors import SiteIdentity, _from_email, absolute_url


def agency_verified_hosts(*, agency: Agency) -> QuerySet[AgencyHost]:
    return AgencyHost.objects.filter(agency=agency, is_verified=True).order_by("created_at")


def agency_primary_host(*, agency: Agency) -> str | None:
    """The host the agency's dashboard and mail links use: its first verified host.
    None until one is verified (the agency is then only reachable from the platform)."""
    prefetched = getattr(agency, "primary_host", None)
    if prefetched is not None:
        return prefetched or None
    return agency_verified_hosts(agency=agency).values_list("host", flat=True).first()


def agency_dashboard_url(*, agency: Agency, path: str = "/dashboard/") -> str | None:
    host = agency_primary_host(agency=agency)
    return absolute_url(host=host, path=path) if host else None


def site_identity_for_agency(*, agency: Agency) -> SiteIdentity:
    brand = branding_with_defaults(agency.branding)
    host = agency_primary_host(agency=agency)
    name = brand.get("display_name") or agency.name
    return SiteIdentity(
        name=name,
        base_url=absolute_url(host=host, path="") if host else "",
        brand=brand,
        from_email=_from_email(name=name, brand=brand, host=host),
        white_label=True,
    )


# --- routing ---------------------------------------------------------------------------


def _load_agency_for_host(host: str) -> Agency | None:
    # The agency's primary host rides along (same rule as `agency_primary_host`), so the
    # dashboard builds its links without a query.
    primary = Subquery(
        AgencyHost.objects.filter(agency_id=OuterRef("agency_id"), is_verified=True)
        .order_by("created_at")
        .values("host")[:1]
    )
    row = (
        AgencyHost.objects.select_related("agency")
        .filter(host=host, is_verified=True)
        .annotate(primary=primary)
        .first()
    )
    if row is None:
        return None
    agency = row.agency
    agency.primary_host = row.primary or host
    return agency


def route_for_host(*, host: str) -> tuple[Workspace | None, Agency | None]:
    """What a host serves: a workspace, an agency's dashboard, or nothing. Cached."""
    # Imported here: tenants.selectors owns the workspace side of the same cache.
    from tenants.selectors import _load_workspace_for_host

    return cached_route_for_host(host, _load_workspace_for_host, _load_agency_for_host)


def agency_get_for_host(*, host: str) -> Agency | None:
    return route_for_host(host=host)[1]


# --- staff and permissions -----------------------------------------------------------------


class AgencyPermission(StrEnum):
    CLIENTS_VIEW = "clients.view"
    CLIENTS_MANAGE = "clients.manage"
    # Enter any client as its admin (staff enter only the clients they belong to).
    CLIENTS_ENTER_ANY = "clients.enter_any"
    SNAPSHOTS_MANAGE = "snapshots.manage"
    PRICING_MANAGE = "pricing.manage"
    BILLING_VIEW = "billing.view"
    STAFF_MANAGE = "staff.manage"
    HOSTS_MANAGE = "hosts.manage"
    # The agency's own brand (its dashboard host, sign-in pages and mail).
    BRANDING_MANAGE = "branding.manage"


_STAFF = frozenset({AgencyPermission.CLIENTS_VIEW})
_ADMIN = _STAFF | {
    AgencyPermission.CLIENTS_MANAGE,
    AgencyPermission.CLIENTS_ENTER_ANY,
    AgencyPermission.SNAPSHOTS_MANAGE,
}
AGENCY_ROLE_PERMISSIONS: dict[str, frozenset[AgencyPermission]] = {
    AgencyMembership.Role.STAFF: frozenset(_STAFF),
    AgencyMembership.Role.ADMIN: frozenset(_ADMIN),
    AgencyMembership.Role.OWNER: frozenset(
        _ADMIN
        | {
            AgencyPermission.PRICING_MANAGE,
            AgencyPermission.BILLING_VIEW,
            AgencyPermission.STAFF_MANAGE,
            AgencyPermission.HOSTS_MANAGE,
            AgencyPermission.BRANDING_MANAGE,
        }
    ),
}


def agency_membership_get(*, identity, agency: Agency) -> AgencyMembership | None:
    if not getattr(identity, "is_authenticated", False) or not identity.is_active:
        return None
    return AgencyMembership.objects.filter(identity=identity, agency=agency).first()


def agency_membership_allows(
    *, membership: AgencyMembership | None, permission: AgencyPermission
) -> bool:
    return membership is not None and permission in AGENCY_ROLE_PERMISSIONS.get(
        membership.role, frozenset()
    )


def agency_staff_require(
    *, identity, agency: Agency, permission: AgencyPermission
) -> AgencyMembership:
    """The identity's membership of the agency when its role allows `permission`;
    PermissionDeniedError otherwise (also for non-members)."""
    membership = agency_membership_get(identity=identity, agency=agency)
    if not agency_membership_allows(membership=membership, permission=permission):
        raise PermissionDeniedError()
    return membership


def agency_staff_for_agency(*, agency: Agency) -> QuerySet[AgencyMembership]:
    return (
        AgencyMembership.objects.filter(agency=agency)
        .select_related("identity")
        .order_by("role", "identity__email")
    )


def agency_staff_member_get(*, agency: Agency, membership_id) -> AgencyMembership:
    membership = agency_staff_for_agency(agency=agency).filter(pk=membership_id).first()
    if membership is None:
        raise Http404("No such staff member.")
    return membership


def agencies_for_identity(*, identity) -> QuerySet[Agency]:
    return Agency.objects.filter(memberships__identity=identity).order_by("name")


# --- hosts ---------------------------------------------------------------------------------


def agency_hosts_for_agency(*, agency: Agency) -> QuerySet[AgencyHost]:
    return AgencyHost.objects.filter(agency=agency).order_by("-is_verified", "host")


def agency_host_get(*, agency: Agency, host_id) -> AgencyHost:
    host = AgencyHost.objects.filter(agency=agency, pk=host_id).select_related("agency").first()
    if host is None:
        raise Http404("No such host.")
    return host


def agency_host_ids_due_for_check(*, checked_before, unverified_since) -> list[int]:
    """Agency hosts the scheduled DNS re-check should look at, by the custom-domain rule
    (tenants.selectors.custom_domain_ids_due_for_check): verified hosts last proved by DNS
    before `checked_before`, unverified ones added (or last proved) after
    `unverified_since`. Hosts an operator verified (never checked) are left alone."""
    return list(
        AgencyHost.objects.filter(
            Q(is_verified=True, last_checked_at__lt=checked_before)
            | Q(is_verified=False, created_at__gte=unverified_since)
            | Q(is_verified=False, verified_at__gte=unverified_since)
        )
        .order_by("last_checked_at", "pk")
        .values_list("pk", flat=True)
    )


# --- clients ---------------------------------------------------------------------------------


def agency_clients(
    *, agency: Agency, search: str = "", plan_code: str = "", status: str = ""
) -> QuerySet[Workspace]:
    """The agency's client workspaces (archived ones are gone from every list)."""
    queryset = (
        Workspace.objects.filter(agency=agency)
        .exclude(status=Workspace.Status.ARCHIVED)
        .annotate(
            enabled_features=Count("features", filter=Q(features__enabled=True), distinct=True)
        )
        .order_by("name", "slug")
    )
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(slug__icontains=search))
    if plan_code:
        queryset = queryset.filter(plan_code=plan_code)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def agency_client_get(*, agency: Agency, client_id) -> Workspace:
    """One client of this agency; another agency's client (or any other workspace) is a
    404, exactly like one that does not exist."""
    client = agency_clients(agency=agency).filter(pk=client_id).first()
    if client is None:
        raise Http404("No such client.")
    return client


def agency_client_get_for_staff(
    *, identity, agency: Agency, client_id, permission: AgencyPermission
) -> Workspace:
    """A client the identity may act on with `permission`: 404 for anything outside the
    agency first (its ids say nothing), then 403 for a role that does not allow it."""
    client = agency_client_get(agency=agency, client_id=client_id)
    agency_staff_require(identity=identity, agency=agency, permission=permission)
    return client


def agency_client_workspaces_for_member(*, identity, agency: Agency) -> QuerySet[Workspace]:
    """The agency's clients `identity` is a member of: what a client (or a staff member
    without the right to enter every client) sees on the agency's dashboard host."""
    if not getattr(identity, "is_authenticated", False):
        return Workspace.objects.none()
    return agency_clients(agency=agency).filter(memberships__identity=identity).order_by("name")


# --- prices ------------------------------------------------------------------------------------


def agency_prices_by_plan(*, agency: Agency) -> dict[str, AgencyPrice]:
    return {price.plan_code: price for price in AgencyPrice.objects.filter(agency=agency)}


def agency_price_terms(price: AgencyPrice | None) -> AgencyPriceTerms | None:
    if price is None:
        return None
    return AgencyPriceTerms.from_minor_units(
        feature_price_minor=price.feature_price_monthly_minor,
        base_price_minor=price.base_price_monthly_minor,
        currency=price.currency,
    )


def wholesale_per_feature_by_plan() -> dict[str, Money]:
    """The platform's current monthly per-feature price of every plan: the agency's cost."""
    # Imported here: billing imports tenants modules at load time.
    from shared_apps.billing.models import Plan, Subscription
    from shared_apps.billing.selectors import plan_price_current

    return {
        plan.code: plan_price_current(plan=plan).per_feature(Subscription.Interval.MONTH)
        for plan in Plan.objects.order_by("sort_order", "name")
    }


@dataclass(frozen=True)
class ClientRow:
    client: Workspace
    plan_code: str
    pricing: ClientPricing


def agency_client_rows(
    *, agency: Agency, clients: Iterable[Workspace], wholesale: dict[str, Money] | None = None
) -> list[ClientRow]:
    """Cost, price and margin per client. `clients` come from `agency_clients` (which
    counts their enabled features)."""
    wholesale = wholesale if wholesale is not None else wholesale_per_feature_by_plan()
    prices = agency_prices_by_plan(agency=agency)
    rows = []
    for client in clients:
        per_feature = wholesale.get(client.plan_code, Money.zero())
        features = getattr(client, "enabled_features", None)
        if features is None:
            features = client.features.filter(enabled=True).count()
        rows.append(
            ClientRow(
                client=client,
                plan_code=client.plan_code,
                pricing=client_pricing(
                    per_feature=per_feature,
                    features=features,
                    terms=agency_price_terms(prices.get(client.plan_code)),
                ),
            )
        )
    return rows


def agency_pricing_summary(*, agency: Agency) -> tuple[list[ClientRow], PricingTotals]:
    wholesale = wholesale_per_feature_by_plan()
    rows = agency_client_rows(
        agency=agency, clients=agency_clients(agency=agency), wholesale=wholesale
    )
    currency = next(iter(wholesale.values())).currency if wholesale else "usd"
    return rows, pricing_totals([row.pricing for row in rows], currency=currency)


def agency_ids_active() -> list:
    return list(
        Agency.objects.filter(status=Agency.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
