"""Stripe Billing (shared_apps.billing.stripe_billing, webhooks, stripe_tasks).

The secret key and the webhook signing secret come from here (the environment) or, when
empty, from the platform's secret vault (`stripe_secret_key`, `stripe_webhook_secret`);
settings win. They never live in code.
"""

from datetime import timedelta

from config.settings.celery import CELERY_BEAT_SCHEDULE
from config.settings.env import env_int, env_str

STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# Empty: Stripe's own API. Tests point the real SDK at a fake Stripe API on loopback.
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
# The SDK retries connection errors, 409s and 5xx itself, re-sending the same
# idempotency key, so a retry never makes a second object.
STRIPE_MAX_NETWORK_RETRIES = env_int("STRIPE_MAX_NETWORK_RETRIES", 2)

# Celery's autodiscovery only imports each app's `tasks.py`; the worker must also know
# the Stripe event task.
CELERY_IMPORTS = ("shared_apps.billing.stripe_tasks",)
# A webhook event whose task was never sent (the broker was down when the request
# committed) is queued again by this sweep.
STRIPE_EVENT_REQUEUE_AFTER = timedelta(minutes=10)
CELERY_BEAT_SCHEDULE["stripe-events-requeue"] = {
    "task": "shared_apps.billing.stripe_tasks.stripe_events_requeue",
    "schedule": timedelta(minutes=15),
}
