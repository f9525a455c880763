"""Password reset: links are built from known hosts, never from the Host header."""

import re

from django.core import mail
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from tenants.domains import domain_add
from tests.factories import IdentityFactory
from tests.helpers import host_of

RESET = "/accounts/password-reset/"


def _reset_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password-reset/[^\s\"<]+)", message.body)[1]


def test_platform_reset_mails_a_platform_link_and_the_link_works(client, identity, platform_host):
    response = client.post(RESET, {"email": identity.email}, HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [identity.email]
    assert "http://localhost/accounts/password-reset/" in message.body

    confirm = client.get(_reset_path(message), HTTP_HOST=platform_host, follow=True)
    assert confirm.status_code == 200
    set_password = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "brand-new-passphrase", "new_password2": "brand-new-passphrase"},
        HTTP_HOST=platform_host,
    )
    assert set_password.status_code == 302
    identity.refresh_from_db()
    assert identity.check_password("brand-new-passphrase")


def test_reset_for_unknown_email_looks_the_same_and_sends_nothing(client, db, platform_host):
    response = client.post(RESET, {"email": "ghost@example.test"}, HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_reset_with_invalid_email_is_a_400(client, db, platform_host):
    response = client.post(RESET, {"email": "nope"}, HTTP_HOST=platform_host)

    assert response.status_code == 400
    assert response.context["form"].errors["email"]


def test_reset_with_a_bad_token_is_refused(client, identity, platform_host):
    response = client.get(
        "/accounts/password-reset/MQ/bad-token/", HTTP_HOST=platform_host, follow=True
    )

    assert response.status_code == 200
    assert response.context["validlink"] is False


def test_mismatched_new_passwords_are_a_400_and_keep_the_old_one(
    client, identity, password, platform_host
):
    client.post(RESET, {"email": identity.email}, HTTP_HOST=platform_host)
    confirm = client.get(_reset_path(mail.outbox[0]), HTTP_HOST=platform_host, follow=True)

    response = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "brand-new-passphrase", "new_password2": "different-passphrase"},
        HTTP_HOST=platform_host,
    )

    assert response.status_code == 400
    identity.refresh_from_db()
    assert identity.check_password(password)


def test_workspace_reset_link_uses_the_primary_host_even_via_an_extra_host(client, alpha):
    domain_add(workspace=alpha, host="www.alpha-example.com", verified=True)
    with tenant_context(alpha):
        customer = IdentityFactory(email="buyer@example.test")

    response = client.post(RESET, {"email": customer.email}, HTTP_HOST="www.alpha-example.com")

    assert response.status_code == 302
    body = mail.outbox[0].body
    assert f"http://{host_of(alpha)}/accounts/password-reset/" in body
    assert "www.alpha-example.com" not in body
    assert "Alpha Co" in mail.outbox[0].subject


def test_workspace_reset_only_knows_that_workspaces_users(client, alpha, identity):
    """A platform identity is not a customer of the workspace: nothing is sent."""
    response = client.post(RESET, {"email": identity.email}, HTTP_HOST=host_of(alpha))

    assert response.status_code == 302
    assert mail.outbox == []


def test_staff_mirrors_cannot_reset_a_password_on_the_workspace(client, alpha, owner):
    with tenant_context(alpha):
        assert User.objects.filter(identity_id=owner.uuid).exists()

    client.post(RESET, {"email": owner.email}, HTTP_HOST=host_of(alpha))

    assert mail.outbox == []


def test_workspace_reset_mail_wears_the_workspace_brand(client, alpha):
    alpha.branding = {"primary_color": "#abcdef"}
    alpha.save()
    with tenant_context(alpha):
        customer = IdentityFactory(email="brand@example.test")

    client.post(RESET, {"email": customer.email}, HTTP_HOST=host_of(alpha))

    html = mail.outbox[0].alternatives[0][0]
    assert "#abcdef" in html
    # The platform appears only in the footer's "Powered by" mark (alpha has no white label).
    assert "Mewayz" not in html.split("data-powered-by")[0]
