"""The workspace's hosts on its dashboard, mounted at /dashboard/domains/ (urls_tenant)."""

from django.urls import path

from tenants import domain_views

app_name = "domains"

urlpatterns = [
    path("", domain_views.domain_list, name="list"),
    path("add/", domain_views.domain_add, name="add"),
    path("<int:domain_id>/check/", domain_views.domain_check, name="check"),
    path("<int:domain_id>/primary/", domain_views.domain_primary, name="primary"),
    path("<int:domain_id>/remove/", domain_views.domain_remove, name="remove"),
]
