"""Workspace hosts: the code step of a staff member's sign-in (tenants.staff_sign_in).

The platform's own code step (shared_apps.mfa.views.sign_in_verify) reads the
authenticator in the schema it runs in; on a workspace host that is the workspace's,
so staff who signed in here with their identity's password finish here.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from config.forms import form_add_application_error
from shared_apps.accounts.throttling import sign_in_succeeded
from shared_apps.mfa.errors import TwoFactorError
from shared_apps.mfa.forms import TwoFactorCodeForm
from shared_apps.mfa.services import FactorKind
from tenants.staff_sign_in import (
    SignInThrottledError,
    staff_sign_in_complete_in_workspace,
    staff_two_factor_pending_clear,
    staff_two_factor_pending_get_in_workspace,
    staff_two_factor_verify_in_workspace,
)

TEMPLATE = "tenants/join_code.html"


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
