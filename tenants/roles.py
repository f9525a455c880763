"""Role rules: the one place that says who may do what in a workspace.

viewer reads; editor also edits content; admin also manages team, domains, settings
and reads the audit log; owner also billing, white label and deletion. A membership's
`permission_overrides` ({"permission": true|false}) adjusts its role, except for the
owner-only permissions, which follow the role alone.

Both planes ask here: the platform with a Membership, a workspace host with its
tenant-local staff mirror (which carries the role, so no control-plane read).
"""

from collections.abc import Mapping
from enum import StrEnum
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from config.errors import PermissionDeniedError


class Permission(StrEnum):
    CONTENT_VIEW = "content.view"
    CONTENT_EDIT = "content.edit"
    TEAM_VIEW = "team.view"
    TEAM_MANAGE = "team.manage"
    DOMAINS_MANAGE = "domains.manage"
    SETTINGS_MANAGE = "settings.manage"
    AUDIT_VIEW = "audit.view"
    BILLING_MANAGE = "billing.manage"
    WHITELABEL_MANAGE = "whitelabel.manage"
    WORKSPACE_DELETE = "workspace.delete"


_VIEWER = {Permission.CONTENT_VIEW, Permission.TEAM_VIEW}
_EDITOR = _VIEWER | {Permission.CONTENT_EDIT}
_ADMIN = _EDITOR | {
    Permission.TEAM_MANAGE,
    Permission.DOMAINS_MANAGE,
    Permission.SETTINGS_MANAGE,
    Permission.AUDIT_VIEW,
}
OWNER_ONLY = frozenset(
    {Permission.BILLING_MANAGE, Permission.WHITELABEL_MANAGE, Permission.WORKSPACE_DELETE}
)
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "viewer": frozenset(_VIEWER),
    "editor": frozenset(_EDITOR),
    "admin": frozenset(_ADMIN),
    "owner": frozenset(_ADMIN | OWNER_ONLY),
}


# How each role shows up inside the workspace schema: Wagtail superuser or groups.
ROLE_WAGTAIL_ACCESS: dict[str, dict] = {
    "owner": {"superuser": True, "groups": []},
    "admin": {"superuser": True, "groups": []},
    "editor": {"superuser": False, "groups": ["Editors"]},
    "viewer": {"superuser": False, "groups": []},
}


def role_allows(*, role: str, overrides: Mapping[str, bool] | None, permission: str) -> bool:
    permission = Permission(permission)
    if permission not in OWNER_ONLY and overrides and permission.value in overrides:
        return bool(overrides[permission.value])
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def membership_allows(*, membership, permission: str) -> bool:
    """Platform side: may this membership do `permission` in its workspace?"""
    if membership is None:
        return False
    return role_allows(
        role=membership.role, overrides=membership.permission_overrides, permission=permission
    )


def user_allows(*, user, permission: str) -> bool:
    """Workspace side: may this tenant-local user do `permission` here? Customers never."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not user.is_staff_mirror or not user.staff_role:
        return False
    return role_allows(
        role=user.staff_role, overrides=user.permission_overrides, permission=permission
    )


def user_require(*, user, permission: str) -> None:
    """For services and API endpoints: raise the one 403 error unless allowed."""
    if not user_allows(user=user, permission=permission):
        raise PermissionDeniedError()


def workspace_permission_required(permission: str):
    """View decorator for workspace-host pages: sign-in first, then the role rule."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_allows(user=request.user, permission=permission):
                return render(
                    request,
                    "errors/403.html",
                    {"permission": Permission(permission)},
                    status=403,
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
