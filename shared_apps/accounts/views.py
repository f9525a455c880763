import logging

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import ApplicationError, NotFoundError
from config.forms import form_add_application_error
from shared_apps.accounts.forms import PasswordResetRequestForm, SignInForm, SignUpForm
from shared_apps.accounts.services import (
    password_reset_send,
    social_account_disconnect,
    user_password_reset_audit,
    user_sign_out_everywhere,
    user_sign_up,
)
from shared_apps.accounts.throttling import (
    PASSWORD_RESET_PER_ADDRESS,
    ThrottleState,
    sign_in_failed,
    sign_in_state,
    sign_in_succeeded,
    throttle_address,
    throttle_hit,
    throttle_state,
)
from shared_apps.mfa.pending import two_factor_pending_start
from shared_apps.mfa.selectors import identity_has_two_factor
from tenants.security import identity_sign_out_everywhere
from tenants.selectors import site_identity_for_request
from tenants.staff_security import staff_two_factor_state_in_workspace
from tenants.staff_security_views import staff_security_page
from tenants.staff_sign_in import (
    staff_identity_authenticate_in_workspace,
    staff_password_reset_send_in_workspace,
    staff_sign_in_complete_in_workspace,
    staff_two_factor_pending_start,
)

logger = logging.getLogger(__name__)


def _throttled(request, template: str, form, state: ThrottleState):
    form.add_error(None, state.message)
    response = render(request, template, {"form": form}, status=429)
    response["Retry-After"] = str(state.retry_after)
    return response


class SignInView(auth_views.LoginView):
    """Email and password, throttled per account and per client address.

    Platform identities with an authenticator app continue to a code step
    (shared_apps.mfa) before they are signed in; customers on a workspace host are
    signed in at once, and its staff with their identity's password (then a code step
    on that host when they have an authenticator). Django's login() gives the
    signed-in session a new key.
    """

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        state = sign_in_state(
            email=request.POST.get("username", ""), address=throttle_address(request)
        )
        if state.blocked:
            return self._throttled(state)
        if request.workspace is None:
            return super().post(request, *args, **kwargs)
        return self._workspace_post()

    def _workspace_post(self):
        """A workspace host: its customers sign in with their own password, its staff
        with their identity's (tenants.staff_sign_in), so that staff of a white-labelled
        workspace never need the platform's host. Every refusal looks the same."""
        form = self.get_form()
        if form.is_valid() and not form.get_user().is_staff_mirror:
            return self.form_valid(form)  # a customer
        if not (form.is_valid() or form.failed_on_credentials()):
            return self.form_invalid(form)  # incomplete: nothing was checked
        # A mirror's own tenant-local password (a customer who later joined the staff
        # keeps it) never signs staff in: that would skip the membership and 2FA checks.
        try:
            staff = staff_identity_authenticate_in_workspace(
                workspace=self.request.workspace,
                email=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except ApplicationError as error:  # right password; the workspace requires 2FA
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=error.status)
        if staff is None:
            if not form.failed_on_credentials():
                form.add_error(None, form.get_invalid_login_error())
            return self.form_invalid(form)
        redirect_to = self.get_success_url()
        if staff.needs_code:
            staff_two_factor_pending_start(
                request=self.request,
                workspace=self.request.workspace,
                sign_in=staff,
                redirect_to=redirect_to,
            )
            return redirect("workspace_staff:sign_in_code")
        mirror = staff_sign_in_complete_in_workspace(
            workspace=self.request.workspace, sign_in=staff, request=self.request
        )
        sign_in_succeeded(email=form.cleaned_data["username"])
        # As the hop's last step: the mirror, on this host only, in a new session key.
        login(self.request, mirror, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(redirect_to)

    def form_invalid(self, form):
        if form.failed_on_credentials():
            # Keyed by the email as typed, known or not: an unknown address and a wrong
            # password take the same path (Django's backend also hashes a password for
            # unknown emails), so neither the answer nor its timing tells them apart.
            address = throttle_address(self.request)
            state = sign_in_failed(email=form.cleaned_data.get("username", ""), address=address)
            if state.blocked:
                # Logged once, when this failure reaches the limit (later attempts are
                # turned away before this point). The email is not logged.
                logger.warning("Sign-in blocked after repeated failures from %s.", address)
                return self._throttled(state)
        # 200, as Django's LoginView answers (tests/tenants/test_isolation.py relies on
        # it); only a throttled attempt gets its own status, 429.
        return super().form_invalid(form)

    def form_valid(self, form):
        user = form.get_user()
        if self.request.workspace is None and identity_has_two_factor(identity=user):
            two_factor_pending_start(
                request=self.request, user=user, redirect_to=self.get_success_url()
            )
            return redirect("mfa:sign_in_verify")
        sign_in_succeeded(email=user.email)
        return super().form_valid(form)

    def _throttled(self, state: ThrottleState):
        # The same page whether this attempt reached the limit or came after it: the
        # input shown again, the password not tried, one message.
        form = self.get_form_class()(self.request, data=self.request.POST, check_credentials=False)
        form.add_error(None, state.message)
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(state.retry_after)
        return response


class SignOutView(auth_views.LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.user.is_authenticated:
        return redirect(_after_sign_up_url(request))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome! Your account is ready.")
            return redirect(_after_sign_up_url(request))
    return render(request, "accounts/sign_up.html", {"form": form}, status=_status(request, form))


def _after_sign_up_url(request) -> str:
    # On the platform the next step is creating a workspace; on a workspace's own site a
    # new customer goes back to the site.
    return reverse("workspaces:create") if request.workspace is None else "/"


def _status(request, form) -> int:
    return 400 if request.method == "POST" and form.errors else 200


@require_http_methods(["GET", "POST"])
def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Each request may send a mail: counted per client address, whatever the email,
        # so the form can neither flood an inbox nor be used to probe addresses fast.
        address = throttle_address(request)
        state = throttle_state(limit=PASSWORD_RESET_PER_ADDRESS, subject=address)
        if state.blocked:
            return _throttled(request, "accounts/password_reset.html", form, state)
        throttle_hit(limit=PASSWORD_RESET_PER_ADDRESS, subject=address)
        email = form.cleaned_data["email"]
        # On a white-labelled workspace's host its staff reset their identity's password
        # there (tenants.staff_sign_in); everyone else the account this host signs in.
        if request.workspace is None or not staff_password_reset_send_in_workspace(
            workspace=request.workspace, email=email
        ):
            password_reset_send(email=email, site=site_identity_for_request(request))
        return redirect("accounts:password_reset_done")
    return render(
        request, "accounts/password_reset.html", {"form": form}, status=_status(request, form)
    )


def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_reset_audit(user=form.user, request=self.request)
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def password_reset_complete(request):
    return render(request, "accounts/password_reset_complete.html")


@login_required
@require_POST
def sign_out_everywhere(request):
    """End every session of the signed-in person, this one included."""
    if request.workspace is None:
        # A platform identity: its sessions here and its mirrors' on workspace hosts.
        identity_sign_out_everywhere(identity=request.user, request=request)
    else:
        user_sign_out_everywhere(user=request.user, request=request)
    logout(request)
    messages.success(request, "You have been signed out on every device.")
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET"])
def account_security(request):
    """Sessions and sign-in settings. On the platform that is the account security
    page with two-factor authentication; a white-labelled workspace's staff manage
    their identity's two-factor sign-in here too (tenants.staff_security); customers,
    and staff of other workspaces (who do that on the platform), get sessions only."""
    if request.workspace is None:
        return redirect("mfa:security")
    two_factor = staff_two_factor_state_in_workspace(workspace=request.workspace, user=request.user)
    if two_factor is not None:
        return staff_security_page(request, two_factor=two_factor)
    return render(request, "accounts/security.html")


@login_required
@require_POST
def social_disconnect(request, account_id: int):
    """Platform host only (shared_apps/accounts/social_urls.py): remove a connected
    Google, Apple or Facebook account from the signed-in identity."""
    try:
        social_account_disconnect(identity=request.user, account_id=account_id, request=request)
    except NotFoundError as error:
        raise Http404(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The account is disconnected.")
    return redirect("mfa:security")
