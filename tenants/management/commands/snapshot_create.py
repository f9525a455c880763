from django.core.management.base import BaseCommand, CommandError

from config.errors import ApplicationError
from shared_apps.accounts.selectors import user_get_by_email
from tenants.models import Agency, Workspace
from tenants.snapshots import snapshot_create


class Command(BaseCommand):
    help = (
        "Turn a workspace into a snapshot new workspaces can be provisioned from: its "
        "pages and other template content, without its users or customer data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, help="The source workspace's slug.")
        parser.add_argument("--name", required=True)
        parser.add_argument("--description", default="")
        parser.add_argument(
            "--agency",
            default=None,
            help="The agency's slug: an agency snapshot of one of its clients. Without "
            "it, a platform snapshot every agency can use.",
        )
        parser.add_argument(
            "--actor",
            default=None,
            help="Email of the identity acting (audited, and its permissions checked). "
            "Without it, the operator at the shell.",
        )

    def handle(self, *args, workspace, name, description, agency, actor, **options):
        source = Workspace.objects.filter(slug=workspace).first()
        if source is None:
            raise CommandError(f'No workspace with the slug "{workspace}".')
        owner_agency = None
        if agency is not None:
            owner_agency = Agency.objects.filter(slug=agency).first()
            if owner_agency is None:
                raise CommandError(f'No agency with the slug "{agency}".')
        identity = None
        if actor is not None:
            identity = user_get_by_email(email=actor)
            if identity is None:
                raise CommandError(f"No identity with the email {actor}.")
        try:
            snapshot = snapshot_create(
                workspace=source,
                name=name,
                description=description,
                agency=owner_agency,
                actor=identity,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        kept = ", ".join(f"{table} {rows}" for table, rows in snapshot.contents.items() if rows)
        self.stdout.write(
            self.style.SUCCESS(f"Snapshot {snapshot.name} ({snapshot.pk}) is ready. Kept: {kept}.")
        )
