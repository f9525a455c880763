"""Custom hosts: what a typed host becomes, what is refused, and who may hold it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.platform.models import AuditEvent
from tenants.domains import CUSTOM_HOSTS_PER_WORKSPACE, custom_domain_add, host_normalize
from tenants.errors import DomainError
from tenants.models import Domain
from tests.helpers import host_of


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Shop.ACME.com.", "shop.acme.com"),
        ("  shop.acme.com\n", "shop.acme.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.Example.", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        # IDNA 2008, as browsers resolve it (IDNA 2003 would give strasse.de).
        ("straße.de", "xn--strae-oqa.de"),
        ("shop。bücher。example", "shop.xn--bcher-kva.example"),
        ("a-b.c-d.example", "a-b.c-d.example"),
    ],
)
def test_odd_input_is_normalised(raw, expected):
    assert host_normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "Enter a host name"),
        ("192.168.10.1", "not an IP address"),
        ("192.168.10.1.", "not an IP address"),
        ("::1", "not an IP address"),
        ("[2001:db8::1]", "not an IP address"),
        ("[2001:db8::1]:443", "not an IP address"),
        ("*.acme.com", "Wildcard"),
        ("shop.*.acme.com", "Wildcard"),
        ("shop.acme.com:8080", "port"),
        ("https://shop.acme.com", "without http://"),
        ("shop.acme.com/store", "without http://"),
        ("shop.acme.com?x=1", "without http://"),
        ("user@shop.acme.com", "without http://"),
        ("localhost", "with a dot"),
        ("shop..acme.com", "valid host name"),
        ("shop.acme.com..", "valid host name"),
        ("-shop.acme.com", "valid host name"),
        ("shop-.acme.com", "valid host name"),
        ("shop_1.acme.com", "valid host name"),
        ("shop acme.com", "valid host name"),
        ("1.2.3", "valid host name"),
        ("a" * 64 + ".example.com", "valid host name"),
        (("a" * 60 + ".") * 5 + "com", "valid host name"),
        ("xn--zz.example.com", "international"),
        ("☃.example", "international"),
    ],
)
def test_what_is_not_a_plain_host_is_refused(raw, says):
    with pytest.raises(DomainError) as caught:
        host_normalize(raw)

    assert says in caught.value.message
    assert caught.value.fields["host"] == [caught.value.message]


def test_a_workspace_adds_a_normalised_pending_host(alpha, owner):
    domain = custom_domain_add(workspace=alpha, host="Shop.Alpha-Example.com.", actor=owner)

    domain.refresh_from_db()
    assert domain.domain == "shop.alpha-example.com"
    assert domain.tenant_id == alpha.pk
    assert domain.status == Domain.Status.PENDING
    assert domain.is_verified is False
    assert domain.is_primary is False
    assert len(domain.verification_token) == 32
    event = AuditEvent.objects.get(action="domain.added", workspace_id=alpha.pk)
    assert event.actor == owner
    assert event.data["host"] == "shop.alpha-example.com"


def test_each_host_gets_its_own_token(alpha, owner):
    first = custom_domain_add(workspace=alpha, host="one.alpha-example.com", actor=owner)
    second = custom_domain_add(workspace=alpha, host="two.alpha-example.com", actor=owner)

    assert first.verification_token != second.verification_token


@pytest.mark.parametrize("raw", ["beta.localhost", "BETA.localhost.", "anything.localhost"])
def test_platform_subdomains_are_refused(alpha, owner, raw):
    with pytest.raises(DomainError) as caught:
        custom_domain_add(workspace=alpha, host=raw, actor=owner)

    assert caught.value.code == "domain_reserved"
    assert "given out by the platform" in caught.value.message
    assert not Domain.objects.filter(tenant=alpha).exclude(domain=host_of(alpha)).exists()


def test_the_workspaces_own_default_host_is_already_its_own(alpha, owner):
    with pytest.raises(DomainError) as caught:
        custom_domain_add(workspace=alpha, host=host_of(alpha).upper(), actor=owner)

    assert caught.value.code == "domain_taken"
    assert "already this workspace's own address" in caught.value.message


def test_the_platforms_own_hosts_are_refused(alpha, owner, settings):
    settings.PLATFORM_HOSTS = [settings.PLATFORM_DOMAIN, "www.mewayz.test"]
    settings.PLATFORM_CNAME_TARGET = "edge.mewayz.test"

    for raw in ("www.mewayz.test", "edge.mewayz.test", "x.edge.mewayz.test"):
        with pytest.raises(DomainError) as caught:
            custom_domain_add(workspace=alpha, host=raw, actor=owner)
        assert caught.value.code == "domain_reserved"


def test_a_host_is_unique_across_workspaces(alpha, beta, owner):
    custom_domain_add(workspace=alpha, host="shop.acme.test", actor=owner)

    with pytest.raises(DomainError) as caught:
        custom_domain_add(workspace=beta, host="SHOP.acme.test.", actor=owner)

    assert caught.value.code == "domain_taken"
    assert caught.value.message == "That host is already in use by another workspace."
    assert list(Domain.objects.filter(domain="shop.acme.test").values_list("tenant__slug")) == [
        ("alpha",)
    ]


def test_adding_a_host_twice_says_it_is_already_listed(alpha, owner):
    custom_domain_add(workspace=alpha, host="shop.acme.test", actor=owner)

    with pytest.raises(DomainError, match="already on your list"):
        custom_domain_add(workspace=alpha, host="shop.acme.test", actor=owner)


def test_an_abandoned_unverified_claim_does_not_block_the_real_owner(alpha, beta, owner):
    squatted = custom_domain_add(workspace=beta, host="shop.acme.test", actor=owner)
    Domain.objects.filter(pk=squatted.pk).update(created_at=timezone.now() - timedelta(days=8))

    domain = custom_domain_add(workspace=alpha, host="shop.acme.test", actor=owner)

    assert Domain.objects.get(domain="shop.acme.test") == domain
    assert domain.tenant_id == alpha.pk
    assert AuditEvent.objects.filter(action="domain.released", workspace_id=beta.pk).exists()


def test_a_recent_unverified_claim_still_blocks_others(alpha, beta, owner):
    squatted = custom_domain_add(workspace=beta, host="shop.acme.test", actor=owner)
    Domain.objects.filter(pk=squatted.pk).update(created_at=timezone.now() - timedelta(days=6))

    with pytest.raises(DomainError):
        custom_domain_add(workspace=alpha, host="shop.acme.test", actor=owner)


def test_a_workspace_has_a_bounded_number_of_hosts(alpha, owner):
    for number in range(CUSTOM_HOSTS_PER_WORKSPACE):
        custom_domain_add(workspace=alpha, host=f"h{number}.alpha-example.com", actor=owner)

    with pytest.raises(DomainError) as caught:
        custom_domain_add(workspace=alpha, host="one-more.alpha-example.com", actor=owner)

    assert caught.value.code == "domain_limit_reached"
    assert not Domain.objects.filter(domain="one-more.alpha-example.com").exists()
