"""Developer machines: `make run`."""

from config.settings.base import *  # noqa: F403
from config.settings.env import env_bool, env_int, env_list, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "insecure-local-development-key-never-use-in-production")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
PUBLIC_URL_SCHEME = env_str("PUBLIC_URL_SCHEME", "http")
PUBLIC_URL_PORT = env_int("PUBLIC_URL_PORT", 8000)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WAGTAILADMIN_BASE_URL = f"http://{PLATFORM_DOMAIN}:{PUBLIC_URL_PORT}"  # noqa: F405
# A development vault key, public in this file, so secrets stored locally are as good
# as plain text: production reads VAULT_KEYS from the environment and has no default.
VAULT_KEYS = env_list("VAULT_KEYS", ["bG9jYWwtZGV2ZWxvcG1lbnQtdmF1bHQta2V5LW5vdCE="])
