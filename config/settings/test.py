"""The test suite: real PostgreSQL and Redis, fast hashing, mail kept in memory."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.env import env_str

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-use-0123456789"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PUBLIC_URL_SCHEME = "http"
PUBLIC_URL_PORT = 0
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Each test run gets its own key space so parallel runs and a developer's `make run`
# on the same Redis never read each other's entries.
CACHES["default"]["KEY_PREFIX"] = env_str("CACHE_KEY_PREFIX", f"test-{os.getpid()}")  # noqa: F405
CACHES["renditions"]["KEY_PREFIX"] = CACHES["default"]["KEY_PREFIX"]  # noqa: F405
MEDIA_ROOT = BASE_DIR / ".local" / "test-media"  # noqa: F405
# A queue of this run's own, so a `make run` worker on the same Redis never takes a
# test's task (and the test suite's worker never takes a developer's).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", f"test-{os.getpid()}")
# No test can reach real DNS: lookups answer from memory unless a test says otherwise.
DNS_RESOLVER = "tenants.dns.MemoryResolver"
# A fixed vault key (never used anywhere else); the vault tests add a second one to
# exercise rotation.
VAULT_KEYS = ["dGVzdC12YXVsdC1rZXktbm90LWZvci1wcm9kdWN0aSE="]
