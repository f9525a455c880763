from django.core.management.base import BaseCommand, CommandError

from config.errors import ApplicationError
from shared_apps.accounts.selectors import user_get_by_email
from tenants.domains import domain_add
from tenants.selectors import workspace_url
from tenants.services import workspace_provision


class Command(BaseCommand):
    help = "Provision a workspace for an existing identity by cloning the template schema."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--owner", required=True, help="The owner identity's email.")
        parser.add_argument("--description", default="")
        parser.add_argument(
            "--host",
            action="append",
            default=[],
            help="An extra host, added as verified (repeatable).",
        )

    def handle(self, *args, name, slug, owner, description, host, **options):
        identity = user_get_by_email(email=owner)
        if identity is None:
            raise CommandError(f"No identity with the email {owner}.")
        try:
            workspace = workspace_provision(
                name=name, slug=slug, owner=identity, description=description
            )
            for extra in host:
                domain_add(workspace=workspace, host=extra, verified=True)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(f"{name} is live at {workspace_url(workspace=workspace)}")
        )
