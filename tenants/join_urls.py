"""Workspace hosts (config/urls_tenant.py): staff arriving on a workspace's own host
without passing through the platform's, as a white-labelled workspace needs. Joining
from an invitation, the code step of signing in with an identity's password, and
choosing a new one from a reset link, and (white label only) managing the identity's
two-factor sign-in from the workspace's security page."""

from django.urls import path

from tenants import invitation_views, staff_security_views, staff_sign_in_views

app_name = "workspace_staff"

urlpatterns = [
    path("join/<str:token>/", invitation_views.invitation_join, name="join"),
    path("accounts/sign-in/code/", staff_sign_in_views.sign_in_code, name="sign_in_code"),
    # A staff member's reset link (white label only): it sets the identity's password.
    path(
        "accounts/password-reset/staff/<str:uidb64>/<str:token>/",
        staff_sign_in_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    # Beside /accounts/security/ (shared_apps.accounts.views.account_security).
    path(
        "accounts/security/two-factor/setup/",
        staff_security_views.two_factor_setup,
        name="two_factor_setup",
    ),
    path(
        "accounts/security/two-factor/disable/",
        staff_security_views.two_factor_disable,
        name="two_factor_disable",
    ),
    path(
        "accounts/security/two-factor/recovery-codes/",
        staff_security_views.recovery_codes_new,
        name="recovery_codes",
    ),
]
