"""Settings of bench/bio_page.py's server: the test settings, production's middleware
stack, and a URL conf with a bare "hello" view next to every workspace URL. The leading
underscore keeps `make bench` from running this module on its own.

The cache key prefix and the Celery queue come from the environment (CACHE_KEY_PREFIX,
CELERY_QUEUE, read by config.settings.test): the bench sets them for itself and for the
gunicorn workers alike, so the page it warms is the page the workers read (the test
settings' default prefix carries the process id, which differs in every worker) and the
page views the workers queue land on a queue of the bench's own that it deletes.
"""

import warnings

from config.settings.test import *  # noqa: F403

# WhiteNoise warns when collectstatic has not been run; the bench serves no static file.
warnings.filterwarnings("ignore", message="No directory at")

# What config.settings.production serves with: WhiteNoise right after SecurityMiddleware.
# (Production itself is not importable here: it wants a secret key, https redirects and
# hashed static files from collectstatic.)
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1  # noqa: F405
MIDDLEWARE = [
    *MIDDLEWARE[:_security],  # noqa: F405
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_security:],  # noqa: F405
]

# tenants.routing sets request.urlconf to ROOT_URLCONF on every workspace host.
ROOT_URLCONF = "bench._bio_urls"
