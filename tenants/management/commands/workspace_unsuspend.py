from tenants.management.commands._workspace_command import WorkspaceCommand
from tenants.services import workspace_unsuspend


class Command(WorkspaceCommand):
    help = "Bring a suspended workspace back online."

    def act(self, workspace, **options):
        workspace_unsuspend(workspace=workspace)
        return f"{workspace.slug} is active again."
