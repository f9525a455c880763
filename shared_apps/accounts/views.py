from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods

from config.errors import ApplicationError
from config.forms import form_add_application_error
from shared_apps.accounts.forms import PasswordResetRequestForm, SignInForm, SignUpForm
from shared_apps.accounts.services import password_reset_send, user_sign_up
from tenants.selectors import site_identity_for_request


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


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
        site = site_identity_for_request(request)
        password_reset_send(
            email=form.cleaned_data["email"],
            site_name=site.name,
            base_url=site.base_url,
            brand=site.brand,
        )
        return redirect("accounts:password_reset_done")
    return render(
        request, "accounts/password_reset.html", {"form": form}, status=_status(request, form)
    )


def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def password_reset_complete(request):
    return render(request, "accounts/password_reset_complete.html")
