"""Reads about agencies: their hosts, staff and brand."""

from django.db.models import QuerySet

from tenants.branding import branding_with_defaults
from tenants.models import Agency, AgencyHost
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
