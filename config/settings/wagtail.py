"""Wagtail, installed in every workspace schema."""

WAGTAIL_SITE_NAME = "Mewayz"
# Wagtail's admin builds absolute links from this; each workspace's real host wins
# at request time, this is only the fallback for links built outside a request.
WAGTAILADMIN_BASE_URL = "http://localhost:8000"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no calls home from a self-hosted platform
# Wagtail's own background tasks (django-tasks) are not tenant-aware: keep them inline.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
