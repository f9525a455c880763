"""Platform-host pages: the code step of sign-in and the account security page.

The security pages are served on agency hosts too (tenants.routing.AGENCY_HOST_VIEWS),
in the agency's brand: there they list only the agency's clients, the authenticator app
is labelled with the agency's name, and social sign-in (platform host only) is left out.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import ApplicationError
from config.forms import form_add_application_error
from shared_apps.accounts.throttling import (
    TWO_FACTOR_PER_ACCOUNT,
    ThrottleState,
    sign_in_succeeded,
    throttle_hit,
    throttle_reset,
    throttle_state,
)
from shared_apps.mfa.forms import ReauthenticateForm, TwoFactorCodeForm, TwoFactorRequirementForm
from shared_apps.mfa.pending import two_factor_pending_clear, two_factor_pending_get
from shared_apps.mfa.selectors import (
    identity_has_two_factor,
    recovery_codes_left,
    totp_device_for_identity,
    workspace_requires_two_factor,
)
from shared_apps.mfa.services import (
    FactorKind,
    recovery_codes_regenerate,
    totp_device_confirm,
    totp_device_disable,
    totp_device_enrol,
    two_factor_verify,
)
from tenants.models import Membership
from tenants.security import workspace_two_factor_requirement_set
from tenants.selectors import memberships_for_identity, site_identity_for_request


def _subject(identity) -> str:
    return f"identity:{identity.uuid}"


def _throttled(request, template: str, context: dict, state: ThrottleState):
    context["form"].add_error(None, state.message)
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(state.retry_after)
    return response


def _safe_next(request, default: str = "") -> str:
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


# Sign-in, second step.


@login_not_required
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_verify(request):
    pending = two_factor_pending_get(request=request)
    if pending is None:
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        messages.info(request, "Your sign-in timed out. Please sign in again.")
        return redirect("accounts:login")
    if not identity_has_two_factor(identity=pending.user):
        # Turned off (or reset by a platform owner) since the password step.
        two_factor_pending_clear(request=request)
        messages.info(request, "Please sign in again.")
        return redirect("accounts:login")
    form = TwoFactorCodeForm(request.POST or None)
    context = {"form": form}
    status = 200
    if request.method == "POST":
        subject = _subject(pending.user)
        state = throttle_state(limit=TWO_FACTOR_PER_ACCOUNT, subject=subject)
        if state.blocked:
            return _throttled(request, "mfa/verify.html", context, state)
        if not form.is_valid():
            return render(request, "mfa/verify.html", context, status=400)
        try:
            verified = two_factor_verify(
                identity=pending.user, code=form.cleaned_data["code"], request=request
            )
        except ApplicationError as error:
            state = throttle_hit(limit=TWO_FACTOR_PER_ACCOUNT, subject=subject)
            if state.blocked:
                return _throttled(request, "mfa/verify.html", context, state)
            form_add_application_error(form, error)
            status = 400
        else:
            throttle_reset(limit=TWO_FACTOR_PER_ACCOUNT, subject=subject)
            sign_in_succeeded(email=pending.user.email)
            two_factor_pending_clear(request=request)
            login(request, pending.user, backend=pending.backend)  # a new session key again
            if verified.kind == FactorKind.RECOVERY_CODE:
                left = verified.recovery_codes_left
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. "
                    "If your phone is lost, set up your authenticator again and make new codes.",
                )
            return redirect(pending.redirect_to)
    return render(request, "mfa/verify.html", context, status=status)


# The account security page.


def _agency(request):
    return getattr(request, "agency", None)


def _totp_issuer(request) -> str | None:
    """The name the authenticator app shows: the site's own on a white-labelled host (an
    agency's), TWO_FACTOR_ISSUER (None) on the platform's."""
    site = site_identity_for_request(request)
    return site.name if site.white_label else None


def _security_context(request, **forms) -> dict:
    identity = request.user
    device = totp_device_for_identity(identity=identity)
    enabled = device is not None and device.is_confirmed
    rows = [
        {
            "workspace": membership.workspace,
            "role": membership.get_role_display(),
            "is_owner": membership.role == Membership.Role.OWNER,
            "requires": workspace_requires_two_factor(workspace=membership.workspace),
        }
        for membership in memberships_for_identity(identity=identity, agency=_agency(request))
    ]
    return {
        "two_factor_enabled": enabled,
        "device": device if enabled else None,
        "recovery_codes_left": recovery_codes_left(device=device) if enabled else 0,
        "disable_form": forms.get("disable_form") or ReauthenticateForm(prefix="disable"),
        "regenerate_form": forms.get("regenerate_form") or ReauthenticateForm(prefix="regenerate"),
        "workspace_rows": rows,
        "required_by": [row["workspace"] for row in rows if row["requires"]],
        # allauth's URLs are routed on the platform's host only.
        "show_connected_accounts": _agency(request) is None,
    }


@login_required
@require_http_methods(["GET"])
def security(request):
    return render(request, "mfa/security.html", _security_context(request))


@login_required
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    if identity_has_two_factor(identity=request.user):
        messages.info(request, "Two-factor authentication is already on.")
        return redirect("mfa:security")
    next_url = _safe_next(request)
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                codes = totp_device_confirm(
                    identity=request.user, code=form.cleaned_data["code"], request=request
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(request, "Two-factor authentication is on.")
                # Rendered, not redirected to: the codes exist in clear only here.
                return render(
                    request,
                    "mfa/recovery_codes.html",
                    {"codes": codes, "continue_url": next_url or reverse("mfa:security")},
                )
        status = 400
    enrolment = totp_device_enrol(identity=request.user, issuer=_totp_issuer(request))
    return render(
        request,
        "mfa/setup.html",
        {"form": form, "enrolment": enrolment, "next": next_url},
        status=status,
    )


def _reauthenticated_action(request, *, prefix: str, action):
    """Run `action` (disable, regenerate) after asking for a factor again, throttled
    like the sign-in code step: a session left open must not be a way to guess."""
    form = ReauthenticateForm(request.POST, prefix=prefix)
    subject = _subject(request.user)
    context_forms = {f"{prefix}_form": form}
    state = throttle_state(limit=TWO_FACTOR_PER_ACCOUNT, subject=subject)
    if state.blocked:
        context = _security_context(request, **context_forms)
        context["form"] = form
        return None, _throttled(request, "mfa/security.html", context, state)
    if not form.is_valid():
        context = _security_context(request, **context_forms)
        return None, render(request, "mfa/security.html", context, status=400)
    try:
        result = action(
            identity=request.user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
            request=request,
        )
    except ApplicationError as error:
        state = throttle_hit(limit=TWO_FACTOR_PER_ACCOUNT, subject=subject)
        context = _security_context(request, **context_forms)
        if state.blocked:
            context["form"] = form
            return None, _throttled(request, "mfa/security.html", context, state)
        form_add_application_error(form, error)
        return None, render(request, "mfa/security.html", context, status=error.status)
    throttle_reset(limit=TWO_FACTOR_PER_ACCOUNT, subject=subject)
    # Checking the password may have re-hashed it (an older hasher): keep this session.
    update_session_auth_hash(request, request.user)
    return result, None


@login_required
@sensitive_post_parameters("disable-password", "disable-code")
@require_POST
def two_factor_disable(request):
    _, response = _reauthenticated_action(request, prefix="disable", action=totp_device_disable)
    if response is not None:
        return response
    messages.success(request, "Two-factor authentication is off.")
    return redirect("mfa:security")


@login_required
@sensitive_post_parameters("regenerate-password", "regenerate-code")
@never_cache
@require_POST
def recovery_codes_new(request):
    codes, response = _reauthenticated_action(
        request, prefix="regenerate", action=recovery_codes_regenerate
    )
    if response is not None:
        return response
    messages.success(request, "New recovery codes made. The old ones no longer work.")
    return render(
        request,
        "mfa/recovery_codes.html",
        {"codes": codes, "continue_url": reverse("mfa:security")},
    )


@login_required
@require_POST
def workspace_two_factor_requirement(request, workspace_id):
    membership = (
        memberships_for_identity(identity=request.user, agency=_agency(request))
        .filter(workspace_id=workspace_id)
        .first()
    )
    if membership is None:
        raise Http404("No such workspace.")
    form = TwoFactorRequirementForm(request.POST)
    form.is_valid()  # one optional checkbox: always valid, absent means "off"
    required = form.cleaned_data["required"]
    try:
        workspace_two_factor_requirement_set(
            workspace=membership.workspace, required=required, actor=request.user, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return render(request, "mfa/security.html", _security_context(request), status=error.status)
    if required:
        messages.success(
            request, f"Staff of {membership.workspace.name} now need two-factor sign-in."
        )
    else:
        messages.success(
            request, f"Two-factor sign-in is now optional for staff of {membership.workspace.name}."
        )
    return redirect("mfa:security")
