"""What one workspace creates is invisible and untouchable from another."""

from django_tenants.utils import tenant_context
from wagtail.models import Page

from cms.models import HomePage
from shared_apps.accounts.models import User
from tests.factories import IDENTITY_PASSWORD, IdentityFactory
from tests.helpers import host_of


def _add_page(workspace, slug: str) -> None:
    with tenant_context(workspace):
        home = HomePage.objects.get()
        home.add_child(instance=Page(title="Secret plans", slug=slug))


def test_a_page_made_in_alpha_is_served_by_alpha_only(client, alpha, beta):
    _add_page(alpha, "secret-plans")

    assert client.get("/secret-plans/", HTTP_HOST=host_of(alpha)).status_code == 200
    assert client.get("/secret-plans/", HTTP_HOST=host_of(beta)).status_code == 404


def test_rows_made_in_alpha_are_not_in_betas_schema(alpha, beta):
    with tenant_context(alpha):
        IdentityFactory(email="only-alpha@example.test")
    with tenant_context(beta):
        assert not User.objects.filter(email="only-alpha@example.test").exists()
    assert not User.objects.filter(email="only-alpha@example.test").exists()  # public


def test_a_customer_of_alpha_cannot_sign_in_on_beta(client, alpha, beta):
    with tenant_context(alpha):
        IdentityFactory(email="buyer@example.test")
    credentials = {"username": "buyer@example.test", "password": IDENTITY_PASSWORD}

    on_beta = client.post("/accounts/sign-in/", credentials, HTTP_HOST=host_of(beta))
    on_alpha = client.post("/accounts/sign-in/", credentials, HTTP_HOST=host_of(alpha))

    assert on_beta.status_code == 200 and on_beta.context["form"].errors
    assert on_alpha.status_code == 302


def test_an_alpha_session_means_nothing_on_beta(staff_client, alpha, beta):
    assert staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha)).status_code == 200

    response = staff_client.get("/dashboard/", HTTP_HOST=host_of(beta))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_platform_identities_cannot_sign_in_on_a_workspace(client, identity, alpha):
    response = client.post(
        "/accounts/sign-in/",
        {"username": identity.email, "password": IDENTITY_PASSWORD},
        HTTP_HOST=host_of(alpha),
    )

    assert response.status_code == 200
    assert response.context["form"].errors
