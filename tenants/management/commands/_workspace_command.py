from abc import ABC, abstractmethod

from django.core.management.base import BaseCommand, CommandError

from config.errors import ApplicationError
from tenants.models import Workspace


class WorkspaceCommand(BaseCommand, ABC):
    """Base for the lifecycle commands: finds the workspace by slug, reports errors."""

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The workspace's slug.")

    def workspace(self, slug: str) -> Workspace:
        try:
            return Workspace.objects.get(slug=slug)
        except Workspace.DoesNotExist as exc:
            raise CommandError(f'No workspace with the slug "{slug}".') from exc

    def handle(self, *args, slug, **options):
        workspace = self.workspace(slug)
        try:
            message = self.act(workspace, **options)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(message))

    @abstractmethod
    def act(self, workspace: Workspace, **options) -> str:
        """Do the change; return the sentence to print."""
