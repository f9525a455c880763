from django.db.models import QuerySet

from shared_apps.mfa.models import TOTPDevice

# The workspace setting an owner turns on to require two-factor sign-in of their staff.
REQUIRE_TWO_FACTOR = "require_two_factor"


def identity_has_two_factor(*, identity) -> bool:
    """Whether the identity signs in with a second factor (a confirmed authenticator).

    The single-sign-on hop asks this to turn away staff of a workspace that requires it.
    """
    if not getattr(identity, "is_authenticated", False) or identity.pk is None:
        return False
    return TOTPDevice.objects.filter(identity=identity, confirmed_at__isnull=False).exists()


def totp_device_for_identity(*, identity) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(identity=identity).first()


def recovery_codes_left(*, device: TOTPDevice) -> int:
    return device.recovery_codes.filter(used_at__isnull=True).count()


def workspace_requires_two_factor(*, workspace) -> bool:
    return bool((workspace.settings or {}).get(REQUIRE_TWO_FACTOR, False))


def workspaces_requiring_two_factor(*, memberships: QuerySet) -> list:
    """Of these memberships' workspaces, those that require two-factor sign-in."""
    return [
        m.workspace for m in memberships if workspace_requires_two_factor(workspace=m.workspace)
    ]
