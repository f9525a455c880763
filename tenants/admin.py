"""Workspaces in the platform owner's console (shared_apps.platform.console_site).

Read-only on purpose: a workspace's lifecycle changes through the audited tenants
services (the suspend / unsuspend / archive actions below ask for a reason first),
its hosts and team through the workspace's own pages, and deletion only in code
(tenants.deletion), which drops a schema after confirmation.
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from shared_apps.billing.models import Plan, WorkspaceFeature
from shared_apps.platform.console_actions import confirm_and_apply
from shared_apps.platform.console_site import ReadOnlyInline
from shared_apps.platform.selectors import workspace_storage
from tenants import snapshot_admin  # noqa: F401  (registers Snapshot on the console)
from tenants.agency_selectors import agency_primary_host
from tenants.agency_services import agency_status_set
from tenants.models import (
    Agency,
    AgencyHost,
    AgencyMembership,
    AgencyPrice,
    Domain,
    Membership,
    Workspace,
)
from tenants.selectors import workspace_primary_host
from tenants.services import workspace_archive, workspace_suspend, workspace_unsuspend
from tenants.snapshots import snapshot_create


class DomainInline(ReadOnlyInline):
    model = Domain
    fields = ["domain", "is_primary", "is_verified", "status", "failure_reason", "verified_at"]


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "workspace"
    fields = ["identity", "role", "joined_at"]
    verbose_name_plural = "Team"


class FeatureInline(ReadOnlyInline):
    model = WorkspaceFeature
    fields = ["key", "enabled", "state", "enabled_at", "disabled_at", "read_only_since"]
    verbose_name_plural = "Features"


class PlanFilter(admin.SimpleListFilter):
    """By the plan a workspace is on: its subscription's plan, or (no subscription
    yet) the plan code recorded on the workspace."""

    title = "plan"
    parameter_name = "plan"

    def lookups(self, request, model_admin):
        plans = dict(Plan.objects.values_list("code", "name"))
        for code in Workspace.objects.values_list("plan_code", flat=True).distinct():
            plans.setdefault(code, code)
        return sorted(plans.items())

    def queryset(self, request, queryset):
        code = self.value()
        if not code:
            return queryset
        return queryset.filter(
            Q(subscription__plan__code=code) | Q(subscription__isnull=True, plan_code=code)
        )


def _plan_of(workspace: Workspace):
    subscription = getattr(workspace, "subscription", None)  # None when there is none
    return subscription.plan if subscription is not None else None


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    console_audited = True  # read-only; its actions call the audited tenants services
    list_display = ["name", "slug", "status", "plan", "primary_host", "members", "created_at"]
    list_filter = ["status", PlanFilter]
    search_fields = ["name", "slug", "domains__domain"]
    list_select_related = ["subscription__plan"]
    date_hierarchy = "created_at"
    change_form_template = "admin/console/workspace_change_form.html"
    actions = ["suspend_selected", "unsuspend_selected", "archive_selected", "snapshot_selected"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "schema_name", "description", "created_at"]}),
        ("Status", {"fields": ["status", "status_reason", "status_changed_at"]}),
        ("Plan", {"fields": ["plan", "subscription_summary"]}),
        ("People and usage", {"fields": ["owners", "usage", "storage"]}),
    ]
    readonly_fields = [
        "name",
        "slug",
        "schema_name",
        "description",
        "created_at",
        "status",
        "status_reason",
        "status_changed_at",
        "plan",
        "subscription_summary",
        "owners",
        "usage",
        "storage",
    ]
    inlines = [MembershipInline, DomainInline, FeatureInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=Count("memberships", distinct=True))
            .prefetch_related("domains")
        )

    def has_add_permission(self, request):
        # Workspaces are provisioned by cloning the template schema (tenants.services).
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_lifecycle_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def change_view(self, request, object_id, form_url="", extra_context=None):
        workspace = self.get_object(request, object_id)
        status = workspace.status if workspace is not None else None
        allowed = self.has_lifecycle_permission(request)
        extra_context = {
            **(extra_context or {}),
            "lifecycle_buttons": [
                ("suspend_selected", "Suspend…", allowed and status == Workspace.Status.ACTIVE),
                (
                    "unsuspend_selected",
                    "Unsuspend…",
                    allowed and status == Workspace.Status.SUSPENDED,
                ),
                (
                    "archive_selected",
                    "Archive…",
                    allowed and status != Workspace.Status.ARCHIVED,
                ),
            ],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # Columns and read-only fields -------------------------------------------------

    @admin.display(description="Plan")
    def plan(self, obj: Workspace) -> str:
        plan = _plan_of(obj)
        return plan.name if plan is not None else obj.plan_code

    @admin.display(description="Host")
    def primary_host(self, obj: Workspace) -> str:
        domains = [d for d in obj.domains.all() if d.is_verified]
        domains.sort(key=lambda d: (not d.is_primary, d.created_at))
        obj.verified_domains = domains
        return workspace_primary_host(workspace=obj)

    @admin.display(description="Members", ordering="member_count")
    def members(self, obj: Workspace) -> int:
        return obj.member_count

    @admin.display(description="Subscription")
    def subscription_summary(self, obj: Workspace) -> str:
        subscription = getattr(obj, "subscription", None)
        if subscription is None:
            return "No subscription (free plan)."
        parts = [
            f"{subscription.plan.name}, {subscription.get_interval_display().lower()}",
            f"price version {subscription.price.version}",
            subscription.get_status_display(),
            f"{subscription.billed_quantity} paid feature(s)",
        ]
        if subscription.current_period_end:
            parts.append(f"period ends {subscription.current_period_end:%Y-%m-%d}")
        if subscription.stripe_customer_id:
            parts.append(f"Stripe customer {subscription.stripe_customer_id}")
        return " · ".join(parts)

    @admin.display(description="Owners")
    def owners(self, obj: Workspace):
        owners = (
            Membership.objects.filter(workspace=obj, role=Membership.Role.OWNER)
            .select_related("identity")
            .order_by("identity__email")
        )
        if not owners:
            return "None"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (
                    reverse("admin:accounts_user_change", args=[m.identity_id]),
                    m.identity.email,
                )
                for m in owners
            ),
        )

    @admin.display(description="Usage")
    def usage(self, obj: Workspace) -> str:
        features = WorkspaceFeature.objects.filter(workspace=obj, enabled=True).count()
        plan = _plan_of(obj) or Plan.objects.filter(code=obj.plan_code).first()
        limit = plan.feature_limit if plan is not None else None
        return (
            f"{Membership.objects.filter(workspace=obj).count()} member(s) · "
            f"{Domain.objects.filter(tenant=obj).count()} host(s) · "
            f"{features} feature(s) enabled" + (f" of {limit} allowed" if limit is not None else "")
        )

    @admin.display(description="Storage")
    def storage(self, obj: Workspace):
        size = workspace_storage(schema_name=obj.schema_name)
        return format_html(
            "{} in the database: {} tables of schema <code>{}</code>, with their indexes "
            "and TOAST data (PostgreSQL's pg_total_relation_size). Uploaded media files "
            "are not included.",
            filesizeformat(size.database_bytes),
            size.tables,
            size.schema_name,
        )

    # Lifecycle actions ---------------------------------------------------------------

    @admin.action(description="Suspend selected workspaces…", permissions=["lifecycle"])
    def suspend_selected(self, request, queryset):
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="suspend_selected",
            title="Suspend workspaces",
            question="Suspend these workspaces? Their hosts will answer a "
            "“temporarily unavailable” page until they are unsuspended; no data is "
            "removed.",
            button="Suspend",
            apply=lambda ws, reason: workspace_suspend(
                workspace=ws, actor=request.user, reason=reason, request=request
            ),
            done_message="Suspended {count} workspace(s).",
        )

    @admin.action(description="Unsuspend selected workspaces…", permissions=["lifecycle"])
    def unsuspend_selected(self, request, queryset):
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="unsuspend_selected",
            title="Unsuspend workspaces",
            question="Make these workspaces available again?",
            button="Unsuspend",
            apply=lambda ws, reason: workspace_unsuspend(
                workspace=ws, actor=request.user, reason=reason, request=request
            ),
            done_message="Unsuspended {count} workspace(s).",
        )

    @admin.action(description="Archive selected workspaces…", permissions=["lifecycle"])
    def archive_selected(self, request, queryset):
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="archive_selected",
            title="Archive workspaces",
            question="Archive these workspaces? Their hosts stop answering and they "
            "leave their members' lists. Their data stays until they are deleted.",
            button="Archive",
            apply=lambda ws, reason: workspace_archive(
                workspace=ws, actor=request.user, reason=reason, request=request
            ),
            done_message="Archived {count} workspace(s).",
            warning="Archiving cannot be undone from the console.",
        )

    @admin.action(description="Make platform snapshots of selected workspaces…")
    def snapshot_selected(self, request, queryset):
        """A platform snapshot is offered to every agency and the platform's own
        provisioning; the note says what it is for."""
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="snapshot_selected",
            title="Make platform snapshots",
            question="Copy the pages and template content of these workspaces into new "
            "platform snapshots? Users, customers, submissions and logs are never copied.",
            button="Make snapshots",
            apply=lambda ws, note: snapshot_create(
                workspace=ws,
                name=f"{ws.name} template",
                description=note,
                actor=request.user,
            ),
            done_message="Made {count} snapshot(s).",
            reason_required=False,
        )


# --- agencies --------------------------------------------------------------------------------


class AgencyHostInline(ReadOnlyInline):
    model = AgencyHost
    fields = ["host", "is_verified", "status", "failure_reason", "verified_at", "last_checked_at"]
    verbose_name_plural = "Dashboard hosts"


class AgencyMembershipInline(ReadOnlyInline):
    model = AgencyMembership
    fields = ["identity", "role", "created_at"]
    readonly_fields = fields
    verbose_name_plural = "Staff"


class AgencyPriceInline(ReadOnlyInline):
    model = AgencyPrice
    fields = ["plan_code", "feature_price_monthly_minor", "base_price_monthly_minor", "currency"]
    verbose_name_plural = "Price list (minor units per month)"


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    """Read-only like workspaces: agencies are made by `manage.py agency_create` (or
    tenants.agency_services.agency_create), staff, hosts and prices change on the agency's
    own dashboard, and suspension through the audited actions below."""

    console_audited = True
    list_display = ["name", "slug", "status", "dashboard_host", "clients", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug", "hosts__host"]
    readonly_fields = ["name", "slug", "status", "stripe_customer_id", "created_at", "branding"]
    fields = readonly_fields
    inlines = [AgencyMembershipInline, AgencyHostInline, AgencyPriceInline]
    actions = ["suspend_selected", "unsuspend_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(client_count=Count("workspaces"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_lifecycle_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    @admin.display(description="Dashboard host")
    def dashboard_host(self, obj: Agency) -> str:
        return agency_primary_host(agency=obj) or "—"

    @admin.display(description="Clients", ordering="client_count")
    def clients(self, obj: Agency) -> int:
        return obj.client_count

    @admin.action(description="Suspend selected agencies…", permissions=["lifecycle"])
    def suspend_selected(self, request, queryset):
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="suspend_selected",
            title="Suspend agencies",
            question="Suspend these agencies? Their dashboard hosts answer a “temporarily "
            "unavailable” page until they are reactivated; their clients' sites keep working.",
            button="Suspend",
            apply=lambda agency, reason: agency_status_set(
                agency=agency,
                status=Agency.Status.SUSPENDED,
                actor=request.user,
                reason=reason,
                request=request,
            ),
            done_message="Suspended {count} agency(ies).",
        )

    @admin.action(description="Reactivate selected agencies…", permissions=["lifecycle"])
    def unsuspend_selected(self, request, queryset):
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="unsuspend_selected",
            title="Reactivate agencies",
            question="Make these agencies' dashboards available again?",
            button="Reactivate",
            apply=lambda agency, reason: agency_status_set(
                agency=agency,
                status=Agency.Status.ACTIVE,
                actor=request.user,
                reason=reason,
                request=request,
            ),
            done_message="Reactivated {count} agency(ies).",
        )
