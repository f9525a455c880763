from django.urls import path

from tenants import invitation_views, sso_views, views

app_name = "workspaces"

urlpatterns = [
    path("dashboard/", views.platform_dashboard, name="dashboard"),
    path("workspaces/new/", views.workspace_create, name="create"),
    path("workspaces/slug-check/", views.workspace_slug_check, name="slug_check"),
    path("workspaces/<uuid:workspace_id>/open/", sso_views.workspace_open, name="open"),
    path("invitations/<str:token>/", invitation_views.invitation_respond, name="invitation"),
]
