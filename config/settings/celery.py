"""Celery: Redis broker; tasks run in the schema that enqueued them (tenant-schemas-celery)."""

from datetime import timedelta

from celery.schedules import crontab

from config.settings.cache import REDIS_URL
from config.settings.env import celery_broker_url as _broker
from config.settings.env import env_bool, env_str

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", _broker(REDIS_URL))
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", _broker(REDIS_URL))
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True  # tasks are idempotent, so a crash mid-task re-runs it
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {}

# Custom domains (tenants.domains): every interval, verified hosts are re-checked (a host
# whose DNS proof disappeared stops routing) and unverified hosts are tried again for
# CUSTOM_DOMAIN_RETRY_PERIOD after they were added or last proved.
CUSTOM_DOMAIN_RECHECK_INTERVAL = timedelta(hours=6)
CUSTOM_DOMAIN_RETRY_PERIOD = timedelta(days=7)
CELERY_BEAT_SCHEDULE["custom-domains-recheck"] = {
    "task": "tenants.tasks.custom_domains_recheck",
    "schedule": CUSTOM_DOMAIN_RECHECK_INTERVAL,
}
# Billing (shared_apps.billing.tasks): workspaces whose grace period has ended (a failed
# payment, a plan narrowed under them) get their surplus features put into read-only mode.
CELERY_BEAT_SCHEDULE["billing-enforce-grace"] = {
    "task": "shared_apps.billing.tasks.subscriptions_enforce_grace",
    "schedule": timedelta(hours=1),
}
# Agencies' dashboard hosts (tenants.agency_services) are re-checked like custom domains.
CELERY_BEAT_SCHEDULE["agency-hosts-recheck"] = {
    "task": "tenants.tasks.agency_hosts_recheck",
    "schedule": CUSTOM_DOMAIN_RECHECK_INTERVAL,
}
# The platform bills every active agency for the month that just ended, early on the 1st
# (shared_apps.billing.agency_billing; idempotent per agency and month).
CELERY_BEAT_SCHEDULE["billing-agency-invoices"] = {
    "task": "shared_apps.billing.tasks.agency_invoices_issue",
    "schedule": crontab(minute=30, hour=2, day_of_month=1),
}
# Analytics (tenant_apps.analytics): events deferred by pages served from the cache are
# written every few seconds, so dashboards lag visits by about this much.
ANALYTICS_DEFERRED_INTERVAL = timedelta(seconds=10)
CELERY_BEAT_SCHEDULE["analytics-deferred-record"] = {
    "task": "tenant_apps.analytics.tasks.analytics_deferred_dispatch",
    "schedule": ANALYTICS_DEFERRED_INTERVAL,
}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
