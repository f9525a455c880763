"""Caches. Every alias carries the schema in its keys (django-tenants' key function), so
two workspaces can never read each other's cached pages, fragments or Wagtail's
site-root paths. `KEY_PREFIX` changes per deploy so a release never reads stale pickles.
"""

from config.settings.env import env_str

REDIS_URL = env_str("REDIS_URL", "redis://localhost:6379/0")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", env_str("RELEASE", "mewayz"))

CACHES = {
    "default": {
        "BACKEND": "config.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "TIMEOUT": 300,
    },
}

# Wagtail's image renditions use this alias when it exists. Rendition keys are built
# from image ids, which repeat in every workspace schema: the schema in the key (same
# key function) keeps one workspace from ever getting another's rendition. Renditions
# never change once made, hence the long timeout.
CACHES["renditions"] = {
    **CACHES["default"],
    "TIMEOUT": 60 * 60 * 24,
}
