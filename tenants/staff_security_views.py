"""Workspace hosts: a white-labelled workspace's staff manage their identity's two-factor
sign-in on its own security page (tenants.staff_security). shared_apps.mfa.views does the
same on the platform's and agency hosts, for the identity signed in there; here the
signed-in user is the tenant-local mirror, so every step goes through the cross-plane
helpers. The pages reuse the platform's templates (mfa/_two_factor.html, mfa/setup.html,
mfa/recovery_codes.html) with this host's URLs.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import ApplicationError, NotFoundError
from config.forms import form_add_application_error
from shared_apps.mfa.forms import ReauthenticateForm, TwoFactorCodeForm
from tenants.staff_security import (
    StaffTwoFactor,
    staff_recovery_codes_regenerate_in_workspace,
    staff_totp_confirm_in_workspace,
    staff_totp_disable_in_workspace,
    staff_totp_enrol_in_workspace,
    staff_two_factor_state_in_workspace,
)
from tenants.staff_sign_in import SignInThrottledError

TEMPLATE = "accounts/staff_security.html"


def _urls() -> dict:
    return {
        "setup_url": reverse("workspace_staff:two_factor_setup"),
        "recovery_codes_url": reverse("workspace_staff:recovery_codes"),
        "disable_url": reverse("workspace_staff:two_factor_disable"),
        "security_url": reverse("accounts:security"),
    }


def _state_or_404(request) -> StaffTwoFactor:
    state = staff_two_factor_state_in_workspace(workspace=request.workspace, user=request.user)
    if state is None:
        raise Http404("No such page.")
    return state


def staff_security_page(request, *, two_factor: StaffTwoFactor, status: int = 200, **forms):
    """The security page of a white-labelled workspace's staff member (also served by
    shared_apps.accounts.views.account_security at /accounts/security/)."""
    context = {
        "two_factor_enabled": two_factor.enabled,
        "device": two_factor.device,
        "recovery_codes_left": two_factor.recovery_codes_left,
        "required_by": [request.workspace] if two_factor.required_here else [],
        "disable_form": forms.get("disable_form") or ReauthenticateForm(prefix="disable"),
        "regenerate_form": forms.get("regenerate_form") or ReauthenticateForm(prefix="regenerate"),
        **_urls(),
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    if _state_or_404(request).enabled:
        messages.info(request, "Two-factor authentication is already on.")
        return redirect("accounts:security")
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                codes = staff_totp_confirm_in_workspace(
                    workspace=request.workspace,
                    user=request.user,
                    code=form.cleaned_data["code"],
                    request=request,
                )
            except NotFoundError as error:
                raise Http404(error.message) from error
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(request, "Two-factor authentication is on.")
                # Rendered, not redirected to: the codes exist in clear only here.
                return render(
                    request,
                    "mfa/recovery_codes.html",
                    {"codes": codes, "continue_url": reverse("accounts:security")},
                )
        status = 400
    try:
        enrolment = staff_totp_enrol_in_workspace(workspace=request.workspace, user=request.user)
    except NotFoundError as error:
        raise Http404(error.message) from error
    return render(
        request, "mfa/setup.html", {"form": form, "enrolment": enrolment, **_urls()}, status=status
    )


def _reauthenticated(request, *, prefix: str, action):
    """Run `action` (disable, regenerate) with the factor the form asks for again; the
    result, or the page to answer with instead."""
    two_factor = _state_or_404(request)
    form = ReauthenticateForm(request.POST, prefix=prefix)
    page_forms = {f"{prefix}_form": form}
    if not form.is_valid():
        return None, staff_security_page(request, two_factor=two_factor, status=400, **page_forms)
    try:
        result = action(
            workspace=request.workspace,
            user=request.user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
            request=request,
        )
    except NotFoundError as error:
        raise Http404(error.message) from error
    except SignInThrottledError as error:
        form.add_error(None, error.message)
        response = staff_security_page(request, two_factor=two_factor, status=429, **page_forms)
        response["Retry-After"] = str(error.retry_after)
        return None, response
    except ApplicationError as error:
        form_add_application_error(form, error)
        return None, staff_security_page(
            request, two_factor=two_factor, status=error.status, **page_forms
        )
    return result, None


@login_required
@sensitive_post_parameters("disable-password", "disable-code")
@require_POST
def two_factor_disable(request):
    _, response = _reauthenticated(
        request, prefix="disable", action=staff_totp_disable_in_workspace
    )
    if response is not None:
        return response
    messages.success(request, "Two-factor authentication is off.")
    return redirect("accounts:security")


@login_required
@sensitive_post_parameters("regenerate-password", "regenerate-code")
@never_cache
@require_POST
def recovery_codes_new(request):
    codes, response = _reauthenticated(
        request, prefix="regenerate", action=staff_recovery_codes_regenerate_in_workspace
    )
    if response is not None:
        return response
    messages.success(request, "New recovery codes made. The old ones no longer work.")
    return render(
        request,
        "mfa/recovery_codes.html",
        {"codes": codes, "continue_url": reverse("accounts:security")},
    )
