from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import tenant_context

from cms.services import demo_pages_create, home_page_content_set
from shared_apps.accounts.models import User
from shared_apps.accounts.selectors import user_get_by_email
from shared_apps.accounts.services import user_sign_up
from shared_apps.billing.models import Subscription, WorkspaceFeature
from shared_apps.billing.selectors import plan_free
from shared_apps.billing.services import workspace_plan_change
from tenant_apps.bio_sites.demo import DEMO_SLUG, demo_bio_site_create
from tenants.agency_selectors import agency_dashboard_url
from tenants.agency_services import agency_demo_create
from tenants.branding_services import agency_branding_update
from tenants.domains import domain_add
from tenants.models import Agency, Workspace
from tenants.selectors import absolute_url, platform_url, workspace_url
from tenants.services import workspace_provision
from tenants.teams import invitation_accept, invitation_create

DEMO_PASSWORD = "demo-pass-2026"
# One look per demo bio page: the workspace's own brand first, then built-in themes.
DEMO_BIO_THEMES = ("brand", "sunset", "forest", "glass")
PLATFORM_OWNER = "owner@mewayz.test"
WORKSPACE_OWNER = "alex@acme.test"
CUSTOMER = "sam@customer.test"
EDITOR = "casey@acme.test"
AGENCY_OWNER = "nora@northwind.test"
AGENCY_BRANDING = {
    "primary_color": "#0f766e",
    "secondary_color": "#f97316",
    "tagline": "Websites and funnels for local businesses.",
    "footer_text": "Northwind Digital · Built for local businesses.",
}

DEMO_WORKSPACES = [
    {
        "name": "Acme Studio",
        "slug": "acme",
        "description": "A design studio selling courses and templates.",
        "branding": {
            "primary_color": "#e11d48",
            "accent_color": "#f59e0b",
            "tagline": "Design that sells.",
        },
        "extra_host": "acme-studio.localhost",
        "editor": EDITOR,
        # On the Free plan (up to 10 features); with api_access its API is open.
        "features": [
            "bio_sites",
            "pages",
            "custom_domain",
            "courses",
            "community",
            "crm",
            "email_marketing",
            "analytics",
            "api_access",
            "team_seats",
        ],
        "intro": "Design courses, templates and coaching from the Acme team.",
        "body": (
            "<h2>Learn to design</h2>"
            "<p>Start with our free mini-course, then join the community.</p>"
        ),
    },
    {
        "name": "Bloom Bakery",
        "slug": "bloom",
        "description": "A neighbourhood bakery with an online shop.",
        "branding": {
            "primary_color": "#16a34a",
            "accent_color": "#a16207",
            "tagline": "Baked every morning.",
        },
        "extra_host": None,
        "editor": None,
        # No api_access: its /api/v1/billing/features answers 403 feature_disabled.
        "features": ["bio_sites", "pages", "custom_domain", "store", "analytics"],
        "intro": "Sourdough, pastries and cakes, baked every morning.",
        "body": "<h2>Order for pickup</h2><p>Pre-order by 8pm for next-day pickup.</p>",
    },
]


class Command(BaseCommand):
    help = (
        "Seed a demo platform: a platform owner, two workspaces with pages, and an agency "
        "with two white-labelled clients. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", default=None, help="Only used to print the URLs.")

    def handle(self, *args, port=None, **options):
        with transaction.atomic():
            platform_owner = self._identity(PLATFORM_OWNER, "Pat", "Platform", superuser=True)
            workspace_owner = self._identity(WORKSPACE_OWNER, "Alex", "Acme")
            workspaces = [self._workspace(spec, workspace_owner) for spec in DEMO_WORKSPACES]
            for spec, workspace in zip(DEMO_WORKSPACES, workspaces, strict=True):
                self._features(spec, workspace, workspace_owner)
            agency = self._agency(platform_owner)
            sites = [*workspaces, *agency.workspaces.all()]
            for workspace, theme in zip(sites, DEMO_BIO_THEMES * len(sites), strict=False):
                # Crosses schemas: each site's sample pages live in its own schema.
                with tenant_context(workspace):
                    demo_pages_create()
                    demo_bio_site_create(name=workspace.name, theme=theme)
        self._print_summary(platform_owner, workspace_owner, workspaces, agency)

    def _identity(self, email, first_name, last_name, superuser=False) -> User:
        identity = user_get_by_email(email=email)
        if identity is None:
            identity = user_sign_up(
                email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name
            )
            if superuser:
                identity.is_staff = identity.is_superuser = True
                identity.save(update_fields=["is_staff", "is_superuser"])
        return identity

    def _workspace(self, spec, owner) -> Workspace:
        existing = Workspace.objects.filter(slug=spec["slug"]).first()
        if existing:
            return existing
        workspace = workspace_provision(
            name=spec["name"],
            slug=spec["slug"],
            description=spec["description"],
            branding=spec["branding"],
            owner=owner,
        )
        if spec["extra_host"]:
            domain_add(workspace=workspace, host=spec["extra_host"], verified=True)
        if spec["editor"]:
            # Through the real invitation flow, so the demo team looks like a real one.
            editor = self._identity(spec["editor"], "Casey", "Editor")
            _, token = invitation_create(
                workspace=workspace, email=editor.email, role="editor", actor=owner
            )
            invitation_accept(token=token, identity=editor)
        # Crosses schemas: sample content and a customer live in the new workspace.
        with tenant_context(workspace):
            home_page_content_set(intro=spec["intro"], body_html=spec["body"])
            user_sign_up(email=CUSTOMER, password=DEMO_PASSWORD, first_name="Sam")
        return workspace

    def _agency(self, platform_owner) -> Agency:
        """A reseller with its own dashboard host, price list and two white-labelled
        clients, in its own brand."""
        agency_owner = self._identity(AGENCY_OWNER, "Nora", "Northwind")
        agency = agency_demo_create(platform_owner=platform_owner, owner=agency_owner)
        agency_branding_update(agency=agency, actor=platform_owner, data=AGENCY_BRANDING)
        return agency

    def _features(self, spec, workspace, owner) -> None:
        """Features on the Free plan, so the demo shows the gate (once: an owner's later
        choices on the billing page are kept)."""
        if WorkspaceFeature.objects.filter(workspace=workspace).exists():
            return
        workspace_plan_change(
            workspace=workspace,
            plan=plan_free(),
            interval=Subscription.Interval.MONTH,
            feature_keys=spec["features"],
            actor=owner,
        )

    def _print_summary(self, platform_owner, workspace_owner, workspaces, agency):
        line = self.stdout.write
        line("")
        line(self.style.SUCCESS(f"{settings.PLATFORM_NAME} demo is ready"))
        line(f"  Platform       {platform_url()}")
        line(f"  Platform admin {platform_url(path='/admin/')}")
        line(f"  Platform API   {platform_url(path='/api/platform/v1/docs')}")
        for workspace in workspaces:
            line(f"  {workspace.name:<14} {workspace_url(workspace=workspace)}")
            for domain in workspace.domains.filter(is_primary=False, is_verified=True):
                url = absolute_url(host=domain.domain)
                line(f"  {'':<14} {url} (custom host, redirects to the primary)")
            line(f"  {'':<14} {workspace_url(workspace=workspace, path='/api/v1/docs')}")
            bio_url = workspace_url(workspace=workspace, path=f"/b/{DEMO_SLUG}/")
            line(f"  {'':<14} {bio_url} (link-in-bio page)")
        agency_url = agency_dashboard_url(agency=agency)
        line(f"  {agency.name:<14} {agency_url} (an agency's own dashboard host)")
        for client in agency.workspaces.all():
            line(f"  {'':<14} {workspace_url(workspace=client)} (client, white label)")
        line("")
        line("  Sign in on the platform with")
        line(f"    {platform_owner.email} / {DEMO_PASSWORD}  (platform owner)")
        line(f"    {workspace_owner.email} / {DEMO_PASSWORD}  (owns both workspaces)")
        line(f"    {EDITOR} / {DEMO_PASSWORD}  (editor in Acme Studio)")
        line("  then press Open dashboard next to a workspace to hop to its own host.")
        line(f"  Sign in on the agency's host with {AGENCY_OWNER} / {DEMO_PASSWORD}")
        line(f"  Sign in on a workspace site as a customer with {CUSTOMER} / {DEMO_PASSWORD}")
        line("")
