"""The agency dashboard, under /dashboard/ on an agency's host (tenants.agency_views).
/dashboard/ itself is the platform's URL name `workspaces:dashboard`, which dispatches
to the agency's home on an agency host (tenants.views.platform_dashboard)."""

from django.urls import path

from tenants import agency_views

app_name = "agency"

urlpatterns = [
    path("dashboard/clients/", agency_views.client_list, name="clients"),
    path("dashboard/clients/new/", agency_views.client_create, name="client_create"),
    path("dashboard/clients/<uuid:client_id>/", agency_views.client_detail, name="client"),
    path("dashboard/clients/<uuid:client_id>/plan/", agency_views.client_plan, name="client_plan"),
    path(
        "dashboard/clients/<uuid:client_id>/members/invite/",
        agency_views.member_invite,
        name="member_invite",
    ),
    path(
        "dashboard/clients/<uuid:client_id>/members/<uuid:membership_id>/role/",
        agency_views.member_role,
        name="member_role",
    ),
    path(
        "dashboard/clients/<uuid:client_id>/members/<uuid:membership_id>/remove/",
        agency_views.member_remove,
        name="member_remove",
    ),
    path(
        "dashboard/clients/<uuid:client_id>/domains/add/",
        agency_views.domain_add,
        name="domain_add",
    ),
    path(
        "dashboard/clients/<uuid:client_id>/domains/<int:domain_id>/verify/",
        agency_views.domain_verify,
        name="domain_verify",
    ),
    path(
        "dashboard/clients/<uuid:client_id>/domains/<int:domain_id>/remove/",
        agency_views.domain_remove,
        name="domain_remove",
    ),
    path("dashboard/pricing/", agency_views.pricing, name="pricing"),
    path("dashboard/snapshots/", agency_views.snapshot_list, name="snapshots"),
    path(
        "dashboard/snapshots/<uuid:snapshot_id>/delete/",
        agency_views.snapshot_delete,
        name="snapshot_delete",
    ),
    path("dashboard/billing/", agency_views.billing, name="billing"),
    path("dashboard/staff/", agency_views.staff, name="staff"),
    path("dashboard/staff/<uuid:membership_id>/role/", agency_views.staff_role, name="staff_role"),
    path(
        "dashboard/staff/<uuid:membership_id>/remove/",
        agency_views.staff_remove,
        name="staff_remove",
    ),
    path("dashboard/branding/", agency_views.branding, name="branding"),
    path("dashboard/branding/preview/", agency_views.branding_preview, name="branding_preview"),
    path("dashboard/hosts/", agency_views.hosts, name="hosts"),
    path("dashboard/hosts/<int:host_id>/verify/", agency_views.host_verify, name="host_verify"),
    path("dashboard/hosts/<int:host_id>/remove/", agency_views.host_remove, name="host_remove"),
]
