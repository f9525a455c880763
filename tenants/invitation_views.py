"""Accepting a team invitation, on the platform host (an invitation joins an identity)."""

from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from config.errors import ApplicationError
from config.forms import form_add_application_error
from shared_apps.accounts.selectors import user_get_by_email
from shared_apps.accounts.services import user_sign_up
from tenants.errors import TeamError
from tenants.forms import InvitationSignUpForm
from tenants.teams import invitation_accept, invitation_check_open, invitation_get_by_token


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
