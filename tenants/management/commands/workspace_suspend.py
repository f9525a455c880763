from tenants.management.commands._workspace_command import WorkspaceCommand
from tenants.services import workspace_suspend


class Command(WorkspaceCommand):
    help = "Suspend a workspace: its hosts answer a branded 'temporarily unavailable' page."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--reason", default="", help="Kept in the audit trail.")

    def act(self, workspace, reason="", **options):
        workspace_suspend(workspace=workspace, reason=reason)
        return f"{workspace.slug} is suspended."
