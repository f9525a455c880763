"""Workspace hosts: adding them, proving them by DNS, making one primary, removing them.

Every workspace answers on its default host `<slug>.<PLATFORM_DOMAIN>`, which the
platform owns and which is never checked, moved or removed. A workspace admin may add
hosts of their own (`custom_domain_add`): such a host is *pending* until DNS shows

- a TXT record `<DOMAIN_VERIFICATION_TXT_LABEL>.<host>` (`_domain-verify.<host>`)
  holding the host's verification token (the proof that whoever added it controls the
  domain; the older `_mewayz.<host>` is still accepted), and
- a CNAME from the host to `domain_cname_target` (what sends its visitors here):
  `PLATFORM_CNAME_TARGET`, or on a white-labelled workspace a name that does not give
  the platform away (its agency's dashboard host, or `WHITE_LABEL_CNAME_TARGET`).

Then it is *verified* and routes; otherwise *failed*, with the reason shown. A root
domain (`acme.com`) cannot hold a CNAME: when the host has no CNAME but resolves to
addresses (A/AAAA records, or an ALIAS/ANAME that the DNS provider flattens into them),
the TXT proof is taken as sufficient. Those addresses are not compared with the
platform's: a load balancer's addresses change, and a mismatch would only mean the
host's visitors do not reach us yet, not that someone else's domain was claimed.

Hosts are re-checked (tenants.tasks): a verified host whose proof disappears becomes
failed and stops routing at once (`is_verified` is all routing reads). A lookup that
gets no answer at all (timeout) changes nothing: it is recorded and retried.

Operators (management commands, the demo) attach hosts directly with `domain_add(...,
verified=True)`; those were never proved by DNS (`last_checked_at` stays empty), so the
scheduled re-check leaves them alone.
"""

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime

import idna
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from cms.tasks import site_hostname_sync
from config.errors import NotFoundError
from shared_apps.platform.services import audit_record
from tenants.dns import DnsLookupError, resolver
from tenants.errors import DomainError, WorkspaceErrorCode
from tenants.models import AgencyHost, Domain, Workspace
from tenants.selectors import domains_for_workspace, identity_for_mirror, workspace_default_host
from tenants.services import site_port
from tenants.task_routing import enqueue_in_workspace

HOST_PATTERN = re.compile(
    r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$"
)
# The TXT proof lives at `<settings.DOMAIN_VERIFICATION_TXT_LABEL>.<host>`: a name of its
# own, so it never collides with the host's other TXT records (SPF, other services'
# proofs). Hosts proved before the label became neutral hold it at `_mewayz.<host>`:
# still accepted, never shown.
LEGACY_TXT_LABEL = "_mewayz"
# Hosts a workspace may add besides its default one, so that nobody can make the
# scheduled re-check resolve thousands of names. Plans may raise it later.
CUSTOM_HOSTS_PER_WORKSPACE = 20
# A reason is stored in Domain.failure_reason (255 characters).
_REASON_MAX_LENGTH = 255


@dataclass(frozen=True)
class DnsRecord:
    """One record the workspace's admin creates at their DNS provider."""

    type: str
    name: str
    value: str
    purpose: str


@dataclass(frozen=True)
class DnsCheck:
    """What DNS said about a host. `inconclusive`: no answer at all, so nothing is known."""

    verified: bool
    reason: str = ""
    inconclusive: bool = False


def _invalid(message: str, code: str = WorkspaceErrorCode.DOMAIN_INVALID) -> DomainError:
    return DomainError(message, code=code, fields={"host": [message]})


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


def host_normalize(raw: str | None) -> str:
    """The host as DNS and the Host header spell it: lower case, no trailing dot, an
    international name in its ASCII (punycode) form. Raises DomainError for anything that
    is not a plain host name: addresses, wildcards, ports, schemes, paths."""
    host = (raw or "").strip()
    if not host:
        raise _invalid("Enter a host name such as shop.example.com.")
    if "://" in host or any(char in host for char in "/?#@\\"):
        raise _invalid(
            "Enter only the host name, such as shop.example.com, without http:// or a path."
        )
    if host.endswith(".") and not host.endswith(".."):
        host = host[:-1]  # the DNS root: `shop.acme.com.` is the same host
    if _is_ip_address(host) or host.startswith("["):
        raise _invalid("Use a host name, not an IP address.")
    if ":" in host:
        raise _invalid("Leave out the port: enter only the host name.")
    if "*" in host:
        raise _invalid("Wildcard hosts are not supported: add each host you use.")
    if not host.isascii():
        # IDNA 2008 with the UTS #46 mapping, as browsers do: lower-cases, maps full-width
        # dots, and keeps `ß` as itself (IDNA 2003, Python's own codec, turns it into ss).
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            raise _invalid("That is not a valid international domain name.") from None
    host = host.lower()
    if "." not in host:
        raise _invalid("Enter a full host name with a dot, such as shop.example.com.")
    if not HOST_PATTERN.match(host):
        raise _invalid(
            "Enter a valid host name: letters, digits and hyphens in parts of up to 63 "
            "characters, separated by dots, such as shop.example.com."
        )
    if _is_ip_address(host):
        raise _invalid("Use a host name, not an IP address.")
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                idna.decode(label)
            except idna.IDNAError:
                raise _invalid("That is not a valid international domain name.") from None
    return host


def _platform_host_problem(*, host: str, workspace: Workspace) -> DomainError | None:
    """Names under the platform's own domains are the platform's to give out: every
    `<slug>.<PLATFORM_DOMAIN>` belongs (or will belong) to some workspace."""
    if host == workspace_default_host(slug=workspace.slug):
        return _invalid(
            "That is already this workspace's own address.", code=WorkspaceErrorCode.DOMAIN_TAKEN
        )
    return host_reserved_problem(host=host)


def host_reserved_problem(*, host: str) -> DomainError | None:
    """Why a normalised host cannot be claimed by a workspace or an agency because the
    platform owns it, or None."""
    platform_names = {*settings.PLATFORM_HOSTS, settings.PLATFORM_CNAME_TARGET}
    if host in platform_names:
        return _invalid(
            "That address belongs to the platform.", code=WorkspaceErrorCode.DOMAIN_RESERVED
        )
    for name in (settings.PLATFORM_DOMAIN, settings.PLATFORM_CNAME_TARGET):
        if host.endswith(f".{name}"):
            return _invalid(
                f"Addresses under {name} are given out by the platform. Add a domain of "
                "your own, such as shop.example.com.",
                code=WorkspaceErrorCode.DOMAIN_RESERVED,
            )
    return None


def domain_is_default(domain: Domain) -> bool:
    """The workspace's `<slug>.<PLATFORM_DOMAIN>` host: the platform's, never checked."""
    return domain.domain == workspace_default_host(slug=domain.tenant.slug)


def domains_shown_for_workspace(*, workspace: Workspace) -> list[Domain]:
    """The hosts shown to the people who manage `workspace`, primary first. On a
    white-labelled workspace the default `<slug>.<PLATFORM_DOMAIN>` host is left out: it
    is the platform's name for the workspace (it still routes)."""
    # Imported here: white_label reads the billing gate, whose catalog names this module.
    from tenants.white_label import workspace_is_white_label

    white_label = workspace_is_white_label(workspace=workspace)
    shown = []
    for domain in domains_for_workspace(workspace=workspace):
        domain.tenant = workspace  # the routed copy carries entitlements and agency host
        if not (white_label and domain_is_default(domain)):
            shown.append(domain)
    return shown


def domain_recheck_window_start(*, now: datetime) -> datetime:
    """Unverified hosts added (or last proved) after this are still re-checked."""
    return now - settings.CUSTOM_DOMAIN_RETRY_PERIOD


def _audit_actor(actor):
    # On a workspace host the actor is the tenant-local mirror of a staff identity; the
    # audit trail (public) names the identity itself. Outside public, a user without an
    # identity is a workspace customer, who never acts on the control plane.
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    if getattr(actor, "identity_id", None):
        return identity_for_mirror(user=actor)
    return actor if connection.schema_name == get_public_schema_name() else None


def _audit(action: str, *, domain: Domain, actor=None, request=None, **data) -> None:
    audit_record(
        action=action,
        actor=_audit_actor(actor),
        workspace_id=domain.tenant_id,
        target=domain,
        data={"host": domain.domain, **data},
        request=request,
    )


def _clip(text: str) -> str:
    return text if len(text) <= _REASON_MAX_LENGTH else text[: _REASON_MAX_LENGTH - 1] + "…"


def _claim_is_abandoned(domain: Domain, *, now: datetime) -> bool:
    # Another workspace's unproved claim blocks the real owner only while it is still
    # being re-checked; after that it is abandoned and whoever adds the host gets it.
    start = domain_recheck_window_start(now=now)
    return (
        not domain.is_verified
        and domain.created_at < start
        and (domain.verified_at is None or domain.verified_at < start)
    )


def _domain_create(
    *, workspace: Workspace, host: str, verified: bool, actor, request, via: str
) -> Domain:
    now = timezone.now()
    if AgencyHost.objects.filter(host=host).exists():
        # One host routes to one place: an agency's dashboard host is not a workspace's.
        raise _invalid("That host is already in use.", WorkspaceErrorCode.DOMAIN_TAKEN)
    existing = Domain.objects.filter(domain=host).first()
    if existing is not None:
        if existing.tenant_id == workspace.pk:
            raise _invalid("This host is already on your list.", WorkspaceErrorCode.DOMAIN_TAKEN)
        if not _claim_is_abandoned(existing, now=now):
            raise _invalid(
                "That host is already in use by another workspace.",
                WorkspaceErrorCode.DOMAIN_TAKEN,
            )
        _audit("domain.released", domain=existing, reason="claimed by another workspace")
        existing.delete()
    try:
        # A savepoint: two workspaces adding the same host at once meet at the unique
        # index, and the loser gets the same clear error instead of a 500.
        with transaction.atomic():
            domain = Domain(
                domain=host,
                tenant=workspace,
                is_primary=False,
                is_verified=verified,
                status=Domain.Status.VERIFIED if verified else Domain.Status.PENDING,
                verified_at=now if verified else None,
            )
            domain.save()
    except IntegrityError:
        raise _invalid(
            "That host is already in use by another workspace.", WorkspaceErrorCode.DOMAIN_TAKEN
        ) from None
    _audit("domain.added", domain=domain, actor=actor, request=request, verified=verified, via=via)
    return domain


@transaction.atomic
def domain_add(
    *,
    workspace: Workspace,
    host: str,
    verified: bool = False,
    actor=None,
    request: HttpRequest | None = None,
) -> Domain:
    """Attach a host as an operator (management commands, the demo). `verified=True`
    trusts the operator instead of DNS. Unlike `custom_domain_add`, names under the
    platform domain are allowed (the demo's `acme-studio.localhost`); the platform's own
    hosts are not."""
    host = host_normalize(host)
    if host in settings.PLATFORM_HOSTS:
        raise _invalid("That address belongs to the platform.", WorkspaceErrorCode.DOMAIN_RESERVED)
    return _domain_create(
        workspace=workspace,
        host=host,
        verified=verified,
        actor=actor,
        request=request,
        via="operator",
    )


@transaction.atomic
def custom_domain_add(
    *, workspace: Workspace, host: str, actor, request: HttpRequest | None = None
) -> Domain:
    """A workspace admin adds a host of their own. It is pending, and does not route,
    until `custom_domain_verify` finds its DNS records (see `dns_records_for`)."""
    host = host_normalize(host)
    if problem := _platform_host_problem(host=host, workspace=workspace):
        raise problem
    # Lock the workspace row so that two requests at once cannot both slip under the cap.
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    custom_hosts = Domain.objects.filter(tenant=workspace).exclude(
        domain=workspace_default_host(slug=workspace.slug)
    )
    if custom_hosts.count() >= CUSTOM_HOSTS_PER_WORKSPACE:
        raise _invalid(
            f"A workspace can have up to {CUSTOM_HOSTS_PER_WORKSPACE} hosts of its own. "
            "Remove one you no longer use first.",
            WorkspaceErrorCode.DOMAIN_LIMIT,
        )
    return _domain_create(
        workspace=workspace, host=host, verified=False, actor=actor, request=request, via="dns"
    )


def dns_records_for(domain: Domain) -> list[DnsRecord]:
    """The records to create at the host's DNS provider (none for the default host)."""
    if domain_is_default(domain):
        return []
    return host_dns_records(
        host=domain.domain,
        token=domain.verification_token,
        cname_target=domain_cname_target(workspace=domain.tenant),
    )


def domain_cname_target(*, workspace: Workspace) -> str:
    """What the workspace's custom hosts CNAME to, as its Domains page names it. On a
    white-labelled workspace never the platform's name: its agency's dashboard host, or
    WHITE_LABEL_CNAME_TARGET, or "" (no name to show: "the target your provider gave
    you"). The check accepts the platform's target and the default host too."""
    # Imported here: white_label reads the billing gate, whose catalog names this module.
    from tenants.agency_selectors import agency_primary_host
    from tenants.white_label import workspace_is_white_label

    if not workspace_is_white_label(workspace=workspace):
        return settings.PLATFORM_CNAME_TARGET
    agency_host = agency_primary_host(agency=workspace.agency) if workspace.agency_id else None
    return agency_host or settings.WHITE_LABEL_CNAME_TARGET


def txt_record_name(*, host: str) -> str:
    return f"{settings.DOMAIN_VERIFICATION_TXT_LABEL}.{host}"


def host_dns_records(*, host: str, token: str, cname_target: str | None = None) -> list[DnsRecord]:
    """The records that prove and connect any host the platform serves by DNS: a
    workspace's custom domain or an agency's dashboard host (tenants.agency_services).
    `cname_target` defaults to PLATFORM_CNAME_TARGET; "" leaves the value to be filled
    in from the provider's instructions."""
    target = settings.PLATFORM_CNAME_TARGET if cname_target is None else cname_target
    return [
        DnsRecord("CNAME", host, target, "sends visitors here"),
        DnsRecord("TXT", txt_record_name(host=host), token, "proves it is yours"),
    ]


def domain_dns_check(*, domain: Domain) -> DnsCheck:
    """Ask DNS whether the host holds its proof and points here. Reads only."""
    # The workspace's own `<slug>.<PLATFORM_DOMAIN>` reaches us too (deploy/README.md),
    # and so does the platform's target, whichever target the page showed.
    return host_dns_check(
        host=domain.domain,
        token=domain.verification_token,
        also_accepted=(
            workspace_default_host(slug=domain.tenant.slug),
            settings.PLATFORM_CNAME_TARGET,
        ),
        target=domain_cname_target(workspace=domain.tenant),
    )


def host_dns_check(
    *, host: str, token: str, also_accepted: tuple[str, ...] = (), target: str | None = None
) -> DnsCheck:
    """Ask DNS whether `host` holds `token` in its TXT proof and points here (a CNAME to
    `target` (PLATFORM_CNAME_TARGET by default) or one of `also_accepted`, or, for a root
    domain, addresses). Reasons name `target` only ("" names none). Reads only; shared
    by workspace domains and agency hosts."""
    target = settings.PLATFORM_CNAME_TARGET if target is None else target
    target_text = target or "the target your provider gave you"
    txt_name = txt_record_name(host=host)
    try:
        lookups = resolver()
        txt_values = lookups.txt_records(txt_name)
        if token not in _txt_tokens(txt_values):
            try:
                legacy_values = lookups.txt_records(f"{LEGACY_TXT_LABEL}.{host}")
            except DnsLookupError:
                # Said with the current name: the legacy one is never shown.
                raise DnsLookupError(f"DNS did not answer in time for {txt_name}.") from None
            if token in _txt_tokens(legacy_values):
                txt_values = legacy_values
        cname = lookups.cname_target(host)
        addresses = [] if cname is not None else lookups.addresses(host)
    except DnsLookupError as exc:
        return DnsCheck(
            verified=False,
            reason=f"{exc} Nothing was changed; the check will be tried again.",
            inconclusive=True,
        )

    problems = []
    if token not in _txt_tokens(txt_values):
        problems.append(
            f"The TXT record at {txt_name} does not hold this host's token."
            if txt_values
            else f"No TXT record found at {txt_name}."
        )
    targets = {name for name in (target, *also_accepted) if name}
    if cname is not None and cname not in targets:
        problems.append(f"{host} points to {cname} instead of {target_text}.")
    elif cname is None and not addresses:
        problems.append(f"{host} has no CNAME record pointing to {target_text}.")
    return DnsCheck(verified=not problems, reason=" ".join(problems))


def _txt_tokens(values: list[str]) -> set[str]:
    # Some DNS panels make people type the quotes; they are not part of the value.
    return {value.strip().strip('"') for value in values}


def custom_domain_verify(
    *, domain: Domain, actor=None, request: HttpRequest | None = None
) -> Domain:
    """Check a host's DNS now and record the outcome. DNS is asked before the row is
    locked: lookups can take seconds, and no transaction should wait on them."""
    if domain_is_default(domain):
        raise _invalid(
            "The workspace's own address is managed by the platform and needs no check.",
            WorkspaceErrorCode.DOMAIN_PROTECTED,
        )
    check = domain_dns_check(domain=domain)
    return _verification_record(domain_id=domain.pk, check=check, actor=actor, request=request)


def host_check_apply(host_row, *, check: DnsCheck) -> str | None:
    """Apply a DNS check to a locked host row (a workspace's `Domain` or an
    `AgencyHost`: the same verification fields) and save it. Returns the change the
    caller audits and acts on: "verified", "lost" (it was verified), "failed" (newly),
    or None when nothing changed that matters."""
    now = timezone.now()
    host_row.last_checked_at = now
    if check.inconclusive:
        # Nothing learned: a verified host keeps routing, a pending one keeps waiting.
        host_row.failure_reason = _clip(check.reason)
        host_row.save(update_fields=["last_checked_at", "failure_reason"])
        return None
    was_verified, previous_status = host_row.is_verified, host_row.status
    if check.verified:
        host_row.is_verified, host_row.status = True, host_row.Status.VERIFIED
        host_row.failure_reason = ""
        # When DNS last proved ownership: a host that loses its proof later is re-checked
        # for a while after this, so it comes back by itself once its records return.
        host_row.verified_at = now
        host_row.save(
            update_fields=[
                "is_verified",
                "status",
                "failure_reason",
                "verified_at",
                "last_checked_at",
            ]
        )
        return None if was_verified else "verified"
    host_row.is_verified, host_row.status = False, host_row.Status.FAILED
    host_row.failure_reason = _clip(check.reason)
    host_row.save(update_fields=["is_verified", "status", "failure_reason", "last_checked_at"])
    if was_verified:
        return "lost"
    # Only the change is audited: a host failing each re-check is one event, not many.
    return "failed" if previous_status != host_row.Status.FAILED else None


@transaction.atomic
def _verification_record(*, domain_id: int, check: DnsCheck, actor, request) -> Domain:
    # Lock the domain row only: the workspace row is read, never written, here.
    domain = (
        Domain.objects.select_for_update(of=("self",))
        .select_related("tenant")
        .filter(pk=domain_id)
        .first()
    )
    if domain is None:  # removed while DNS was being asked
        raise NotFoundError("That host has been removed.")
    change = host_check_apply(domain, check=check)
    if change == "verified":
        _audit("domain.verified", domain=domain, actor=actor, request=request)
    elif change == "lost":
        _audit(
            "domain.verification_lost",
            domain=domain,
            actor=actor,
            request=request,
            reason=check.reason,
        )
        if domain.is_primary:
            # Links and redirects must not point at a host that no longer routes.
            _default_host_make_primary(workspace=domain.tenant, actor=actor, request=request)
            domain.is_primary = False
    elif change == "failed":
        _audit(
            "domain.verification_failed",
            domain=domain,
            actor=actor,
            request=request,
            reason=check.reason,
        )
    return domain


@transaction.atomic
def domain_set_primary(*, domain: Domain, actor=None, request: HttpRequest | None = None) -> Domain:
    """Make a verified host the workspace's primary one: mail links are built from it,
    its other hosts redirect to it, and its Wagtail site moves there."""
    # Decide on the row as it is now: a re-check may have failed it since it was read.
    domain = (
        Domain.objects.select_for_update(of=("self",)).select_related("tenant").get(pk=domain.pk)
    )
    if not domain.is_verified:
        raise _invalid(
            "Only a verified host can become the primary one.",
            WorkspaceErrorCode.DOMAIN_NOT_VERIFIED,
        )
    if domain.is_primary:
        return domain
    domain.is_primary = True
    # DomainMixin.save demotes the previous primary (with a queryset update, which sends
    # no signal; this save's signal drops every cached host of the workspace).
    domain.save(update_fields=["is_primary"])
    enqueue_in_workspace(
        site_hostname_sync, workspace=domain.tenant, hostname=domain.domain, port=site_port()
    )
    _audit("domain.made_primary", domain=domain, actor=actor, request=request)
    return domain


def _default_host_make_primary(*, workspace: Workspace, actor, request) -> None:
    default = Domain.objects.get(
        tenant=workspace, domain=workspace_default_host(slug=workspace.slug)
    )
    domain_set_primary(domain=default, actor=actor, request=request)


@transaction.atomic
def custom_domain_remove(*, domain: Domain, actor, request: HttpRequest | None = None) -> None:
    """Detach a host: it stops routing at once. If it was the primary host, the default
    host takes over (links, redirects and the Wagtail site move there)."""
    if domain_is_default(domain):
        raise _invalid(
            "The workspace's own address cannot be removed.", WorkspaceErrorCode.DOMAIN_PROTECTED
        )
    if domain.is_primary:
        _default_host_make_primary(workspace=domain.tenant, actor=actor, request=request)
    _audit("domain.removed", domain=domain, actor=actor, request=request)
    domain.delete()
