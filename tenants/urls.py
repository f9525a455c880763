from django.urls import path

from tenants import views

app_name = "workspaces"

urlpatterns = [
    path("dashboard/", views.platform_dashboard, name="dashboard"),
    path("workspaces/new/", views.workspace_create, name="create"),
    path("workspaces/slug-check/", views.workspace_slug_check, name="slug_check"),
]
