"""The white-label audit: everything a person can look at on a white-labelled workspace
(Enterprise with the `whitelabel` feature) and on an agency's client, and on the agency's
own dashboard host, must never show the platform: not its name, not its domain, not its
mark, in any byte of a page, a header, a cookie, a stylesheet or script the page loads,
a manifest, an error page or a mail.

Each site is reached on its own custom host, so the platform's domain (the parent of
every workspace's default host) must not appear at all. The platform has no logo file of
its own (its mark is generated from its name on its own hosts), so the logo check is that
every logo and icon a site serves is the site's own.
"""

import io
import re
from email.utils import parseaddr
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import mail
from django.db import connection
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django_tenants.utils import schema_context, tenant_context
from PIL import Image

from cms.models import FormPage, HomePage
from cms.services import demo_pages_create, site_hostname_set
from config.views import server_error
from shared_apps.accounts.models import User
from shared_apps.accounts.services import user_sign_up
from shared_apps.billing.models import Invoice
from shared_apps.platform.models import AuditEvent
from tenants.agency_services import agency_create, agency_host_add
from tenants.branding_services import workspace_branding_update
from tenants.domains import domain_add, domain_set_primary
from tenants.host_cache import forget_hosts
from tenants.mail import mail_send
from tenants.models import Agency, Workspace
from tenants.selectors import site_identity_for_workspace
from tenants.services import site_port, workspace_delete, workspace_provision
from tenants.teams import invitation_create
from tenants.white_label import workspace_is_white_label
from tests.factories import IdentityFactory
from tests.helpers import add_member, client_for_member
from tests.shared_apps.billing.support import ENTERPRISE, choose, stripe_confirms_payment

ENTERPRISE_HOST = "www.brandco-audit.test"
CLIENT_HOST = "portal.clientco-audit.test"
AGENCY_HOST = "app.agencyco-audit.test"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"


def forbidden_needles() -> dict[str, str]:
    """What must never appear, each with the reason it is forbidden."""
    needles = {}
    for needle, why in (
        (settings.PLATFORM_NAME, "the platform's name"),
        (settings.PLATFORM_DOMAIN, "the platform's domain"),
        (settings.PLATFORM_CNAME_TARGET, "the platform's CNAME target"),
        (parseaddr(settings.DEFAULT_FROM_EMAIL)[1], "the platform's mail sender"),
    ):
        if needle:
            needles.setdefault(needle.lower(), why)
    return needles


def assert_clean(where: str, data: bytes | str) -> None:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    lowered = text.lower()
    for needle, why in forbidden_needles().items():
        index = lowered.find(needle)
        assert index < 0, (
            f"{where} shows {why} ({needle!r}): …{text[max(index - 120, 0) : index + 120]}…"
        )


class Auditor:
    """Fetches through the real middleware and checks each response's status line,
    headers, cookies, body, and the static files an HTML body loads."""

    def __init__(self):
        self.seen_static: set[str] = set()
        self.checked: list[str] = []

    def check_response(self, where: str, response) -> None:
        assert_clean(f"{where} headers", "\n".join(f"{k}: {v}" for k, v in response.items()))
        for name, morsel in response.cookies.items():
            assert_clean(f"{where} cookie {name}", f"{name}={morsel.OutputString()}")
        body = _body(response)
        assert_clean(f"{where} body", body)
        if "html" in response.get("Content-Type", ""):
            self._check_static_assets(where, body.decode("utf-8", "replace"))
        self.checked.append(where)

    def get(self, client: Client, host: str, path: str, *, expect=(200,), **extra):
        response = client.get(path, HTTP_HOST=host, **extra)
        assert response.status_code in expect, (host, path, response.status_code)
        self.check_response(f"GET {host}{path}", response)
        return response

    def post(self, client: Client, host: str, path: str, data: dict, *, expect=(200,)):
        response = client.post(path, data, HTTP_HOST=host)
        assert response.status_code in expect, (host, path, response.status_code)
        self.check_response(f"POST {host}{path}", response)
        return response

    def _check_static_assets(self, where: str, html: str) -> None:
        for url in re.findall(r"""(?:href|src)=["'](/static/[^"'?#]+)""", html):
            assert_clean(f"{where} asset path", url)
            if url in self.seen_static:
                continue
            self.seen_static.add(url)
            found = finders.find(url.removeprefix(settings.STATIC_URL))
            assert found, f"{where} links a static file that does not exist: {url}"
            assert_clean(f"static file {url}", Path(found).read_bytes())


def _png(color: str) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), color).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "logo.png"
    return buffer


def _dress(workspace: Workspace, *, host: str, actor, primary: str) -> None:
    """A custom primary host, a logo, a brand, demo pages and a customer."""
    domain = domain_add(workspace=workspace, host=host, verified=True)
    domain_set_primary(domain=domain, actor=actor)
    workspace_branding_update(
        workspace=workspace,
        actor=actor,
        data={"primary_color": primary, "footer_text": f"{workspace.name}, made with care."},
        logo=_png(primary),
    )
    with tenant_context(workspace):
        # What the worker does after the commit that made the host primary.
        site_hostname_set(hostname=host, port=site_port())
        demo_pages_create()
        user_sign_up(email="customer@audit.test", password="customer-pass-2026", first_name="Cy")


@pytest.fixture(scope="module")
def audit_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), schema_context("public"):
        platform_owner = IdentityFactory(email="root@audit.test", is_superuser=True)
        owner = IdentityFactory(email="owner@audit.test", first_name="Wren")
        enterprise = workspace_provision(name="Brandco", slug="audit-brandco", owner=owner)
        choose(
            enterprise,
            *("whitelabel", "custom_domain", "pages", "bio_sites"),
            plan_code=ENTERPRISE,
            actor=owner,
        )
        stripe_confirms_payment(enterprise)
        _dress(enterprise, host=ENTERPRISE_HOST, actor=owner, primary="#0f766e")

        agency = agency_create(
            name="Agencyco", slug="audit-agencyco", actor=platform_owner, owner=owner
        )
        agency_host_add(agency=agency, host=AGENCY_HOST, actor=platform_owner, verified=True)
        client = workspace_provision(
            name="Clientco", slug="audit-clientco", owner=owner, agency=agency
        )
        _dress(client, host=CLIENT_HOST, actor=owner, primary="#7c3aed")
    yield {"enterprise": enterprise.pk, "client": client.pk, "agency": agency.pk}
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for workspace in (enterprise, client):
            workspace_delete(workspace=workspace, confirm_slug=workspace.slug)
            AuditEvent.objects.filter(workspace_id=workspace.pk).delete()
        Agency.objects.filter(pk=agency.pk).delete()
        User.objects.filter(email__in=["root@audit.test", "owner@audit.test"]).delete()


@pytest.fixture
def sites(db, audit_world):
    enterprise = Workspace.objects.get(pk=audit_world["enterprise"])
    client = Workspace.objects.select_related("agency").get(pk=audit_world["client"])
    forget_hosts([ENTERPRISE_HOST, CLIENT_HOST, AGENCY_HOST])
    assert workspace_is_white_label(workspace=enterprise)
    assert workspace_is_white_label(workspace=client)
    return {ENTERPRISE_HOST: enterprise, CLIENT_HOST: client}


@pytest.fixture
def owner(audit_world):
    with schema_context("public"):
        return User.objects.get(email="owner@audit.test")


def _pages(workspace) -> list:
    with tenant_context(workspace):
        return [page.specific for page in HomePage.objects.get().get_descendants(inclusive=True)]


def _relative(page) -> str:
    # url_path starts with the home page's own slug, which the site's root maps to "/".
    return "/" + page.url_path.split("/", 2)[2]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("host", [ENTERPRISE_HOST, CLIENT_HOST])
def test_public_pages_error_pages_and_brand_assets_never_show_the_platform(sites, host):
    workspace = sites[host]
    auditor = Auditor()
    visitor = Client()
    pages = _pages(workspace)
    assert {type(page).__name__ for page in pages} >= {
        "HomePage",
        "ContentPage",
        "LandingPage",
        "BlogIndexPage",
        "BlogPostPage",
        "FormPage",
        "LegalPage",
    }, "every page type is audited"
    for page in pages:
        auditor.get(visitor, host, _relative(page))
    for path in (
        "/search/?q=welcome",
        "/search/?q=nothing-matches-this",
        "/sitemap.xml",
        "/robots.txt",
        "/manifest.webmanifest",
        "/brand/icon.svg",
        "/theme.css",
        "/accounts/sign-in/",
        "/accounts/sign-up/",
        "/accounts/password-reset/",
        "/accounts/password-reset/done/",
        "/accounts/password-reset/MQ/not-a-token/",
    ):
        auditor.get(visitor, host, path, expect=(200, 302))
    auditor.get(visitor, host, "/favicon.ico", expect=(200, 301, 302))
    auditor.get(visitor, host, "/no-such-page/", expect=(404,))
    auditor.get(visitor, host, "/api/v1/no-such-endpoint", expect=(404,))

    # Bad input on the site's own forms: errors in the site's voice.
    form_page = next(page for page in pages if isinstance(page, FormPage))
    auditor.post(visitor, host, _relative(form_page), {"email": "not-an-email"})
    auditor.post(visitor, host, "/newsletter/", {"email": "nope"}, expect=(400,))

    # The logo the site serves is the one it uploaded, never a platform mark.
    logo = visitor.get("/brand/logo", HTTP_HOST=host)
    assert logo.status_code == 200
    assert Image.open(io.BytesIO(_body(logo))).size == (64, 64)


@pytest.mark.parametrize("host", [ENTERPRISE_HOST, CLIENT_HOST])
def test_customer_account_pages_never_show_the_platform(sites, host):
    workspace = sites[host]
    auditor = Auditor()
    customer = Client()
    with tenant_context(workspace):
        customer.force_login(User.objects.get(email="customer@audit.test"))
    auditor.get(customer, host, "/accounts/security/")
    auditor.get(customer, host, "/")


@pytest.mark.parametrize("host", [ENTERPRISE_HOST, CLIENT_HOST])
def test_dashboard_and_wagtail_admin_never_show_the_platform(sites, owner, host):
    workspace = sites[host]
    auditor = Auditor()
    staff = client_for_member(owner, workspace)
    for path in (
        "/dashboard/",
        "/dashboard/team/",
        "/dashboard/audit/",
        "/dashboard/domains/",
        "/dashboard/settings/branding/",
        "/dashboard/billing/",
        "/dashboard/no-such-page/",
        "/cms/",
        "/cms/pages/",
        "/cms/users/",
        "/cms/groups/",
        "/cms/images/",
        "/cms/documents/",
        "/cms/forms/",
        "/cms/snippets/",
        "/cms/reports/locked/",
        "/cms/sites/",
    ):
        auditor.get(staff, host, path, expect=(200, 302, 404))
    for page in _pages(workspace):
        auditor.get(staff, host, f"/cms/pages/{page.pk}/")
        auditor.get(staff, host, f"/cms/pages/{page.pk}/edit/")
    home = _pages(workspace)[0]
    auditor.get(staff, host, f"/cms/pages/add/cms/landingpage/{home.pk}/")

    # A viewer who opens an owner's page gets the site's 403, not the platform's.
    viewer = client_for_member(add_member(workspace, "viewer"), workspace)
    auditor.get(viewer, host, "/dashboard/settings/branding/", expect=(403,))
    auditor.get(viewer, host, "/cms/", expect=(302, 403))


@pytest.mark.parametrize("host", [ENTERPRISE_HOST, CLIENT_HOST])
def test_the_server_error_page_never_shows_the_platform(sites, host):
    workspace = sites[host]
    request = RequestFactory().get("/boom/", HTTP_HOST=host)
    request.workspace = request.tenant = workspace
    connection.set_tenant(workspace)
    response = server_error(request)
    assert response.status_code == 500
    Auditor().check_response(f"500 on {host}", response)
    assert workspace.name.encode() in response.content


def _email_templates() -> set[str]:
    """Every mail template in the project: a `<name>.html` beside a `<name>.txt` under
    an `email/` folder (the shared layout and its partials excluded)."""
    found = set()
    for html in TEMPLATES_DIR.rglob("email/*.html"):
        name = str(html.relative_to(TEMPLATES_DIR)).removesuffix(".html")
        if (TEMPLATES_DIR / f"{name}.txt").exists() and not name.startswith("email/"):
            found.add(name)
    return found


def _audit_outbox(where: str) -> set[str]:
    subjects = set()
    for message in mail.outbox:
        assert_clean(f"{where} mail From", message.from_email)
        assert_clean(f"{where} mail headers", str(message.message()))
        subjects.add(message.subject)
    return subjects


@pytest.mark.parametrize("host", [ENTERPRISE_HOST, CLIENT_HOST])
def test_every_mail_template_never_shows_the_platform(sites, owner, host, settings):
    workspace = sites[host]
    site = site_identity_for_workspace(workspace=workspace)
    assert site.white_label
    sent_templates = set()
    visitor = Client()

    # Password reset, through the real page on the workspace's host.
    mail.outbox.clear()
    visitor.post("/accounts/password-reset/", {"email": "customer@audit.test"}, HTTP_HOST=host)
    assert len(mail.outbox) == 1 and host in mail.outbox[0].body
    _audit_outbox(f"password reset on {host}")
    sent_templates.add("accounts/email/password_reset")

    # A team invitation.
    mail.outbox.clear()
    invitation_create(workspace=workspace, email="new.hire@audit.test", role="editor", actor=owner)
    assert len(mail.outbox) == 1
    _audit_outbox(f"invitation from {host}")
    sent_templates.add("tenants/email/invitation")

    # A form submission, through the real form page: mailed to the owners.
    mail.outbox.clear()
    form_page = next(page for page in _pages(workspace) if isinstance(page, FormPage))
    response = visitor.post(
        _relative(form_page),
        {"your_name": "Vi", "email": "vi@audit.test", "message": "Hello there"},
        HTTP_HOST=host,
    )
    assert response.status_code == 200 and mail.outbox, "the form page mails its owners"
    _audit_outbox(f"form submission on {host}")
    sent_templates.add("cms/email/form_submission")

    # A failed payment notice, rendered with an unsaved invoice (no Stripe round trip).
    mail.outbox.clear()
    invoice = Invoice(
        stripe_invoice_id="in_audit",
        amount_due=1500,
        currency="usd",
        hosted_invoice_url=f"https://{host}/pay/in_audit",
    )
    mail_send(
        to=owner.email,
        subject=f"Payment failed for {workspace.name}",
        template="billing/email/payment_failed",
        context={
            "workspace": workspace,
            "invoice": invoice,
            "amount_due": "15.00",
            "attempt": 1,
            "grace_until": None,
            "pay_url": invoice.hosted_invoice_url,
        },
        site=site,
    )
    _audit_outbox(f"payment failed for {host}")
    sent_templates.add("billing/email/payment_failed")

    missing = _email_templates() - sent_templates
    assert not missing, f"mail templates the audit does not send yet: {sorted(missing)}"
    for name in sent_templates:
        get_template(f"{name}.txt")  # each audited template really exists


def test_the_agency_dashboard_host_never_shows_the_platform(sites, owner, audit_world):
    auditor = Auditor()
    visitor = Client()
    for path in (
        "/accounts/sign-in/",
        "/accounts/password-reset/",
        "/invitations/not-a-real-token/",
        "/manifest.webmanifest",
        "/theme.css",
        "/brand/icon.svg",
    ):
        auditor.get(visitor, AGENCY_HOST, path, expect=(200, 302, 404))
    auditor.get(visitor, AGENCY_HOST, "/", expect=(302,))
    auditor.get(visitor, AGENCY_HOST, "/admin/", expect=(404,))
    auditor.get(visitor, AGENCY_HOST, "/no-such-page/", expect=(404,))

    staff = Client()
    with schema_context("public"):
        staff.force_login(owner)
    client = sites[CLIENT_HOST]
    for path in (
        "/dashboard/",
        "/dashboard/clients/",
        "/dashboard/clients/new/",
        f"/dashboard/clients/{client.pk}/",
        "/dashboard/pricing/",
        "/dashboard/snapshots/",
        "/dashboard/billing/",
        "/dashboard/staff/",
        "/dashboard/hosts/",
        "/dashboard/branding/",
        "/account/security/",
    ):
        auditor.get(staff, AGENCY_HOST, path, expect=(200, 302))
    assert len(auditor.checked) >= 17


def test_the_audit_catches_a_leak(sites):
    """The audit itself works: the same checks fail on a workspace without white label."""
    with pytest.raises(AssertionError, match="platform's name"):
        assert_clean("a page", f"<footer>Powered by {settings.PLATFORM_NAME}</footer>")
    with pytest.raises(AssertionError, match="platform's domain"):
        assert_clean("a link", f"https://alpha.{settings.PLATFORM_DOMAIN}/")


def test_a_workspace_without_white_label_shows_the_powered_by_mark(alpha):
    """The counterpart: a Free workspace shows the small mark (and fails the audit)."""
    response = Client().get("/", HTTP_HOST=f"alpha.{settings.PLATFORM_DOMAIN}")
    assert response.status_code == 200
    assert b"data-powered-by" in response.content
    with pytest.raises(AssertionError):
        assert_clean("alpha's home", response.content)


@pytest.mark.parametrize("host", [ENTERPRISE_HOST, CLIENT_HOST])
def test_bio_pages_their_editor_and_their_analytics_never_show_the_platform(sites, owner, host):
    from tenant_apps.bio_sites.demo import demo_bio_site_create
    from tenant_apps.bio_sites.experiment_services import experiment_create

    workspace = sites[host]
    auditor = Auditor()
    with tenant_context(workspace):
        site = demo_bio_site_create(name=workspace.name)
        components = {c.type: c for c in site.components.all()}
        link, signup = components["link"], components["email_signup"]
        experiment = experiment_create(
            site=site,
            name="Wording",
            scope="site",
            goal_component=link,
            variants=[
                {"name": "Original", "weight": 50},
                {"name": "Sunset", "weight": 50, "theme": "sunset"},
            ],
            actor=None,
        )

    visitor = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile Safari/604.1")
    for path in ("/b/links/", "/links/", "/b/nobody/"):
        auditor.get(visitor, host, path, expect=(200, 404))
    auditor.get(visitor, host, f"/b/links/go/{link.pk}/", expect=(302,))
    auditor.post(visitor, host, f"/b/links/submit/{signup.pk}/", {"email": "x"}, expect=(422,))
    # The A/B cookie is the site's own, with a neutral name (the auditor checked the
    # Set-Cookie headers like every other header).
    assert "bv" in visitor.cookies

    staff = client_for_member(owner, workspace)
    base = f"/dashboard/bio/{site.pk}"
    for path in (
        "/dashboard/bio/",
        f"{base}/",
        f"{base}/settings/",
        f"{base}/components/{link.pk}/",
        f"{base}/analytics/",
        f"{base}/analytics.csv",
        f"{base}/qr.svg",
        f"{base}/experiments/",
        f"{base}/experiments/new/",
        f"{base}/experiments/{experiment.pk}/",
        f"{base}/submissions/",
        f"{base}/submissions.csv",
    ):
        auditor.get(staff, host, path)
