"""Liveness and readiness. Answered on every host, before tenant routing, because
orchestrators probe by pod address rather than by a workspace's host name."""

import time

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from kombu import Connection

from config.celery import app as celery_app


def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_postgres() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_redis() -> None:
    cache._cache.get_client(write=True).ping()


def _check_broker() -> None:
    with Connection(celery_app.conf.broker_url, connect_timeout=2) as broker:
        broker.ensure_connection(max_retries=1, timeout=2)


CHECKS = {"postgres": _check_postgres, "redis": _check_redis, "broker": _check_broker}


def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
            results[name] = {"ok": True}
        except Exception as exc:  # a readiness probe reports failures, it does not raise
            results[name] = {"ok": False, "error": exc.__class__.__name__}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 2)
    ready = all(result["ok"] for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )


HEALTH_VIEWS = {"/healthz": healthz, "/readyz": readyz}
