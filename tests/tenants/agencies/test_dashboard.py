"""The agency dashboard: what each agency role may see and do, and isolation between
agencies (another agency's client, snapshot, host or staff member is a 404)."""

import re

import pytest

from shared_apps.platform.models import AuditEvent
from tenants.agency_services import agency_price_set
from tenants.models import AgencyHost, AgencyMembership, Membership, Snapshot
from tests.tenants.agencies.conftest import HOST_A, HOST_B, signed_in

# Page → the roles that may open it.
PAGES = {
    "/dashboard/": {"owner", "admin", "staff", "client"},
    "/dashboard/clients/": {"owner", "admin", "staff"},
    "/dashboard/clients/new/": {"owner", "admin"},
    "/dashboard/snapshots/": {"owner", "admin"},
    "/dashboard/pricing/": {"owner"},
    "/dashboard/billing/": {"owner"},
    "/dashboard/staff/": {"owner"},
    "/dashboard/hosts/": {"owner"},
}


@pytest.mark.parametrize("role", ["owner", "admin", "staff", "client"])
@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_answers_the_roles_that_may_open_it(people, role, path):
    response = signed_in(people[role]).get(path, HTTP_HOST=HOST_A)

    assert response.status_code == (200 if role in PAGES[path] else 403), response
    if response.status_code == 403:
        assert b"data-forbidden" in response.content
        assert b"Mewayz" not in response.content


def test_client_detail_is_for_owners_and_admins(people, bloom):
    path = f"/dashboard/clients/{bloom.pk}/"

    statuses = {role: signed_in(person).get(path, HTTP_HOST=HOST_A).status_code
                for role, person in people.items()}  # fmt: skip

    assert statuses == {"owner": 200, "admin": 200, "staff": 403, "client": 403}


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/dashboard/pricing/", HTTP_HOST=HOST_A)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")


def test_the_client_list_shows_cost_price_and_margin_to_the_owner(owner_a, agency_a, bloom, yoga):
    # Professional costs $1.00 per feature; the agency charges $2.50 + $5.00 base.
    agency_price_set(
        agency=agency_a,
        plan_code="professional",
        feature_price_minor=250,
        base_price_minor=500,
        actor=owner_a,
    )

    html = signed_in(owner_a).get("/dashboard/clients/", HTTP_HOST=HOST_A).content.decode()

    row = re.search(rf'<tr data-client="{bloom.pk}">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r"data-cost>\$3\.00<", row)
    assert re.search(r"data-price>\$12\.50", row)
    assert re.search(r"data-margin>\$9\.50<", row)
    yoga_row = re.search(rf'<tr data-client="{yoga.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "(at cost)" in yoga_row and "data-margin>$0.00<" in yoga_row


def test_staff_see_no_cost_or_margin_and_open_only_their_clients(staff_a, bloom, yoga):
    html = signed_in(staff_a).get("/dashboard/clients/", HTTP_HOST=HOST_A).content.decode()

    assert "data-cost" not in html and "data-margin" not in html
    assert f'data-open="{bloom.pk}"' in html  # a member of bloom
    assert f'data-open="{yoga.pk}"' not in html


def test_the_client_list_searches_filters_and_pages(owner_a, bloom, yoga, settings):
    client = signed_in(owner_a)

    by_name = client.get("/dashboard/clients/", {"q": "harbor"}, HTTP_HOST=HOST_A)
    by_slug = client.get("/dashboard/clients/", {"q": "nw-bloom"}, HTTP_HOST=HOST_A)
    by_plan = client.get("/dashboard/clients/", {"plan": "professional"}, HTTP_HOST=HOST_A)
    by_status = client.get("/dashboard/clients/", {"status": "suspended"}, HTTP_HOST=HOST_A)

    assert [r.client.slug for r in by_name.context["rows"]] == ["nw-yoga"]
    assert [r.client.slug for r in by_slug.context["rows"]] == ["nw-bloom"]
    assert [r.client.slug for r in by_plan.context["rows"]] == ["nw-bloom"]
    assert by_status.context["rows"] == []


def test_the_client_list_is_paginated(owner_a, world, monkeypatch):
    monkeypatch.setattr("tenants.agency_views.CLIENTS_PER_PAGE", 1)
    client = signed_in(owner_a)

    first = client.get("/dashboard/clients/", HTTP_HOST=HOST_A)
    second = client.get("/dashboard/clients/", {"page": 2}, HTTP_HOST=HOST_A)

    assert first.context["page"].paginator.num_pages == 2
    assert [r.client.slug for r in first.context["rows"]] == ["nw-bloom"]
    assert [r.client.slug for r in second.context["rows"]] == ["nw-yoga"]


def test_a_bad_filter_is_ignored_not_an_error(owner_a, world):
    response = signed_in(owner_a).get(
        "/dashboard/clients/", {"plan": "<script>", "page": "x"}, HTTP_HOST=HOST_A
    )

    assert response.status_code == 200
    assert len(response.context["rows"]) == 2


# --- isolation between agencies -------------------------------------------------------------------


def test_agency_a_never_lists_agency_b_clients(owner_a, cafe):
    html = signed_in(owner_a).get("/dashboard/clients/", HTTP_HOST=HOST_A).content.decode()

    assert "Cafe Sur" not in html and str(cafe.pk) not in html


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/dashboard/clients/{cafe}/"),
        ("post", "/dashboard/clients/{cafe}/plan/"),
        ("post", "/dashboard/clients/{cafe}/members/invite/"),
        ("post", "/dashboard/clients/{cafe}/domains/add/"),
        ("post", "/workspaces/{cafe}/open/"),
    ],
)
def test_another_agencys_client_is_not_found(owner_a, cafe, method, path):
    client = signed_in(owner_a)
    url = path.format(cafe=cafe.pk)
    data = {"plan": "free", "email": "x@example.test", "role": "viewer", "host": "a.example.com"}

    response = getattr(client, method)(url, data, HTTP_HOST=HOST_A)

    assert response.status_code == 404
    assert not Membership.objects.filter(workspace=cafe, identity=owner_a).exists()
    assert not cafe.domains.filter(domain="a.example.com").exists()


def test_another_agencys_staff_snapshot_and_host_are_not_found(owner_a, owner_b, agency_b, cafe):
    snapshot = Snapshot.objects.create(
        name="B's template",
        agency=agency_b,
        source_workspace_id=cafe.pk,
        source_workspace_name=cafe.name,
        schema_name="snap_isolation_test",
        status=Snapshot.Status.READY,
    )
    b_host = AgencyHost.objects.get(host=HOST_B)
    b_owner = AgencyMembership.objects.get(agency=agency_b, identity=owner_b)
    client = signed_in(owner_a)

    responses = [
        client.post(f"/dashboard/snapshots/{snapshot.pk}/delete/", HTTP_HOST=HOST_A),
        client.post(f"/dashboard/hosts/{b_host.pk}/verify/", HTTP_HOST=HOST_A),
        client.post(f"/dashboard/hosts/{b_host.pk}/remove/", HTTP_HOST=HOST_A),
        client.post(f"/dashboard/staff/{b_owner.pk}/remove/", HTTP_HOST=HOST_A),
        client.post(f"/dashboard/staff/{b_owner.pk}/role/", {"role": "staff"}, HTTP_HOST=HOST_A),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()
    assert AgencyHost.objects.filter(pk=b_host.pk, is_verified=True).exists()
    assert AgencyMembership.objects.get(pk=b_owner.pk).role == "owner"


def test_agency_b_prices_are_not_agency_a_prices(owner_a, owner_b, agency_a, agency_b):
    agency_price_set(
        agency=agency_b, plan_code="professional", feature_price_minor=900, actor=owner_b
    )

    html = signed_in(owner_a).get("/dashboard/pricing/", HTTP_HOST=HOST_A).content.decode()

    assert 'value="900"' not in html
    assert not agency_a.prices.exists()


def test_agency_a_staff_is_nobody_on_agency_b_host(owner_a, world):
    response = signed_in(owner_a).get("/dashboard/clients/", HTTP_HOST=HOST_B)

    assert response.status_code == 403
    assert b"Northwind" not in response.content


def test_a_pricing_change_is_audited(owner_a, agency_a):
    signed_in(owner_a).post(
        "/dashboard/pricing/",
        {"plan_code": "professional", "feature_price_monthly_minor": "150"},
        HTTP_HOST=HOST_A,
    )

    event = AuditEvent.objects.get(action="agency.price_set")
    assert event.actor == owner_a
    assert event.data["feature_minor"] == 150
