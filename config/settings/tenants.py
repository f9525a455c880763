"""Which apps live in which plane, and django-tenants' settings.

Where an app sits in the tree says which plane its tables live in:
`shared_apps/*` in the public schema, `tenant_apps/*` (and `cms`) in every workspace
schema. `accounts` is the one app installed in both (identities in public,
tenant-local users in each workspace); see ARCHITECTURE.md, "Identity".
"""

from pathlib import Path

from config.settings.env import env_bool, env_int

_ROOT = Path(__file__).resolve().parent.parent.parent


def _apps_in(folder: str) -> list[str]:
    return sorted(
        f"{folder}.{path.parent.name}"
        for path in (_ROOT / folder).glob("*/apps.py")
        if not path.parent.name.startswith("_")
    )


# Installed in both planes: auth and sessions are per schema, so a session cookie from
# one host is meaningless on another, and tenant-local users have their own table.
BOTH_PLANES_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "shared_apps.accounts",
]

SHARED_APPS = [
    "django_tenants",
    "tenants",
    *BOTH_PLANES_APPS,
    *[app for app in _apps_in("shared_apps") if app not in BOTH_PLANES_APPS],
    "django.contrib.staticfiles",
    "ninja",
    # Social sign-in of platform identities (config/settings/allauth.py). Public schema
    # only: workspace schemas have no allauth tables, and nothing on a workspace host
    # reads them (allauth's authentication backend is not installed; deleting a
    # tenant-local user skips these relations, tenants.deletion).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.apple",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.google",
]

TENANT_APPS = [
    *BOTH_PLANES_APPS,
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    # /sitemap.xml of each workspace host; django.contrib.sitemaps brings its template.
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "cms",
    *_apps_in("tenant_apps"),
]

INSTALLED_APPS = list(dict.fromkeys(SHARED_APPS + TENANT_APPS))

TENANT_MODEL = "tenants.Workspace"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"

# New workspaces are cloned from this schema, which `migrate_platform` keeps current,
# instead of running every migration for each new workspace (seconds → well under one).
TENANT_BASE_SCHEMA = "workspace_template"
TENANT_CREATION_FAKES_MIGRATIONS = True

# migrate_platform runs workspace migrations with this many worker processes.
TENANT_MULTIPROCESSING_MAX_PROCESSES = env_int("MIGRATION_PROCESSES", 2)
TENANT_MULTIPROCESSING_CHUNKS = 2

# Issue `SET search_path` once per schema switch instead of before every query (it
# doubled the round trips of a page view). django-tenants forgets the cached path on
# rollback and reconnect. Safe with a direct connection or PgBouncer in *session* mode;
# transaction mode is not supported at all, with or without this (deploy/README.md).
TENANT_LIMIT_SET_CALLS = env_bool("TENANT_LIMIT_SET_CALLS", True)
