"""The team and audit pages on a workspace host.

Memberships, invitations and audit rows live in the public schema, and accounts_user
exists in both: every read and write of them here goes through tenants selectors and
services run in the public schema (`_control_plane`), never through a join made from
the workspace's schema.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name, schema_context

from config.errors import ApplicationError
from config.forms import form_add_application_error
from shared_apps.billing.gate import feature_required
from tenants.forms import InviteForm, RoleForm
from tenants.roles import Permission, user_allows, workspace_permission_required
from tenants.selectors import (
    audit_events_for_workspace,
    identity_for_mirror,
    invitation_get_in_workspace,
    invitations_open_for_workspace,
    membership_get_in_workspace,
    team_for_workspace,
)
from tenants.teams import (
    invitation_create,
    invitation_resend,
    invitation_revoke,
    membership_remove,
    membership_role_change,
    ownership_transfer,
)

TEAM_URL = "/dashboard/team/"
AUDIT_FILTERS = [
    ("team.", "Team"),
    ("domain.", "Domains"),
    ("sso.", "Sign-ins to this workspace"),
    ("security.", "Security"),
    ("workspace.", "Workspace"),
]


def _control_plane():
    # Crosses schemas: team rows are public; see the module docstring.
    return schema_context(get_public_schema_name())


def _team_page(request, *, invite_form=None, status=200):
    workspace = request.workspace
    with _control_plane():
        invitations = list(invitations_open_for_workspace(workspace=workspace))
    return render(
        request,
        "tenants/team/team.html",
        {
            "active_module": "team",
            "members": team_for_workspace(workspace=workspace),
            "invitations": invitations,
            "invite_form": invite_form or InviteForm(),
            "role_choices": RoleForm.base_fields["role"].choices,
            "can_manage": user_allows(user=request.user, permission=Permission.TEAM_MANAGE),
            "is_owner": request.user.staff_role == "owner",
            "me": request.user.identity_id,
        },
        status=status,
    )


@workspace_permission_required(Permission.TEAM_VIEW)
def team(request):
    return _team_page(request)


def _act(request, action, success: str):
    """Run a team service as the signed-in member's identity; report the outcome."""
    actor = identity_for_mirror(user=request.user)
    try:
        with _control_plane():
            action(actor)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(TEAM_URL)
    messages.success(request, success)
    return redirect(TEAM_URL)


@require_POST
@workspace_permission_required(Permission.TEAM_MANAGE)
@feature_required("team_seats", write=True)
def team_invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        actor = identity_for_mirror(user=request.user)
        try:
            with _control_plane():
                invitation_create(
                    workspace=request.workspace,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    actor=actor,
                    request=request,
                )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect(TEAM_URL)
    return _team_page(request, invite_form=form, status=400)


@require_POST
@workspace_permission_required(Permission.TEAM_MANAGE)
@feature_required("team_seats", write=True)
def invitation_resend_view(request, invitation_id):
    invitation = invitation_get_in_workspace(
        workspace=request.workspace, invitation_id=invitation_id
    )
    return _act(
        request,
        lambda actor: invitation_resend(invitation=invitation, actor=actor, request=request),
        f"A new invitation link was sent to {invitation.email}.",
    )


@require_POST
@workspace_permission_required(Permission.TEAM_MANAGE)
def invitation_revoke_view(request, invitation_id):
    invitation = invitation_get_in_workspace(
        workspace=request.workspace, invitation_id=invitation_id
    )
    return _act(
        request,
        lambda actor: invitation_revoke(invitation=invitation, actor=actor, request=request),
        f"The invitation for {invitation.email} was withdrawn.",
    )


@require_POST
@workspace_permission_required(Permission.TEAM_MANAGE)
def member_role(request, membership_id):
    membership = membership_get_in_workspace(
        workspace=request.workspace, membership_id=membership_id
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return redirect(TEAM_URL)
    role = form.cleaned_data["role"]
    return _act(
        request,
        lambda actor: membership_role_change(
            membership=membership, role=role, actor=actor, request=request
        ),
        f"{membership.identity.email} is now {role}.",
    )


@require_POST
@workspace_permission_required(Permission.TEAM_MANAGE)
def member_remove(request, membership_id):
    membership = membership_get_in_workspace(
        workspace=request.workspace, membership_id=membership_id
    )
    return _act(
        request,
        lambda actor: membership_remove(membership=membership, actor=actor, request=request),
        f"{membership.identity.email} was removed from the team.",
    )


@require_POST
@workspace_permission_required(Permission.WORKSPACE_DELETE)
def member_make_owner(request, membership_id):
    membership = membership_get_in_workspace(
        workspace=request.workspace, membership_id=membership_id
    )
    return _act(
        request,
        lambda actor: ownership_transfer(
            workspace=request.workspace, to_membership=membership, actor=actor, request=request
        ),
        f"{membership.identity.email} now owns the workspace; you are an admin.",
    )


@require_POST
@workspace_permission_required(Permission.TEAM_VIEW)
def team_leave(request):
    actor = identity_for_mirror(user=request.user)
    with _control_plane():
        membership = request.workspace.memberships.filter(identity=actor).first()
    if membership is None:
        return redirect("/")
    try:
        with _control_plane():
            membership_remove(membership=membership, actor=actor, request=request)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(TEAM_URL)
    return redirect("/")


@workspace_permission_required(Permission.AUDIT_VIEW)
def audit_log(request):
    action_prefix = request.GET.get("action", "").strip()[:64]
    with _control_plane():
        page = Paginator(
            audit_events_for_workspace(workspace=request.workspace, action_prefix=action_prefix),
            50,
        ).get_page(request.GET.get("page"))
        events = list(page.object_list)
    return render(
        request,
        "tenants/team/audit.html",
        {
            "active_module": "audit",
            "page": page,
            "events": events,
            "action": action_prefix,
            "filters": AUDIT_FILTERS,
        },
    )
