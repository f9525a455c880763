"""Wagtail, installed in every workspace schema."""

from django.utils.functional import lazy

from config.settings.env import env_str


def _workspace_site_name() -> str:
    # Imported when read, not when settings load (the app registry is not ready then).
    from cms.branding import admin_site_name

    return admin_site_name()


# Wagtail prints this in its admin (the dashboard's fallback title, the "type the site
# name to confirm" deletion dialog) and reads it at request time: lazily, it is the name
# of the workspace whose schema is active, so the admin never shows the platform's name.
WAGTAIL_SITE_NAME = lazy(_workspace_site_name, str)()

# Wagtail's admin builds absolute links from this when it has no request (mail sent by
# a task); with a request, each workspace's own host is used.
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no calls home from a self-hosted platform
# Wagtail's own background tasks (django-tasks) are not tenant-aware: keep them inline.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Staff arrive through the single-sign-on hop and customers sign in through the
# throttled sign-in page: Wagtail's own password login is never used.
WAGTAILADMIN_LOGIN_URL = "/accounts/sign-in/"
