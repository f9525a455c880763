"""Settings shared by every environment. Topical modules are imported at the bottom."""

from pathlib import Path

import dj_database_url

from config.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY")  # production.py refuses to start without one
DEBUG = env_bool("DEBUG", False)

# The platform's own host (sign-up, platform dashboard, platform API). Workspaces get
# `<slug>.<PLATFORM_DOMAIN>`; custom hosts are added per workspace.
PLATFORM_DOMAIN = env_str("PLATFORM_DOMAIN", "localhost").lower()
PLATFORM_NAME = env_str("PLATFORM_NAME", "Mewayz")
# Scheme and port used when we build absolute links (emails, SSO redirects, the demo banner).
PUBLIC_URL_SCHEME = env_str("PUBLIC_URL_SCHEME", "https")
PUBLIC_URL_PORT = env_int("PUBLIC_URL_PORT", 0)

# Custom domains (tenants.domains): a workspace's host must CNAME to this name and hold
# its token in a TXT record `<DOMAIN_VERIFICATION_TXT_LABEL>.<host>`. Lookups go through
# DNS_RESOLVER (a dotted path; the tests swap in tenants.dns.MemoryResolver), each
# bounded by DNS_TIMEOUT_SECONDS because "check now" waits on them. DNS_NAMESERVERS
# (e.g. 1.1.1.1,8.8.8.8) bypasses the machine's resolver and its negative cache.
PLATFORM_CNAME_TARGET = env_str("PLATFORM_CNAME_TARGET", PLATFORM_DOMAIN).lower().rstrip(".")
# The label of the TXT proof, `<label>.<host>`: neutral, because a white-labelled
# workspace's admins read it (`_mewayz` records made before it existed still verify).
DOMAIN_VERIFICATION_TXT_LABEL = env_str("DOMAIN_VERIFICATION_TXT_LABEL", "_domain-verify")
# What a white-labelled workspace (not an agency's client: those CNAME to their agency's
# dashboard host) is told to CNAME to: a name of the operator's that does not give the
# platform away, e.g. `edge.example-cdn.net`, resolving like PLATFORM_CNAME_TARGET. Empty:
# the page names no target ("the target your provider gave you") and the check accepts
# PLATFORM_CNAME_TARGET and the workspace's default host, which is what support hands out.
WHITE_LABEL_CNAME_TARGET = env_str("WHITE_LABEL_CNAME_TARGET", "").lower().rstrip(".")
DNS_RESOLVER = "tenants.dns.DnsPythonResolver"
DNS_TIMEOUT_SECONDS = env_int("DNS_TIMEOUT_SECONDS", 3)
DNS_NAMESERVERS = env_list("DNS_NAMESERVERS", [])

# Host validation is done by the tenant routing middleware against the Domain table:
# an unknown host gets a plain 404 there. Django's own check would answer 400 with a
# DisallowedHost trace in the logs instead, which the routing layer makes redundant.
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS: list[str] = []  # built by config.settings.tenants from the folders

MIDDLEWARE = [
    "tenants.routing.WorkspaceRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Platform owners cannot use the platform until they have set up two-factor sign-in.
    "shared_apps.mfa.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Required by django-allauth (social sign-in on the platform host); on workspace
    # hosts it only sets a request context.
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.middleware.WorkspaceRedirectMiddleware",
]

ROOT_URLCONF = "config.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.workspace",
                "tenant_apps.dashboard.context_processors.modules",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASE_URL = env_str("DATABASE_URL", "postgresql://postgres@localhost:5432/mewayz")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        engine="django_tenants.postgresql_backend",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Distributed PostgreSQL (Citus) wants 64-bit or UUID keys everywhere.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 (memory-hard) for new and changed passwords. The PBKDF2 hashers stay so that
# older hashes still verify; Django re-hashes them with Argon2 at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# Sign-in protection (shared_apps.accounts.throttling): failed attempts counted in Redis
# over a sliding window, per account (normalised email) and per client address.
AUTH_THROTTLE_WINDOW_SECONDS = env_int("AUTH_THROTTLE_WINDOW_SECONDS", 15 * 60)
# Signups and messages one visitor may send through a workspace's bio pages per window.
BIO_SUBMISSION_THROTTLE_PER_VISITOR = env_int("BIO_SUBMISSION_THROTTLE_PER_VISITOR", 10)
BIO_SUBMISSION_THROTTLE_WINDOW_SECONDS = env_int("BIO_SUBMISSION_THROTTLE_WINDOW_SECONDS", 10 * 60)
SIGN_IN_THROTTLE_PER_ACCOUNT = env_int("SIGN_IN_THROTTLE_PER_ACCOUNT", 5)
SIGN_IN_THROTTLE_PER_ADDRESS = env_int("SIGN_IN_THROTTLE_PER_ADDRESS", 20)
PASSWORD_RESET_THROTTLE_PER_ADDRESS = env_int("PASSWORD_RESET_THROTTLE_PER_ADDRESS", 5)
# Two-factor sign-in (shared_apps.mfa): wrong codes allowed per identity and window,
# how long the code step waits after a correct password, and the name authenticator
# apps show beside the account.
TWO_FACTOR_THROTTLE_PER_ACCOUNT = env_int("TWO_FACTOR_THROTTLE_PER_ACCOUNT", 5)
TWO_FACTOR_PENDING_SECONDS = env_int("TWO_FACTOR_PENDING_SECONDS", 5 * 60)
TWO_FACTOR_ISSUER = env_str("TWO_FACTOR_ISSUER", PLATFORM_NAME)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/"

# Cookies are per host on purpose: a workspace on acme.com must never receive the
# platform's session. Crossing hosts is the SSO hop's job, never a parent-domain cookie.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Every stored path starts with the schema name (django-tenants' storage), so one
# workspace can never address another's files by guessing a path.
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"  # both the folder and the URL carry the schema
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Mail goes through Django's mail API only; console by default, SMTP by settings.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{PLATFORM_NAME} <no-reply@{PLATFORM_DOMAIN}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

ADMINS = [("Ops", a) for a in env_list("ADMIN_EMAILS", [])]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For (0: trust none, use
# REMOTE_ADDR). Used for audit trails and sign-in throttling.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# The request.META key of the visitor's country as the proxy/CDN sets it (Cloudflare's).
ANALYTICS_COUNTRY_HEADER = env_str("ANALYTICS_COUNTRY_HEADER", "HTTP_CF_IPCOUNTRY")
# Without the header, a local GeoLite2 Country database (the file, or its folder) when one
# is installed together with the `geoip2` package (tenant_apps.analytics.services).
GEOIP_PATH = env_str("GEOIP_PATH", "") or None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant_context": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "tenant_context": {
            "format": "%(asctime)s %(levelname)s [%(schema_name)s:%(domain_url)s] "
            "%(name)s: %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["tenant_context"],
            "formatter": "tenant_context",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

from config.settings.allauth import *  # noqa: E402, F403
from config.settings.cache import *  # noqa: E402, F403
from config.settings.celery import *  # noqa: E402, F403
from config.settings.stripe import *  # noqa: E402, F403
from config.settings.tenants import *  # noqa: E402, F403
from config.settings.wagtail import *  # noqa: E402, F403

# Every host that serves the platform itself (sign-up, platform dashboard and API).
PLATFORM_HOSTS = list(dict.fromkeys([PLATFORM_DOMAIN, *env_list("PLATFORM_EXTRA_HOSTS", [])]))
# Seconds a host→workspace answer stays cached. Changes invalidate it at once; the
# timeout only bounds the life of an entry nobody changes.
ROUTING_CACHE_SECONDS = env_int("ROUTING_CACHE_SECONDS", 3600)
ROUTING_NEGATIVE_CACHE_SECONDS = env_int("ROUTING_NEGATIVE_CACHE_SECONDS", 60)

WAGTAILADMIN_BASE_URL = WAGTAILADMIN_BASE_URL or (  # noqa: F405
    f"{PUBLIC_URL_SCHEME}://{PLATFORM_DOMAIN}" + (f":{PUBLIC_URL_PORT}" if PUBLIC_URL_PORT else "")
)

# Days an emailed team invitation stays valid (resending starts a new period).
INVITATION_TTL_DAYS = env_int("INVITATION_TTL_DAYS", 7)

# Billing: days paid features keep working after a failed payment (dunning) or after a
# plan change leaves a workspace over its limit, before the surplus goes read-only.
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 7)

# The secret vault (shared_apps.platform.vault): comma-separated Fernet keys. The first
# encrypts, every one decrypts, so a new key goes first and `manage.py vault_rotate`
# then moves every secret onto it. Empty: the vault refuses to store or read values.
VAULT_KEYS = env_list("VAULT_KEYS", [])
# Seconds a typed platform setting stays cached (every change invalidates it at once).
PLATFORM_SETTINGS_CACHE_SECONDS = env_int("PLATFORM_SETTINGS_CACHE_SECONDS", 300)
