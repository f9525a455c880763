"""Re-encrypt every secret in the vault with the first key of VAULT_KEYS.

Rotation: put a new key first in VAULT_KEYS (keep the old one after it), deploy, run
this, then remove the old key. Safe to run again: secrets already on the newest key
are simply re-encrypted with it.
"""

from django.core.management.base import BaseCommand, CommandError

from config.errors import ApplicationError
from shared_apps.accounts.models import User
from shared_apps.platform.vault import primary_key_id, vault_rotate


class Command(BaseCommand):
    help = "Re-encrypt every stored secret with the first key of VAULT_KEYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--actor",
            default="",
            help="Email of the platform owner running it (recorded in the audit log).",
        )

    def handle(self, *args, actor: str, **options):
        person = None
        if actor:
            person = User.objects.filter(email__iexact=actor, is_superuser=True).first()
            if person is None:
                raise CommandError(f"No platform owner with the email {actor!r}.")
        try:
            count = vault_rotate(actor=person)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted {count} secret(s) with key {primary_key_id()}.")
        )
