"""The single-sign-on hop: from the platform to a workspace host, without shared cookies.

The platform issues a signed token naming the identity, the workspace, the exact host
it is for and a one-time nonce; it expires within a minute. The workspace host redeems
it once: it checks the signature, age, host and nonce, re-reads the membership (a
revoked membership is refused even with a fresh token), brings the tenant-local mirror
in step with the role, and signs the mirror in on that host only.
"""

import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils.http import url_has_allowed_host_and_scheme
from django_tenants.utils import get_public_schema_name, schema_context

from config.errors import NotFoundError
from shared_apps.accounts.models import User
from shared_apps.mfa.selectors import identity_has_two_factor
from shared_apps.platform.services import audit_record
from tenants.errors import SsoError, SsoErrorCode
from tenants.models import Membership, Workspace
from tenants.selectors import absolute_url, membership_get, workspace_primary_host
from tenants.services import membership_mirror_sync_in_workspace

SSO_SALT = "mewayz.sso.hop"
SSO_MAX_AGE_SECONDS = 60
DEFAULT_NEXT = "/dashboard/"


@dataclass(frozen=True)
class SsoLanding:
    user: User
    next_path: str


def _safe_next(next_path: str | None) -> str:
    # Only a path on the target host: never another host, never a scheme.
    if (
        next_path
        and url_has_allowed_host_and_scheme(next_path, allowed_hosts=set())
        and next_path.startswith("/")
        and not next_path.startswith("//")
    ):
        return next_path
    return DEFAULT_NEXT


def sso_hop_url(*, identity, workspace: Workspace, next_path: str | None = None) -> str:
    """The URL on the workspace's primary host that signs `identity` in there."""
    if membership_get(identity=identity, workspace=workspace) is None:
        raise NotFoundError("No such workspace.")
    if workspace.status != Workspace.Status.ACTIVE:
        raise SsoError(
            "This workspace is not available right now.",
            code=SsoErrorCode.UNAVAILABLE,
            status=409,
        )
    host = workspace_primary_host(workspace=workspace)
    token = signing.dumps(
        {
            "i": str(identity.uuid),
            "w": str(workspace.pk),
            "h": host,
            "n": secrets.token_urlsafe(16),
            "p": _safe_next(next_path),
        },
        salt=SSO_SALT,
        compress=True,
    )
    return absolute_url(host=host, path=f"/sso/accept/?{urlencode({'token': token})}")


def agency_client_hop_url(
    *, identity, agency, workspace: Workspace, next_path: str | None = None, request=None
) -> str:
    """The hop from an agency's dashboard host into one of its clients. Agency owners and
    admins may enter any client of their agency (they get an admin membership if they
    have none, audited `agency.client_access_granted`); agency staff, and the clients'
    own people, only the clients they are members of. Another agency's client, or a
    workspace of no agency, is not found."""
    # Imported here: agency_services builds on tenants.services, as this module does.
    from tenants.agency_selectors import agency_membership_get
    from tenants.agency_services import agency_client_access_ensure

    if workspace.agency_id != agency.pk:
        raise NotFoundError("No such workspace.")
    if agency_membership_get(identity=identity, agency=agency) is not None:
        agency_client_access_ensure(
            agency=agency, client=workspace, identity=identity, request=request
        )
    return sso_hop_url(identity=identity, workspace=workspace, next_path=next_path)


def _claims(token: str) -> dict:
    try:
        return signing.loads(token, salt=SSO_SALT, max_age=SSO_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise SsoError(
            "This sign-in link has expired. Open the workspace again from your dashboard.",
            code=SsoErrorCode.EXPIRED,
        ) from exc
    except signing.BadSignature as exc:
        raise SsoError("This sign-in link is not valid.", code=SsoErrorCode.INVALID) from exc


def _claim_nonce(nonce: str) -> bool:
    # Single use across every web process: the first redeemer adds the key, any later
    # one finds it. Kept a little longer than the token lives.
    with schema_context(get_public_schema_name()):
        return cache.add(f"sso:nonce:{nonce}", 1, timeout=SSO_MAX_AGE_SECONDS * 2)


def sso_token_redeem(*, token: str, host: str, workspace: Workspace, request=None) -> SsoLanding:
    """Check a hop token on the workspace host it was issued for; return who to sign in."""
    claims = _claims(token)
    if claims.get("h") != host or claims.get("w") != str(workspace.pk):
        raise SsoError(
            "This sign-in link was issued for another site.",
            code=SsoErrorCode.WRONG_HOST,
            status=403,
        )
    if not _claim_nonce(claims["n"]):
        raise SsoError(
            "This sign-in link has already been used. Open the workspace again from your "
            "dashboard.",
            code=SsoErrorCode.REPLAYED,
        )
    # Crosses schemas: identities and memberships live in public. Read them there
    # explicitly: accounts_user also exists in this workspace's schema.
    with schema_context(get_public_schema_name()):
        membership = (
            Membership.objects.select_related("identity", "workspace")
            .filter(
                identity__uuid=claims["i"],
                identity__is_active=True,
                workspace_id=workspace.pk,
            )
            .first()
        )
        if membership is None:
            raise SsoError(
                "You are no longer a member of this workspace.",
                code=SsoErrorCode.NOT_MEMBER,
                status=403,
            )
        _require_two_factor_if_asked(membership)
        with transaction.atomic():
            audit_record(
                action="sso.hop",
                actor=membership.identity,
                workspace_id=workspace.pk,
                target=membership,
                data={"host": host, "role": membership.role},
                request=request,
            )
    mirror = membership_mirror_sync_in_workspace(membership=membership)
    return SsoLanding(user=mirror, next_path=_safe_next(claims.get("p")))


def _require_two_factor_if_asked(membership: Membership) -> None:
    if not membership.workspace.settings.get("require_two_factor"):
        return
    if not identity_has_two_factor(identity=membership.identity):
        raise SsoError(
            "This workspace requires two-factor authentication. Turn it on in your "
            "account's security settings, then open the workspace again.",
            code=SsoErrorCode.TWO_FACTOR_REQUIRED,
            status=403,
        )
