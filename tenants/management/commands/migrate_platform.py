from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_exists

from tenants.models import Workspace


class Command(BaseCommand):
    help = (
        "Migrate everything in order: the public schema, the workspace template schema "
        "(what new workspaces are cloned from) and every workspace schema."
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
