from tenants.management.commands._workspace_command import WorkspaceCommand
from tenants.services import workspace_archive


class Command(WorkspaceCommand):
    help = "Archive a workspace: its hosts stop routing; its schema and data are kept."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--reason", default="", help="Kept in the audit trail.")

    def act(self, workspace, reason="", **options):
        workspace_archive(workspace=workspace, reason=reason)
        return f"{workspace.slug} is archived."
