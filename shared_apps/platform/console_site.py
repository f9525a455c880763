"""The platform owner's console: Django admin, for platform owners only.

`console_site` is an AdminSite that lets in active superusers (platform owners) and
nobody else: staff who are not superusers get a 403 page, not the admin. It is mounted
by config/urls_public.py only, so workspace hosts never route to it (404 there), and
the two-factor middleware (shared_apps.mfa.middleware) already sends a platform owner
without an authenticator to set one up, and the admin's own sign-in form to the
platform's (throttled, with the code step).

Apps keep registering their ModelAdmins the usual way (`@admin.register`, which
targets `django.contrib.admin.site`); the console adopts every registration when its
URLs are built, bound to itself, so its permission check covers every page. It leaves
out models whose tables live only in workspace schemas (the console runs in public)
and allauth's provider credentials and tokens (they come from the environment, and
the console shows no secret).

Every add, change and delete made through a console form is audited: ModelAdmins
whose writes go through services that audit say so with `console_audited = True`;
for the others the console records `console.object_added|changed|deleted`.
"""

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

CONSOLE_TITLE = "Platform console"

# Never in the console: provider credentials (client secrets) and people's OAuth
# tokens. Social sign-in is configured from the environment (config/settings/allauth.py).
EXCLUDED_MODELS = frozenset(["socialaccount.socialapp", "socialaccount.socialtoken"])
# Registered by other apps with ModelAdmins that audit through their services.
AUDITED_ELSEWHERE = frozenset(["mfa.totpdevice"])
# Deleting these walks relations into workspace-only tables (Wagtail's group
# permissions), which do not exist in the public schema: the admin would crash.
UNDELETABLE = frozenset(["auth.group"])


class ConsoleAuditMixin:
    """Audit rows for what the stock admin views save (the admin's own LogEntry has no
    address and is not the platform's audit trail)."""

    console_audited = False  # True: this ModelAdmin's services write the audit rows

    def _console_audit(self, request, obj, verb: str, message) -> None:
        if self.console_audited:
            return
        from shared_apps.platform.services import audit_record

        audit_record(
            action=f"console.object_{verb}",
            actor=request.user,
            target=obj,
            data={"object": str(obj)[:200], "change": message},
            request=request,
        )

    def log_addition(self, request, obj, message):
        self._console_audit(request, obj, "added", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._console_audit(request, obj, "changed", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._console_audit(request, obj, "deleted", "")
        return super().log_deletions(request, queryset)

    def has_delete_permission(self, request, obj=None):
        if self.model._meta.label_lower in UNDELETABLE:
            return False
        return super().has_delete_permission(request, obj)


def _in_public_schema(model) -> bool:
    return model._meta.app_config.name in settings.SHARED_APPS


class ConsoleAdminSite(admin.AdminSite):
    site_header = CONSOLE_TITLE
    site_title = CONSOLE_TITLE
    index_title = "Platform owner's console"
    index_template = "admin/console/index.html"

    def has_permission(self, request) -> bool:
        user = request.user
        return (
            # Defence in depth: the console is only ever mounted on platform hosts.
            getattr(request, "workspace", None) is None and user.is_active and user.is_superuser
        )

    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable=cacheable)

        @wraps(wrapped)
        def inner(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                # Signed in but not a platform owner: say so. Sending them to sign in
                # again would loop (the sign-in page sends signed-in people back).
                response = render(request, "mfa/admin_not_allowed.html", status=403)
                add_never_cache_headers(response)
                return response
            return wrapped(request, *args, **kwargs)

        return inner

    def index(self, request, extra_context=None):
        from shared_apps.platform.selectors import console_overview

        extra_context = {**(extra_context or {}), "overview": console_overview()}
        return super().index(request, extra_context=extra_context)

    def adopt(self, source: admin.AdminSite) -> None:
        """Register, on this site, every public-schema model registered on `source` (new
        instances of the same ModelAdmin classes, bound to this site and audited)."""
        for model, model_admin in source._registry.items():
            label = model._meta.label_lower
            if self.is_registered(model) or label in EXCLUDED_MODELS:
                continue
            if not _in_public_schema(model):
                continue
            admin_class = type(model_admin)
            if not issubclass(admin_class, ConsoleAuditMixin):
                admin_class = type(
                    admin_class.__name__,
                    (ConsoleAuditMixin, admin_class),
                    {
                        "console_audited": label in AUDITED_ELSEWHERE
                        or getattr(admin_class, "console_audited", False)
                    },
                )
            self.register(model, admin_class)

    def get_urls(self):
        self.adopt(admin.site)
        return super().get_urls()


console_site = ConsoleAdminSite(name="admin")


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows related rows in the console and changes none of them:
    their writes go through audited services."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
