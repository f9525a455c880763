"""Workspace hosts: the code step of a staff member's sign-in, and the page a staff
member's reset link opens (tenants.staff_sign_in).

The platform's own code step (shared_apps.mfa.views.sign_in_verify) reads the
authenticator in the schema it runs in; on a workspace host that is the workspace's,
so staff who signed in here with their identity's password finish here. Django's reset
page would look the link's user up in this schema and save it there; a staff link
names a public identity, so it has its own page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from config.errors import ApplicationError
from config.forms import form_add_application_error
from shared_apps.accounts.throttling import sign_in_succeeded
from shared_apps.mfa.errors import TwoFactorError
from shared_apps.mfa.forms import TwoFactorCodeForm
from shared_apps.mfa.services import FactorKind
from tenants.staff_sign_in import (
    SignInThrottledError,
    StaffSignIn,
    staff_password_reset_check_in_workspace,
    staff_password_reset_confirm_in_workspace,
    staff_sign_in_complete_in_workspace,
    staff_two_factor_pending_clear,
    staff_two_factor_pending_get_in_workspace,
    staff_two_factor_pending_start,
    staff_two_factor_requirement_check,
    staff_two_factor_verify_in_workspace,
)

TEMPLATE = "tenants/join_code.html"
RESET_TEMPLATE = "accounts/password_reset_confirm.html"
# As Django's PasswordResetConfirmView: the token moves from the address into the
# session, so the page's address (and a Referer header sent from it) no longer holds it.
RESET_URL_TOKEN = "set-password"
RESET_SESSION_KEY = "staff_password_reset_token"


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    workspace = request.workspace
    pending = staff_two_factor_pending_get_in_workspace(request=request, workspace=workspace)
    if pending is None:
        if request.user.is_authenticated:
            return redirect("/dashboard/")
        messages.info(request, "Your sign-in timed out. Please sign in again.")
        return redirect("accounts:login")
    sign_in, redirect_to = pending
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "GET":
        return render(request, TEMPLATE, {"form": form})
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    try:
        verified = staff_two_factor_verify_in_workspace(
            sign_in=sign_in, code=form.cleaned_data["code"], request=request
        )
    except SignInThrottledError as error:
        form.add_error(None, error.message)
        response = render(request, TEMPLATE, {"form": form}, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    except TwoFactorError as error:
        form_add_application_error(form, error)
        return render(request, TEMPLATE, {"form": form}, status=400)
    mirror = staff_sign_in_complete_in_workspace(
        workspace=workspace, sign_in=sign_in, request=request, second_factor=verified.kind
    )
    sign_in_succeeded(email=sign_in.identity.email)
    staff_two_factor_pending_clear(request=request)
    login(request, mirror, backend="django.contrib.auth.backends.ModelBackend")  # new key
    if verified.kind == FactorKind.RECOVERY_CODE:
        messages.warning(
            request,
            f"You signed in with a recovery code; {verified.recovery_codes_left} left. "
            "If your phone is lost, set up your authenticator again and make new codes.",
        )
    return redirect(redirect_to)


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request, uidb64, token):
    workspace = request.workspace
    from_session = token == RESET_URL_TOKEN
    if from_session:
        token = request.session.get(RESET_SESSION_KEY, "")
    sign_in = staff_password_reset_check_in_workspace(
        workspace=workspace, uidb64=uidb64, token=token
    )
    if sign_in is None:
        # The same page as Django's for a customer's dead link: "ask for a new one".
        return render(request, RESET_TEMPLATE, {"validlink": False})
    if not from_session:
        request.session[RESET_SESSION_KEY] = token
        return redirect(
            reverse(
                "workspace_staff:password_reset_confirm",
                kwargs={"uidb64": uidb64, "token": RESET_URL_TOKEN},
            )
        )
    # SetPasswordForm only validates here (matching fields, Django's validators against
    # the identity); the service sets the password, in the public schema.
    form = SetPasswordForm(sign_in.identity, request.POST or None)
    if request.method == "GET":
        return render(request, RESET_TEMPLATE, {"form": form, "validlink": True})
    if not form.is_valid():
        return render(request, RESET_TEMPLATE, {"form": form, "validlink": True}, status=400)
    try:
        sign_in = staff_password_reset_confirm_in_workspace(
            workspace=workspace,
            uidb64=uidb64,
            token=token,
            password=form.cleaned_data["new_password1"],
            request=request,
        )
    except ApplicationError as error:
        form_add_application_error(form, error)
        return render(request, RESET_TEMPLATE, {"form": form, "validlink": True}, status=400)
    request.session.pop(RESET_SESSION_KEY, None)
    if sign_in is None:  # used by another request in the meantime
        return render(request, RESET_TEMPLATE, {"validlink": False})
    messages.success(request, "Your password has been changed.")
    return _signed_in_after_reset(request, sign_in=sign_in)


def _signed_in_after_reset(request, *, sign_in: StaffSignIn):
    """As after a typed password (shared_apps.accounts.views.SignInView): the
    workspace's two-factor rule, the code step when due, then the mirror's session."""
    workspace = request.workspace
    try:
        staff_two_factor_requirement_check(workspace=workspace, sign_in=sign_in)
    except TwoFactorError as error:
        # The new password is set, but this workspace lets no one in without a second factor.
        messages.info(request, error.message)
        return redirect("accounts:login")
    redirect_to = settings.LOGIN_REDIRECT_URL
    if sign_in.needs_code:
        staff_two_factor_pending_start(
            request=request, workspace=workspace, sign_in=sign_in, redirect_to=redirect_to
        )
        return redirect("workspace_staff:sign_in_code")
    mirror = staff_sign_in_complete_in_workspace(
        workspace=workspace, sign_in=sign_in, request=request, method="password_reset"
    )
    sign_in_succeeded(email=sign_in.identity.email)
    login(request, mirror, backend="django.contrib.auth.backends.ModelBackend")  # new key
    return redirect(redirect_to)
