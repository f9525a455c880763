"""Writes about agencies: the agency itself, its staff, its dashboard hosts, its clients
and its price list. Every change is audited (`agency.*` actions).

Permissions: a platform owner (active superuser) may do anything to any agency (the
console, management commands); otherwise the actor's AgencyMembership role decides
(tenants.agency_selectors.AGENCY_ROLE_PERMISSIONS).

Routing cache: a client workspace's cached row carries its agency (name, brand, primary
host) and an agency host's cached row carries the agency, so every change to an
agency's hosts, brand or status drops the cached entries of the agency's hosts *and* of
its clients' hosts (`_agency_routes_forget`).
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from config.errors import PermissionDeniedError
from shared_apps.accounts.models import User
from shared_apps.accounts.selectors import user_get_by_email
from shared_apps.platform.services import audit_record
from tenants.agency_errors import AgencyError, AgencyErrorCode, AgencyPricingError
from tenants.agency_pricing import AgencyPriceTerms, price_floor_problem
from tenants.agency_selectors import (
    AgencyPermission,
    agency_membership_allows,
    agency_membership_get,
    site_identity_for_agency,
    wholesale_per_feature_by_plan,
)
from tenants.branding import branding_problems
from tenants.domains import (
    DnsCheck,
    host_check_apply,
    host_dns_check,
    host_dns_records,
    host_normalize,
    host_reserved_problem,
)
from tenants.errors import DomainError
from tenants.host_cache import forget_hosts
from tenants.models import (
    SLUG_MAX_LENGTH,
    SLUG_MIN_LENGTH,
    SLUG_PATTERN,
    Agency,
    AgencyHost,
    AgencyMembership,
    AgencyPrice,
    Domain,
    Membership,
    Snapshot,
    Workspace,
)
from tenants.services import membership_mirror_sync_in_workspace, workspace_provision

# Enough for a dashboard host and its aliases; keeps the scheduled re-check bounded.
HOSTS_PER_AGENCY = 5
# AgencyPrice stores PositiveIntegerField minor units (PostgreSQL integer).
PRICE_MINOR_MAX = 2_147_483_647
AGENCY_ROLES = {choice.value for choice in AgencyMembership.Role}


def _is_platform_owner(actor) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False) and actor.is_active and actor.is_superuser
    )


def _require(*, actor, agency: Agency, permission: AgencyPermission) -> None:
    if _is_platform_owner(actor):
        return
    membership = agency_membership_get(identity=actor, agency=agency)
    if not agency_membership_allows(membership=membership, permission=permission):
        raise PermissionDeniedError()


def _audit(action: str, *, agency: Agency, actor=None, target=None, request=None, **data):
    audit_record(
        action=action,
        actor=actor,
        target=target if target is not None else agency,
        data={"agency": str(agency.pk), "agency_slug": agency.slug, **data},
        request=request,
    )


def _agency_routes_forget(agency: Agency) -> None:
    """Drop the cached routes of the agency's hosts and of its clients' hosts, now and
    after commit (another request may cache the old rows in between)."""
    hosts = sorted(
        {
            *AgencyHost.objects.filter(agency=agency).values_list("host", flat=True),
            *Domain.objects.filter(tenant__agency=agency).values_list("domain", flat=True),
        }
    )
    forget_hosts(hosts)
    transaction.on_commit(lambda: forget_hosts(hosts))


# --- the agency ----------------------------------------------------------------------------


def _slug_problem(slug: str) -> str | None:
    if not SLUG_MIN_LENGTH <= len(slug) <= SLUG_MAX_LENGTH:
        return f"Use {SLUG_MIN_LENGTH} to {SLUG_MAX_LENGTH} characters."
    if not re.fullmatch(SLUG_PATTERN, slug):
        return (
            "Use lowercase letters, digits and single hyphens, starting with a letter and "
            "not ending with a hyphen."
        )
    if Agency.objects.filter(slug=slug).exists():
        return "That slug is already taken."
    return None


@transaction.atomic
def agency_create(
    *,
    name: str,
    slug: str,
    actor,
    owner: User | None = None,
    branding: dict | None = None,
    request: HttpRequest | None = None,
) -> Agency:
    """A platform owner creates an agency; `owner` (an identity) becomes its first owner."""
    if not _is_platform_owner(actor):
        raise PermissionDeniedError("Only a platform owner can create an agency.")
    name, slug = (name or "").strip(), (slug or "").strip().lower()
    problems: dict[str, list[str]] = {}
    if not name or len(name) > 120:
        problems["name"] = ["Give the agency a name of up to 120 characters."]
    if problem := _slug_problem(slug):
        problems["slug"] = [problem]
    if branding and (branding_issues := branding_problems(branding)):
        problems.update(branding_issues)
    if problems:
        raise AgencyError(
            " ".join(m for messages in problems.values() for m in messages),
            code=AgencyErrorCode.SLUG_TAKEN if "slug" in problems else AgencyErrorCode.INVALID,
            fields=problems,
        )
    agency = Agency.objects.create(name=name, slug=slug, branding=branding or {})
    _audit("agency.created", agency=agency, actor=actor, request=request, name=name)
    if owner is not None:
        membership = AgencyMembership.objects.create(
            identity=owner, agency=agency, role=AgencyMembership.Role.OWNER
        )
        _audit(
            "agency.staff_added",
            agency=agency,
            actor=actor,
            target=membership,
            request=request,
            member=owner.email,
            role=membership.role,
        )
    return agency


@transaction.atomic
def agency_update(
    *,
    agency: Agency,
    actor,
    name: str | None = None,
    branding: dict | None = None,
    request: HttpRequest | None = None,
) -> Agency:
    """Rename or rebrand the agency (owners). Its clients' cached rows carry both."""
    _require(actor=actor, agency=agency, permission=AgencyPermission.STAFF_MANAGE)
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    fields = []
    if name is not None:
        name = name.strip()
        if not name or len(name) > 120:
            raise AgencyError(
                "Give the agency a name of up to 120 characters.",
                fields={"name": ["Give the agency a name of up to 120 characters."]},
            )
        agency.name = name
        fields.append("name")
    if branding is not None:
        if problems := branding_problems(branding):
            raise AgencyError("Some branding values are invalid.", fields=problems)
        agency.branding = branding
        fields.append("branding")
    if fields:
        agency.save(update_fields=[*fields, "updated_at"])
        _audit("agency.updated", agency=agency, actor=actor, request=request, fields=fields)
        _agency_routes_forget(agency)
    return agency


@transaction.atomic
def agency_status_set(
    *, agency: Agency, status: str, actor, reason: str = "", request: HttpRequest | None = None
) -> Agency:
    """Suspend (its dashboard host answers "temporarily unavailable") or reactivate an
    agency. Platform owners only; its clients' own sites are not affected."""
    if not _is_platform_owner(actor):
        raise PermissionDeniedError("Only a platform owner can suspend an agency.")
    if status not in Agency.Status.values:
        raise AgencyError("Choose active or suspended.", fields={"status": ["Not a status."]})
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.status == status:
        return agency
    previous, agency.status = agency.status, status
    agency.save(update_fields=["status", "updated_at"])
    _audit(
        f"agency.{status}",
        agency=agency,
        actor=actor,
        request=request,
        previous=previous,
        reason=reason[:255],
    )
    _agency_routes_forget(agency)
    return agency


# --- staff -----------------------------------------------------------------------------------


def _require_role(role: str) -> None:
    if role not in AGENCY_ROLES:
        raise AgencyError(
            "Choose one of the roles: owner, admin, staff.",
            code=AgencyErrorCode.STAFF_INVALID,
            fields={"role": ["Not a role."]},
        )


def _require_another_owner(membership: AgencyMembership) -> None:
    owners = AgencyMembership.objects.select_for_update().filter(
        agency_id=membership.agency_id, role=AgencyMembership.Role.OWNER
    )
    if not owners.exclude(pk=membership.pk).exists():
        raise AgencyError(
            "An agency needs at least one owner. Make someone else an owner first.",
            code=AgencyErrorCode.LAST_OWNER,
            status=409,
        )


@transaction.atomic
def agency_staff_add(
    *, agency: Agency, email: str, role: str, actor, request: HttpRequest | None = None
) -> AgencyMembership:
    """Put a person on the agency's staff. Someone without an account gets one, and a
    mail (in the agency's brand, with a link on its host) to choose their password."""
    _require(actor=actor, agency=agency, permission=AgencyPermission.STAFF_MANAGE)
    _require_role(role)
    email = User.objects.normalize_email((email or "").strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise AgencyError(
            "Enter a valid email address.",
            code=AgencyErrorCode.STAFF_INVALID,
            fields={"email": ["Enter a valid email address."]},
        ) from None
    identity = user_get_by_email(email=email)
    created = identity is None
    if created:
        identity = User(email=email)
        # A password nobody knows: the mail below lets them set their own.
        identity.set_password(secrets.token_urlsafe(32))
        identity.save()
    if AgencyMembership.objects.filter(agency=agency, identity=identity).exists():
        raise AgencyError(
            "That person is already on the agency's staff.",
            code=AgencyErrorCode.STAFF_INVALID,
            status=409,
            fields={"email": ["Already on the staff."]},
        )
    membership = AgencyMembership.objects.create(identity=identity, agency=agency, role=role)
    _audit(
        "agency.staff_added",
        agency=agency,
        actor=actor,
        target=membership,
        request=request,
        member=email,
        role=role,
        new_account=created,
    )
    if created:
        from shared_apps.accounts.services import password_reset_send

        site = site_identity_for_agency(agency=agency)
        if site.base_url:  # no verified host yet: the owner tells them where to sign in
            transaction.on_commit(lambda: password_reset_send(email=email, site=site))
    return membership


@transaction.atomic
def agency_staff_role_change(
    *, membership: AgencyMembership, role: str, actor, request: HttpRequest | None = None
) -> AgencyMembership:
    _require(actor=actor, agency=membership.agency, permission=AgencyPermission.STAFF_MANAGE)
    _require_role(role)
    membership = AgencyMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == AgencyMembership.Role.OWNER:
        _require_another_owner(membership)
    previous, membership.role = membership.role, role
    membership.save(update_fields=["role"])
    _audit(
        "agency.staff_role_changed",
        agency=membership.agency,
        actor=actor,
        target=membership,
        request=request,
        member=membership.identity.email,
        previous=previous,
        role=role,
    )
    return membership


@transaction.atomic
def agency_staff_remove(
    *, membership: AgencyMembership, actor, request: HttpRequest | None = None
) -> None:
    """Take someone off the staff. Their memberships of clients stay (a client may have
    invited them too); the client's own team page removes those."""
    _require(actor=actor, agency=membership.agency, permission=AgencyPermission.STAFF_MANAGE)
    membership = AgencyMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == AgencyMembership.Role.OWNER:
        _require_another_owner(membership)
    agency, email = membership.agency, membership.identity.email
    membership.delete()
    _audit("agency.staff_removed", agency=agency, actor=actor, request=request, member=email)


# --- dashboard hosts ---------------------------------------------------------------------------


def _host_invalid(message: str, code=AgencyErrorCode.HOST_INVALID) -> AgencyError:
    return AgencyError(message, code=code, fields={"host": [message]})


@transaction.atomic
def agency_host_add(
    *,
    agency: Agency,
    host: str,
    actor,
    verified: bool = False,
    request: HttpRequest | None = None,
) -> AgencyHost:
    """Add a dashboard host. It is pending, and does not route, until
    `agency_host_verify` finds its DNS records (`tenants.domains.host_dns_records`).
    `verified=True` (platform owners: the console, commands, the demo) trusts the
    operator instead of DNS."""
    _require(actor=actor, agency=agency, permission=AgencyPermission.HOSTS_MANAGE)
    if verified and not _is_platform_owner(actor):
        raise PermissionDeniedError("Only a platform owner can add a host without DNS proof.")
    try:
        host = host_normalize(host)
    except DomainError as error:
        raise _host_invalid(error.message) from None
    if (problem := host_reserved_problem(host=host)) is not None and not verified:
        raise _host_invalid(problem.message, AgencyErrorCode.HOST_TAKEN)
    if host in settings.PLATFORM_HOSTS:
        raise _host_invalid("That address belongs to the platform.", AgencyErrorCode.HOST_TAKEN)
    Agency.objects.select_for_update().filter(pk=agency.pk).first()  # serialise the cap
    if AgencyHost.objects.filter(agency=agency).count() >= HOSTS_PER_AGENCY:
        raise _host_invalid(
            f"An agency can have up to {HOSTS_PER_AGENCY} dashboard hosts. Remove one first.",
            AgencyErrorCode.HOST_LIMIT,
        )
    if Domain.objects.filter(domain=host).exists():
        raise _host_invalid("That host is already in use.", AgencyErrorCode.HOST_TAKEN)
    now = timezone.now()
    try:
        with transaction.atomic():  # two agencies at once meet at the unique index
            agency_host = AgencyHost.objects.create(
                agency=agency,
                host=host,
                is_verified=verified,
                status=AgencyHost.Status.VERIFIED if verified else AgencyHost.Status.PENDING,
                verified_at=now if verified else None,
            )
    except IntegrityError:
        raise _host_invalid("That host is already in use.", AgencyErrorCode.HOST_TAKEN) from None
    _audit(
        "agency.host_added",
        agency=agency,
        actor=actor,
        target=agency_host,
        request=request,
        host=host,
        verified=verified,
    )
    _agency_routes_forget(agency)
    return agency_host


def agency_host_verify(
    *, agency_host: AgencyHost, actor=None, request: HttpRequest | None = None
) -> AgencyHost:
    """Check the host's DNS now (exactly as a workspace's custom domain is checked) and
    record the outcome. DNS is asked before any row is locked."""
    if actor is not None:
        _require(actor=actor, agency=agency_host.agency, permission=AgencyPermission.HOSTS_MANAGE)
    check = host_dns_check(
        host=agency_host.host,
        token=agency_host.verification_token,
        target=settings.WHITE_LABEL_CNAME_TARGET,
        also_accepted=(settings.PLATFORM_CNAME_TARGET,),
    )
    return _verification_record(host_id=agency_host.pk, check=check, actor=actor, request=request)


def agency_host_dns_records(*, agency_host: AgencyHost):
    """The records the agency creates for its dashboard host. The CNAME target named is
    the white-label one (agency staff never see the platform's name); the platform's
    own target is accepted too."""
    return host_dns_records(
        host=agency_host.host,
        token=agency_host.verification_token,
        cname_target=settings.WHITE_LABEL_CNAME_TARGET,
    )


@transaction.atomic
def _verification_record(*, host_id: int, check: DnsCheck, actor, request) -> AgencyHost:
    agency_host = (
        AgencyHost.objects.select_for_update(of=("self",))
        .select_related("agency")
        .filter(pk=host_id)
        .first()
    )
    if agency_host is None:
        raise AgencyError("That host has been removed.", status=404)
    change = host_check_apply(agency_host, check=check)
    if change is None:
        return agency_host
    action = {
        "verified": "agency.host_verified",
        "lost": "agency.host_verification_lost",
        "failed": "agency.host_verification_failed",
    }[change]
    reason = {} if change == "verified" else {"reason": check.reason}
    _audit(
        action,
        agency=agency_host.agency,
        actor=actor,
        target=agency_host,
        request=request,
        host=agency_host.host,
        **reason,
    )
    if change != "failed":
        _agency_routes_forget(agency_host.agency)  # it starts or stops routing
    return agency_host


@transaction.atomic
def agency_host_remove(
    *, agency_host: AgencyHost, actor, request: HttpRequest | None = None
) -> None:
    agency = agency_host.agency
    _require(actor=actor, agency=agency, permission=AgencyPermission.HOSTS_MANAGE)
    host = agency_host.host
    _agency_routes_forget(agency)  # while the host is still on the list
    agency_host.delete()
    _audit("agency.host_removed", agency=agency, actor=actor, request=request, host=host)
    _agency_routes_forget(agency)


# --- clients -------------------------------------------------------------------------------------


def _require_active(agency: Agency) -> None:
    if not agency.is_active:
        raise AgencyError("This agency is suspended.", code=AgencyErrorCode.SUSPENDED, status=409)


def _plan_or_error(plan_code: str):
    from shared_apps.billing.selectors import plan_get_by_code

    plan = plan_get_by_code(code=plan_code or "")
    if plan is None or not plan.is_active:
        raise AgencyError(
            "Choose one of the platform's plans.",
            code=AgencyErrorCode.CLIENT_INVALID,
            fields={"plan": ["Choose one of the platform's plans."]},
        )
    return plan


@transaction.atomic
def agency_client_create(
    *,
    agency: Agency,
    name: str,
    slug: str,
    plan_code: str,
    owner_email: str,
    actor,
    snapshot: Snapshot | None = None,
    feature_keys=None,
    request: HttpRequest | None = None,
) -> Workspace:
    """Provision a client workspace under the agency's brand, optionally from a snapshot.

    The acting staff member is its first owner (an invitation to an owner can only come
    from an owner); `owner_email` is invited as owner too, through the team services.
    The client starts on `plan_code` with the plan's starter features (or
    `feature_keys`); the platform bills the agency for it, never the client.
    """
    from shared_apps.billing.catalog import STARTER_FEATURES
    from shared_apps.billing.selectors import plan_offered_keys
    from shared_apps.billing.services import workspace_plan_change
    from tenants.teams import invitation_create

    _require(actor=actor, agency=agency, permission=AgencyPermission.CLIENTS_MANAGE)
    _require_active(agency)
    owner_email = User.objects.normalize_email((owner_email or "").strip()).lower()
    try:
        validate_email(owner_email)
    except ValidationError:
        raise AgencyError(
            "Enter the client owner's email address.",
            code=AgencyErrorCode.CLIENT_INVALID,
            fields={"owner_email": ["Enter a valid email address."]},
        ) from None
    plan = _plan_or_error(plan_code)
    if snapshot is not None and snapshot.agency_id not in (None, agency.pk):
        raise AgencyError(
            "That snapshot is not available to this agency.",
            code=AgencyErrorCode.CLIENT_INVALID,
            fields={"snapshot": ["Not available."]},
        )
    client = workspace_provision(
        name=name, slug=slug, owner=actor, actor=actor, agency=agency, snapshot=snapshot
    )
    keys = set(feature_keys) if feature_keys is not None else set(STARTER_FEATURES)
    workspace_plan_change(
        workspace=client,
        plan=plan,
        interval="month",
        feature_keys=keys & plan_offered_keys(plan=plan),
        actor=actor,
        request=request,
    )
    if owner_email != actor.email.lower():
        invitation_create(
            workspace=client,
            email=owner_email,
            role=Membership.Role.OWNER,
            actor=actor,
            request=request,
        )
    _audit(
        "agency.client_created",
        agency=agency,
        actor=actor,
        target=client,
        request=request,
        client=str(client.pk),
        slug=client.slug,
        plan=plan.code,
        owner_email=owner_email,
        snapshot=str(snapshot.pk) if snapshot is not None else None,
    )
    return client


@transaction.atomic
def agency_client_plan_set(
    *,
    agency: Agency,
    client: Workspace,
    plan_code: str,
    feature_keys,
    actor,
    request: HttpRequest | None = None,
):
    """The agency chooses a client's plan and features (billing's one plan change, which
    for an agency's client never waits for a payment of the client's own)."""
    from shared_apps.billing.services import workspace_plan_change

    _require(actor=actor, agency=agency, permission=AgencyPermission.CLIENTS_MANAGE)
    if client.agency_id != agency.pk:
        raise PermissionDeniedError()
    result = workspace_plan_change(
        workspace=client,
        plan=_plan_or_error(plan_code),
        interval="month",
        feature_keys=feature_keys,
        actor=actor,
        request=request,
    )
    if result.changed:
        _audit(
            "agency.client_plan_set",
            agency=agency,
            actor=actor,
            target=client,
            request=request,
            client=str(client.pk),
            plan=plan_code,
            features=list(result.quote.feature_keys),
        )
    return result


@transaction.atomic
def agency_client_access_ensure(
    *, agency: Agency, client: Workspace, identity, request: HttpRequest | None = None
) -> Membership:
    """The identity's membership of a client, for acting on it (team, domains, the SSO
    hop). Agency owners and admins may act on every client: they get (at least) an admin
    membership, audited as `agency.client_access_granted`. Staff act only on the clients
    they are already members of."""
    if client.agency_id != agency.pk:
        raise PermissionDeniedError()
    membership = Membership.objects.filter(identity=identity, workspace=client).first()
    agency_membership = agency_membership_get(identity=identity, agency=agency)
    may_enter_any = agency_membership_allows(
        membership=agency_membership, permission=AgencyPermission.CLIENTS_ENTER_ANY
    )
    if not may_enter_any:
        if membership is None:
            raise PermissionDeniedError("You are not a member of this client's workspace.")
        return membership
    strong = {Membership.Role.OWNER, Membership.Role.ADMIN}
    if membership is not None and membership.role in strong:
        return membership
    previous = membership.role if membership is not None else None
    if membership is None:
        membership = Membership.objects.create(
            identity=identity,
            workspace=client,
            role=Membership.Role.ADMIN,
            joined_at=timezone.now(),
        )
    else:
        membership.role = Membership.Role.ADMIN
        membership.save(update_fields=["role"])
    membership_mirror_sync_in_workspace(membership=membership)
    audit_record(
        action="agency.client_access_granted",
        actor=identity,
        workspace_id=client.pk,
        target=membership,
        data={
            "agency": str(agency.pk),
            "agency_role": agency_membership.role,
            "role": membership.role,
            "previous_role": previous,
        },
        request=request,
    )
    return membership


# --- prices --------------------------------------------------------------------------------------


def _minor_units(value, field: str) -> int:
    """An amount in integer minor units (cents), as typed or passed."""
    if isinstance(value, (bool, float)):
        value = None
    elif isinstance(value, str):
        value = int(value.strip()) if re.fullmatch(r"\s*\d+\s*", value) else None
    if not isinstance(value, int) or value < 0:
        message = "Enter a whole number of cents, zero or more (for $12.50 enter 1250)."
    elif value > PRICE_MINOR_MAX:
        message = "That amount is too large."
    else:
        return value
    raise AgencyPricingError(message, fields={field: [message]})


@transaction.atomic
def agency_price_set(
    *,
    agency: Agency,
    plan_code: str,
    feature_price_minor,
    base_price_minor=0,
    actor,
    request: HttpRequest | None = None,
) -> AgencyPrice:
    """Set what the agency charges its clients on a plan, per feature per month (never
    below the platform's wholesale per-feature price) plus a monthly base."""
    _require(actor=actor, agency=agency, permission=AgencyPermission.PRICING_MANAGE)
    feature_minor = _minor_units(feature_price_minor, "feature_price_monthly_minor")
    base_minor = _minor_units(base_price_minor, "base_price_monthly_minor")
    wholesale = wholesale_per_feature_by_plan()
    if plan_code not in wholesale:
        raise AgencyPricingError(
            "Choose one of the platform's plans.", fields={"plan_code": ["Unknown plan."]}
        )
    per_feature = wholesale[plan_code]
    terms = AgencyPriceTerms.from_minor_units(
        feature_price_minor=feature_minor,
        base_price_minor=base_minor,
        currency=per_feature.currency,
    )
    if problem := price_floor_problem(terms=terms, wholesale_per_feature=per_feature):
        raise AgencyPricingError(
            problem,
            code=AgencyErrorCode.PRICE_BELOW_COST,
            fields={"feature_price_monthly_minor": [problem]},
        )
    price = (
        AgencyPrice.objects.select_for_update().filter(agency=agency, plan_code=plan_code).first()
    )
    before = (
        None
        if price is None
        else {"feature": price.feature_price_monthly_minor, "base": price.base_price_monthly_minor}
    )
    if price is None:
        price = AgencyPrice(agency=agency, plan_code=plan_code)
    price.feature_price_monthly_minor = feature_minor
    price.base_price_monthly_minor = base_minor
    price.currency = per_feature.currency.upper()
    price.save()
    _audit(
        "agency.price_set",
        agency=agency,
        actor=actor,
        target=price,
        request=request,
        plan=plan_code,
        previous=before,
        feature_minor=feature_minor,
        base_minor=base_minor,
        currency=price.currency,
    )
    return price


@transaction.atomic
def agency_price_delete(
    *, agency: Agency, plan_code: str, actor, request: HttpRequest | None = None
) -> None:
    """Back to reselling the plan at cost."""
    _require(actor=actor, agency=agency, permission=AgencyPermission.PRICING_MANAGE)
    deleted, _ = AgencyPrice.objects.filter(agency=agency, plan_code=plan_code).delete()
    if deleted:
        _audit("agency.price_deleted", agency=agency, actor=actor, request=request, plan=plan_code)


# --- the demo ------------------------------------------------------------------------------------


@transaction.atomic
def agency_demo_create(
    *,
    platform_owner,
    owner,
    name: str = "Northwind Digital",
    slug: str = "northwind",
    host: str | None = None,
    clients: tuple[tuple[str, str, str], ...] = (
        ("Bloom Florist", "bloom-florist", "professional"),
        ("Harbor Yoga", "harbor-yoga", "free"),
    ),
    client_owner_email: str | None = None,
) -> Agency:
    """Seed data for the demo (`seed_demo`): an agency owned by `owner`, its dashboard
    host (default `<slug>-agency.<PLATFORM_DOMAIN>`, trusted without DNS), a price list
    with a margin over the platform's price, and a few clients. Idempotent by slug."""
    existing = Agency.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    agency = agency_create(name=name, slug=slug, actor=platform_owner, owner=owner)
    agency_host_add(
        agency=agency,
        host=host or f"{slug}-agency.{settings.PLATFORM_DOMAIN}",
        actor=platform_owner,
        verified=True,
    )
    wholesale = wholesale_per_feature_by_plan()
    for plan_code, per_feature in wholesale.items():
        if per_feature.amount > 0:
            # A 50% markup and a $5 base fee on every paid plan.
            agency_price_set(
                agency=agency,
                plan_code=plan_code,
                feature_price_minor=per_feature.to_minor_units() * 3 // 2,
                base_price_minor=500,
                actor=platform_owner,
            )
    for client_name, client_slug, plan_code in clients:
        if Workspace.objects.filter(slug=client_slug).exists():
            continue
        agency_client_create(
            agency=agency,
            name=client_name,
            slug=client_slug,
            plan_code=plan_code,
            owner_email=client_owner_email or owner.email,
            actor=owner,
        )
    return agency
