from django.core.management.base import BaseCommand, CommandError

from config.errors import ApplicationError
from shared_apps.accounts.models import User
from shared_apps.accounts.selectors import user_get_by_email
from tenants.agency_selectors import agency_dashboard_url
from tenants.agency_services import agency_create, agency_host_add


class Command(BaseCommand):
    help = (
        "Create an agency owned by an existing identity, optionally with its dashboard "
        "host (trusted as verified: the operator vouches for its DNS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--owner", required=True, help="The owner identity's email.")
        parser.add_argument("--host", default="", help="Its dashboard host, e.g. app.agency.com.")

    def handle(self, *args, name, slug, owner, host, **options):
        identity = user_get_by_email(email=owner)
        if identity is None:
            raise CommandError(f"No identity with the email {owner}.")
        # Commands run as the platform's operator: the first active platform owner is the
        # audit trail's actor.
        operator = (
            User.objects.filter(is_superuser=True, is_active=True).order_by("date_joined").first()
        )
        if operator is None:
            raise CommandError("Create a platform owner first (manage.py createsuperuser).")
        try:
            agency = agency_create(name=name, slug=slug, actor=operator, owner=identity)
            if host:
                agency_host_add(agency=agency, host=host, actor=operator, verified=True)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        where = agency_dashboard_url(agency=agency) or "no dashboard host yet"
        self.stdout.write(self.style.SUCCESS(f"{name} is ready: {where}"))
