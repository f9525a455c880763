"""Workspace hosts (config/urls_tenant.py): staff arriving on a workspace's own host
without passing through the platform's, as a white-labelled workspace needs. Joining
from an invitation, and the code step of signing in with an identity's password."""

from django.urls import path

from tenants import invitation_views, staff_sign_in_views

app_name = "workspace_staff"

urlpatterns = [
    path("join/<str:token>/", invitation_views.invitation_join, name="join"),
    path("accounts/sign-in/code/", staff_sign_in_views.sign_in_code, name="sign_in_code"),
]
