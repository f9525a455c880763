"""Platform hosts only (config/urls_public.py)."""

from django.urls import path

from shared_apps.mfa import views

app_name = "mfa"

urlpatterns = [
    # The code step of signing in, beside the password step (shared_apps.accounts).
    path("accounts/sign-in/verify/", views.sign_in_verify, name="sign_in_verify"),
    path("account/security/", views.security, name="security"),
    path("account/security/two-factor/setup/", views.two_factor_setup, name="setup"),
    path("account/security/two-factor/disable/", views.two_factor_disable, name="disable"),
    path(
        "account/security/two-factor/recovery-codes/",
        views.recovery_codes_new,
        name="recovery_codes",
    ),
    path(
        "account/security/workspaces/<uuid:workspace_id>/two-factor/",
        views.workspace_two_factor_requirement,
        name="workspace_requirement",
    ),
]
