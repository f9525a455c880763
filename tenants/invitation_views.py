"""Accepting a team invitation (an invitation joins an identity to a workspace).

Two doors, one set of services (tenants.teams): `invitation_respond` on the platform's
hosts (and an agency's dashboard host, where its clients' invitations point), and
`invitation_join` on a white-labelled workspace's own primary host (/join/<token>/),
where the platform never shows itself (tenants.teams picks the door for the mail).
"""

from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from config.errors import ApplicationError
from config.forms import form_add_application_error
from shared_apps.accounts.forms import CurrentPasswordForm
from shared_apps.accounts.selectors import user_get_by_email
from shared_apps.accounts.services import user_sign_up
from shared_apps.accounts.throttling import (
    ThrottleState,
    sign_in_failed,
    sign_in_state,
    sign_in_succeeded,
    throttle_address,
)
from shared_apps.mfa.errors import TwoFactorError
from tenants.errors import TeamError
from tenants.forms import InvitationSignUpForm
from tenants.staff_sign_in import (
    StaffSignIn,
    invitation_accept_as_new_identity_in_workspace,
    invitation_accept_with_password_in_workspace,
    invitation_for_join_in_workspace,
    staff_sign_in_complete_in_workspace,
    staff_two_factor_pending_start,
    staff_two_factor_requirement_check,
)
from tenants.teams import invitation_accept, invitation_check_open, invitation_get_by_token

JOIN_TEMPLATE = "tenants/join.html"
AFTER_JOIN_URL = "/dashboard/"


@require_http_methods(["GET", "POST"])
def invitation_respond(request, token):
    try:
        invitation = invitation_get_by_token(token=token)
        invitation_check_open(invitation=invitation)
    except TeamError as error:
        return render(request, "tenants/invitation.html", {"error": error}, status=error.status)

    user = request.user
    has_account = user.is_authenticated or user_get_by_email(email=invitation.email) is not None
    form = InvitationSignUpForm(request.POST or None) if not has_account else None
    context = {"invitation": invitation, "token": token, "form": form, "error": None}

    if request.method == "POST":
        try:
            if user.is_authenticated:
                invitation_accept(token=token, identity=user, request=request)
            elif form is not None and form.is_valid():
                with transaction.atomic():
                    user = user_sign_up(
                        email=invitation.email,
                        password=form.cleaned_data["password"],
                        first_name=form.cleaned_data["first_name"],
                        last_name=form.cleaned_data["last_name"],
                    )
                    invitation_accept(token=token, identity=user, request=request)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                return render(request, "tenants/invitation.html", context, status=400)
        except ApplicationError as error:
            if form is not None:
                form_add_application_error(form, error)
            context["error"] = error
            return render(request, "tenants/invitation.html", context, status=error.status)
        messages.success(request, f"You joined {invitation.workspace.name}.")
        return redirect("workspaces:dashboard")
    return render(request, "tenants/invitation.html", context)


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_join(request, token):
    """Workspace hosts: accept an invitation in the workspace's own brand, creating the
    invitee's identity or confirming the one they have, then sign them in here."""
    workspace = request.workspace
    try:
        join = invitation_for_join_in_workspace(workspace=workspace, token=token)
    except TeamError as error:
        return render(request, JOIN_TEMPLATE, {"error": error}, status=error.status)
    form_class = CurrentPasswordForm if join.has_identity else InvitationSignUpForm
    form = form_class(request.POST or None)
    context = {"join": join, "invitation": join.invitation, "form": form}
    if request.method == "GET":
        return render(request, JOIN_TEMPLATE, context)

    email, address = join.invitation.email, throttle_address(request)
    if join.has_identity:
        # Confirming a password is a sign-in attempt: the same counters.
        state = sign_in_state(email=email, address=address)
        if state.blocked:
            return _join_throttled(request, context, state)
    if not form.is_valid():
        return render(request, JOIN_TEMPLATE, context, status=400)
    try:
        if join.has_identity:
            sign_in = invitation_accept_with_password_in_workspace(
                workspace=workspace,
                token=token,
                password=form.cleaned_data["password"],
                request=request,
            )
        else:
            sign_in = invitation_accept_as_new_identity_in_workspace(
                workspace=workspace,
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password"],
                request=request,
            )
    except ApplicationError as error:
        form_add_application_error(form, error)
        return render(request, JOIN_TEMPLATE, context, status=error.status)
    if sign_in is None:
        state = sign_in_failed(email=email, address=address)
        if state.blocked:
            return _join_throttled(request, context, state)
        form.add_error("password", "That password is not right.")
        return render(request, JOIN_TEMPLATE, context, status=400)
    sign_in_succeeded(email=email)
    return _signed_in_after_join(request, sign_in=sign_in)


def _join_throttled(request, context: dict, state: ThrottleState):
    context["form"].add_error(None, state.message)
    response = render(request, JOIN_TEMPLATE, context, status=429)
    response["Retry-After"] = str(state.retry_after)
    return response


def _signed_in_after_join(request, *, sign_in: StaffSignIn):
    workspace = request.workspace
    messages.success(request, f"You joined {workspace.name}.")
    try:
        staff_two_factor_requirement_check(workspace=workspace, sign_in=sign_in)
    except TwoFactorError as error:
        # Joined, but this workspace lets no one in without a second factor.
        messages.info(request, error.message)
        return redirect("accounts:login")
    if sign_in.needs_code:
        staff_two_factor_pending_start(
            request=request, workspace=workspace, sign_in=sign_in, redirect_to=AFTER_JOIN_URL
        )
        return redirect("workspace_staff:sign_in_code")
    mirror = staff_sign_in_complete_in_workspace(
        workspace=workspace, sign_in=sign_in, request=request
    )
    login(request, mirror, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(AFTER_JOIN_URL)
