"""Test set-up shared by every plane.

The test database is migrated once (public schema, then the workspace template schema),
and two workspaces are provisioned once per session by cloning the template, the same
way production does. Tests run inside a transaction that is rolled back; the session
workspaces' schemas are committed and shared.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from tests.factories import IDENTITY_PASSWORD, IdentityFactory


@dataclass
class SessionWorld:
    owner_email: str
    alpha_slug: str
    beta_slug: str


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from tenants.services import workspace_provision

    with django_db_blocker.unblock():
        call_command("migrate_platform", skip_workspaces=True, verbosity=0)
        owner = IdentityFactory(email="owner@session.test", first_name="Olive")
        workspace_provision(name="Alpha Co", slug="alpha", owner=owner)
        workspace_provision(name="Beta Co", slug="beta", owner=owner)
    yield


@pytest.fixture(autouse=True)
def _fresh_cache_and_schema():
    """Every test starts in the public schema with an empty key space of its own."""
    connection.set_schema_to_public()
    _clear_test_cache()
    yield
    connection.set_schema_to_public()
    _clear_test_cache()


def _clear_test_cache():
    # Never FLUSHDB: REDIS_URL may point at a server that others use too.
    client = cache._cache.get_client(write=True)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(match=f"*:{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def alpha(db):
    from tenants.models import Workspace

    return Workspace.objects.get(slug="alpha")


@pytest.fixture
def beta(db):
    from tenants.models import Workspace

    return Workspace.objects.get(slug="beta")


@pytest.fixture
def owner(db):
    from shared_apps.accounts.models import User

    with schema_context("public"):
        return User.objects.get(email="owner@session.test")


@pytest.fixture
def identity(db):
    """A fresh platform identity (public schema) with a known password."""
    with schema_context("public"):
        return IdentityFactory()


@pytest.fixture
def password():
    return IDENTITY_PASSWORD


@pytest.fixture
def platform_host():
    return settings.PLATFORM_DOMAIN


@pytest.fixture
def staff_client(client, alpha, owner):
    """A client signed in to workspace alpha as its owner's tenant-local mirror."""
    from shared_apps.accounts.models import User

    with tenant_context(alpha):
        mirror = User.objects.get(identity_id=owner.uuid)
        client.force_login(mirror)
    return client


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db.get("HOST") or db.get("OPTIONS", {}).get("host") or "localhost", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}@{host}{port}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup):
    """A real worker process on this run's own queue, against the test database."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    env = os.environ | {
        "DATABASE_URL": _test_database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_QUEUE": queue,
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--queues", queue, "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
    )  # fmt: skip
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
