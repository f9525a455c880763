import uuid

from django.core.management.base import BaseCommand, CommandError

from config.errors import ApplicationError
from tenants.models import Snapshot
from tenants.snapshots import snapshot_delete


class Command(BaseCommand):
    help = "Delete a snapshot: DROP its schema and delete its files. Workspaces made from it stay."

    def add_arguments(self, parser):
        parser.add_argument("snapshot_id", help="The snapshot's id (see the platform console).")
        parser.add_argument("--noinput", action="store_false", dest="interactive")

    def handle(self, *args, snapshot_id, interactive=True, **options):
        try:
            snapshot = Snapshot.objects.filter(pk=uuid.UUID(snapshot_id)).first()
        except ValueError:
            snapshot = None
        if snapshot is None:
            raise CommandError(f"No snapshot with the id {snapshot_id}.")
        if interactive:
            question = (
                f'Drop snapshot "{snapshot.name}" and its schema {snapshot.schema_name}? [y/N] '
            )
            if input(question).strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing deleted.")
        try:
            snapshot_delete(snapshot=snapshot, actor=None)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(f"Snapshot {snapshot.name} is deleted and its schema dropped.")
        )
