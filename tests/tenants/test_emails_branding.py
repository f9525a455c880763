"""Every mail wears the brand of the site it speaks for, through the one layout
(templates/email/base.html): colour, logo on the site's own host, footer text, and
"Powered by" only when the site is not white-labelled."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import get_template
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.money import Money
from tenants.agency_selectors import site_identity_for_agency
from tenants.branding_services import agency_branding_update, workspace_branding_update
from tenants.mail import mail_send
from tenants.models import Agency, Workspace
from tenants.selectors import site_identity_for_workspace, site_identity_platform
from tenants.teams import invitation_create
from tests.factories import IdentityFactory
from tests.helpers import host_of
from tests.tenants.test_branding_services import image_upload, white_label_on

PLATFORM = settings.PLATFORM_NAME
TEMPLATES = [
    "accounts/email/password_reset",
    "tenants/email/invitation",
    "billing/email/payment_failed",
    "cms/email/form_submission",
]


class _Invoice:
    number = "INV-7"


def _context(workspace):
    user = IdentityFactory.build(email="reader@example.test", first_name="Rae")
    return {
        "user": user,
        "reset_url": "http://example.test/reset/abc/",
        "workspace": workspace,
        "invitation": type("I", (), {"email": "new@example.test", "get_role_display": "Editor"})(),
        "inviter": None,
        "accept_url": "http://example.test/accept/",
        "expires_at": timezone.now() + timedelta(days=7),
        "invoice": _Invoice(),
        "amount_due": Money(Decimal("12.00"), "usd"),
        "attempt": 1,
        "grace_until": None,
        "pay_url": "https://pay.example.test/inv",
        "page": type("P", (), {"title": "Contact"})(),
        "fields": [("Name", "Rae")],
        "submissions_url": "http://example.test/cms/",
    }


def _send(template, site, workspace):
    mail.outbox.clear()
    mail_send(
        to="reader@example.test",
        subject="Hello",
        template=template,
        context=_context(workspace),
        site=site,
    )
    message = mail.outbox[0]
    return message, message.alternatives[0][0], message.body


def fresh(workspace):
    return Workspace.objects.get(pk=workspace.pk)


def test_every_mail_template_uses_the_one_layout():
    for template in TEMPLATES:
        source = get_template(f"{template}.html").template.source
        text = get_template(f"{template}.txt").template.source
        assert '{% extends "email/base.html" %}' in source, template
        assert '{% include "email/_footer.txt" %}' in text, template
        assert "platform_name" not in source + text, template


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_workspace_mail_wears_its_colour_and_shows_powered_by(alpha, owner, template):
    workspace_branding_update(
        workspace=alpha,
        actor=owner,
        data={"primary_color": "#0f766e", "footer_text": "Alpha Co, 1 Main Street"},
    )
    alpha = fresh(alpha)

    _, html, text = _send(template, site_identity_for_workspace(workspace=alpha), alpha)

    assert "#0f766e" in html
    assert "Alpha Co, 1 Main Street" in html and "Alpha Co, 1 Main Street" in text
    assert f">{PLATFORM}</a>" in html.split("data-powered-by")[1]
    assert f"Powered by {PLATFORM}" in text
    # Only in the mark: the header and body speak for the workspace.
    assert PLATFORM not in html.split("data-powered-by")[0]


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_white_label_mail_never_names_the_platform(alpha, owner, template):
    alpha = white_label_on(alpha, owner)
    workspace_branding_update(
        workspace=alpha,
        actor=owner,
        data={"email_sender_name": "Alpha Studio", "email_sender_address": f"hi@{host_of(alpha)}"},
    )
    alpha = fresh(alpha)

    message, html, text = _send(template, site_identity_for_workspace(workspace=alpha), alpha)

    for part in (html, text, message.from_email, message.subject):
        assert PLATFORM not in part
        assert "Powered by" not in part
    assert message.from_email == f"Alpha Studio <hi@{host_of(alpha)}>"


def test_the_logo_is_an_absolute_url_on_the_site_s_own_host(alpha, owner):
    workspace_branding_update(workspace=alpha, actor=owner, data={}, logo=image_upload())
    alpha = fresh(alpha)

    _, html, _ = _send(TEMPLATES[0], site_identity_for_workspace(workspace=alpha), alpha)

    version = alpha.branding["logo_version"]
    assert f'src="http://{host_of(alpha)}/brand/logo?v={version}"' in html


def test_without_a_logo_the_header_shows_the_name(alpha):
    _, html, _ = _send(TEMPLATES[0], site_identity_for_workspace(workspace=alpha), alpha)

    header = html.split("data-mail-header")[1].split("</td>")[0]
    assert "<img" not in header
    assert "Alpha Co" in header


def test_the_platform_s_own_mail_does_not_advertise_itself(alpha):
    _, html, text = _send(TEMPLATES[0], site_identity_platform(), alpha)

    assert PLATFORM in html  # it is the platform's mail: its name is the header
    assert "Powered by" not in html and "Powered by" not in text


def test_an_agency_s_mail_wears_the_agency_brand_only(alpha, owner):
    agency = Agency.objects.create(name="Northwind Mail", slug="northwind-mail")
    agency_branding_update(agency=agency, actor=owner, data={"primary_color": "#7c2d12"})
    agency.refresh_from_db()

    _, html, text = _send(TEMPLATES[0], site_identity_for_agency(agency=agency), alpha)

    assert "Northwind Mail" in html and "#7c2d12" in html
    assert PLATFORM not in html + text


def test_a_real_invitation_from_a_white_label_workspace(alpha, owner):
    alpha = white_label_on(alpha, owner)
    mail.outbox.clear()

    invitation_create(workspace=alpha, email="join@example.test", role="editor", actor=owner)

    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "Join Alpha Co" in html
    assert PLATFORM not in html + message.body + message.from_email


def test_a_real_password_reset_from_a_free_workspace(client, alpha):
    with tenant_context(alpha):
        customer = IdentityFactory(email="customer@example.test")
    mail.outbox.clear()

    client.post("/accounts/password-reset/", {"email": customer.email}, HTTP_HOST=host_of(alpha))

    html = mail.outbox[0].alternatives[0][0]
    assert "data-powered-by" in html
    assert f"http://{host_of(alpha)}/accounts/" in html  # links on the workspace's host
