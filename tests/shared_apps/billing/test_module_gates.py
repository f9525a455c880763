"""The modules that exist today sit behind the one gate: domains, team seats, pages."""

from shared_apps.billing.catalog import STARTER_FEATURES
from shared_apps.billing.models import WorkspaceFeature
from tenants.models import Domain
from tests.helpers import host_of
from tests.shared_apps.billing.support import choose


def test_a_new_workspace_starts_with_the_starter_features(alpha):
    enabled = set(
        WorkspaceFeature.objects.filter(workspace=alpha, enabled=True).values_list("key", flat=True)
    )

    assert enabled == set(STARTER_FEATURES)


def test_domains_are_gated_by_custom_domain(staff_client, alpha, owner):
    choose(alpha, "pages", "team_seats", actor=owner)

    page = staff_client.get("/dashboard/domains/", HTTP_HOST=host_of(alpha))
    add = staff_client.post(
        "/dashboard/domains/add/", {"host": "shop.alpha-example.com"}, HTTP_HOST=host_of(alpha)
    )
    menu = staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha)).content.decode()

    assert page.status_code == add.status_code == 403
    assert "/dashboard/billing/" in page.content.decode()  # the upgrade path
    assert not Domain.objects.filter(domain="shop.alpha-example.com").exists()
    assert 'href="/dashboard/domains/"' not in menu


def test_turning_custom_domain_back_on_restores_the_page(staff_client, alpha, owner):
    choose(alpha, "pages", actor=owner)
    choose(alpha, *STARTER_FEATURES, actor=owner)

    assert staff_client.get("/dashboard/domains/", HTTP_HOST=host_of(alpha)).status_code == 200


def test_invitations_are_gated_by_team_seats_but_the_team_stays_visible(staff_client, alpha, owner):
    choose(alpha, "pages", "custom_domain", actor=owner)

    invite = staff_client.post(
        "/dashboard/team/invite/",
        {"email": "later@example.test", "role": "viewer"},
        HTTP_HOST=host_of(alpha),
    )

    assert invite.status_code == 403
    assert staff_client.get("/dashboard/team/", HTTP_HOST=host_of(alpha)).status_code == 200
