from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_exists

from tenants.models import Snapshot, Workspace
from tenants.snapshots import snapshot_mark_failed

# Marks a snapshot that this command took out of use, so a later run that migrates it
# successfully puts it back (a snapshot that failed to *build* stays failed).
MIGRATION_FAILED = "Migration failed: "


class Command(BaseCommand):
    help = (
        "Migrate everything in order: the public schema, the workspace template schema "
        "(what new workspaces are cloned from), every snapshot schema (what agencies' clients "
        "are cloned from) and every workspace schema."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--executor",
            choices=["standard", "multiprocessing"],
            default=None,
            help="How workspace schemas are migrated; multiprocessing is chosen "
            "automatically past 20 workspaces.",
        )
        parser.add_argument("--skip-workspaces", action="store_true")

    def handle(self, *args, executor=None, skip_workspaces=False, verbosity=1, **options):
        template = settings.TENANT_BASE_SCHEMA
        quiet = max(verbosity - 1, 0)
        self.stdout.write("Migrating the public schema…")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=quiet)

        self.stdout.write(f"Migrating the template schema {template}…")
        if not schema_exists(template):
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{template}"')
        call_command(
            "migrate_schemas", tenant=True, schema_name=template, interactive=False, verbosity=quiet
        )
        # Snapshots are templates too: a workspace cloned from one gets its migration
        # state, so they are migrated right after the template (even with
        # --skip-workspaces).
        self.migrate_snapshots(verbosity=quiet)

        if skip_workspaces:
            return
        count = Workspace.objects.exclude(schema_name=get_public_schema_name()).count()
        if not count:
            self.stdout.write("No workspaces to migrate.")
            return
        executor = executor or ("multiprocessing" if count > 20 else "standard")
        self.stdout.write(f"Migrating {count} workspace schema(s) with the {executor} executor…")
        call_command(
            "migrate_schemas", tenant=True, executor=executor, interactive=False, verbosity=quiet
        )
        self.stdout.write(self.style.SUCCESS("All schemas are up to date."))

    def migrate_snapshots(self, *, verbosity: int) -> None:
        snapshots = Snapshot.objects.exclude(status=Snapshot.Status.BUILDING).order_by("created_at")
        for snapshot in snapshots:
            if not schema_exists(snapshot.schema_name):
                continue  # failed before its schema was made: nothing to migrate
            if snapshot.status == Snapshot.Status.FAILED and not snapshot.failure_reason.startswith(
                MIGRATION_FAILED
            ):
                continue
            self.stdout.write(f"Migrating snapshot {snapshot.name} ({snapshot.schema_name})…")
            try:
                call_command(
                    "migrate_schemas",
                    tenant=True,
                    schema_name=snapshot.schema_name,
                    interactive=False,
                    verbosity=verbosity,
                )
            except Exception as exc:  # one broken snapshot must not stop the others
                connection.set_schema_to_public()
                snapshot_mark_failed(snapshot=snapshot, reason=f"{MIGRATION_FAILED}{exc}")
                self.stderr.write(
                    self.style.ERROR(
                        f"Snapshot {snapshot.name} could not be migrated and is now failed: {exc}"
                    )
                )
                continue
            connection.set_schema_to_public()
            if snapshot.status == Snapshot.Status.FAILED:
                snapshot.status, snapshot.failure_reason = Snapshot.Status.READY, ""
                snapshot.save(update_fields=["status", "failure_reason"])
