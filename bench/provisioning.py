"""Time to provision a workspace: cloning the template schema vs running migrations.

Both paths are measured in the same run, on the same database, with every app that
exists installed. Target: under 1 s per workspace by cloning on a 2-core machine.

    make bench            # or: python -m config.devstack bench
"""

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from shared_apps.accounts.models import User  # noqa: E402
from tenants.models import Workspace  # noqa: E402
from tenants.services import workspace_delete, workspace_provision  # noqa: E402

CLONES = int(os.environ.get("BENCH_CLONES", "7"))
MIGRATIONS = int(os.environ.get("BENCH_MIGRATIONS", "2"))
TARGET_SECONDS = 1.0


def by_cloning(owner, slug: str) -> float:
    started = time.perf_counter()
    workspace_provision(name=f"Bench {slug}", slug=slug, owner=owner)
    return time.perf_counter() - started


def by_migrating(schema_name: str) -> float:
    """What provisioning costs without a template: create the schema, run every migration."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    call_command(
        "migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0
    )
    return time.perf_counter() - started


def main() -> int:
    call_command("migrate_platform", skip_workspaces=True, verbosity=0)
    run = uuid.uuid4().hex[:6]
    owner = User.objects.create_user(email=f"bench-{run}@example.test", password=None)
    slugs = [f"bench-{run}-{i}" for i in range(CLONES)]
    schemas = [f"bench_migrated_{run}_{i}" for i in range(MIGRATIONS)]
    try:
        by_cloning(owner, f"bench-{run}-warmup")  # first call pays for imports and plpgsql
        slugs.append(f"bench-{run}-warmup")
        clone_times = [by_cloning(owner, slug) for slug in slugs[:CLONES]]
        migrate_times = [by_migrating(schema) for schema in schemas]
    finally:
        connection.set_schema_to_public()
        for workspace in Workspace.objects.filter(slug__in=slugs):
            workspace_delete(workspace=workspace, confirm_slug=workspace.slug)
        with connection.cursor() as cursor:
            for schema in schemas:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        owner.delete()

    clone = statistics.median(clone_times)
    migrate = statistics.median(migrate_times)
    print(f"provisioning by migrations (baseline): {migrate:6.3f} s  median of {MIGRATIONS}")
    print(
        f"provisioning by cloning:               {clone:6.3f} s  median of {CLONES}"
        f"  (min {min(clone_times):.3f}, max {max(clone_times):.3f})"
    )
    print(f"ratio migrations / cloning:            {migrate / clone:6.1f}x faster by cloning")
    verdict = "meets" if clone < TARGET_SECONDS else "MISSES"
    print(f"target < {TARGET_SECONDS:.1f} s per workspace by cloning: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
