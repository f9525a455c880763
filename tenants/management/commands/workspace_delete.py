from django.core.management.base import CommandError

from tenants.management.commands._workspace_command import WorkspaceCommand
from tenants.services import workspace_delete


class Command(WorkspaceCommand):
    help = "Delete a workspace and DROP its schema. Asks for the slug as confirmation."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--confirm",
            default=None,
            help="The slug again, for scripts. Without it the command asks for it.",
        )
        parser.add_argument("--noinput", action="store_false", dest="interactive")

    def act(self, workspace, confirm=None, **options):
        if confirm is None:
            if not options.get("interactive", True):
                raise CommandError("Pass --confirm <slug> when not running interactively.")
            self.stdout.write(
                self.style.WARNING(
                    f"This drops the schema {workspace.schema_name} and every row in it."
                )
            )
            confirm = input(f'Type "{workspace.slug}" to delete it: ').strip()
        workspace_delete(workspace=workspace, confirm_slug=confirm)
        return f"{workspace.slug} is deleted and its schema dropped."
