"""A/B tests on the public page: sticky assignment, per-variant cache, recorded variants."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from tenant_apps.analytics.models import Event
from tenant_apps.analytics.services import event_deferred_record
from tenant_apps.bio_sites import page_cache
from tenant_apps.bio_sites.experiment_selectors import (
    experiment_plan_for_site,
    plan_variant_for_visitor,
)
from tenant_apps.bio_sites.experiment_services import experiment_create, experiment_end
from tenant_apps.bio_sites.services import bio_component_add, bio_site_create, bio_site_publish
from tests.helpers import host_of

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def site():
    site = bio_site_create(name="Ada's links", slug="ada", actor=None)
    bio_component_add(site=site, type_key="header", data={"title": "Ada Lovelace"}, actor=None)
    return bio_site_publish(site=site, actor=None)


@pytest.fixture
def link(site):
    return bio_component_add(
        site=site,
        type_key="link",
        data={"title": "My shop", "url": "https://shop.example.com/"},
        actor=None,
    )


@pytest.fixture
def experiment(site, link):
    header = site.components.get(type="header")
    return experiment_create(
        site=site,
        name="Sale wording",
        scope="site",
        goal_component=link,
        variants=[
            {"name": "Original", "weight": 50},
            {
                "name": "Sale",
                "weight": 50,
                "theme": "midnight",
                "component_overrides": {str(link.pk): {"title": "Shop the sale"}},
                "hidden_component_ids": [str(header.pk)],
            },
        ],
        actor=None,
    )


def _variants(experiment) -> dict[str, object]:
    return {v.key: v for v in experiment.variants.all()}


def _visitor_in(experiment, key: str) -> str:
    """A visitor id that the plan puts in variant `key`."""
    plan = experiment_plan_for_site(site=experiment.site)
    wanted = str(_variants(experiment)[key].pk)
    for n in range(1000):
        visitor_id = f"visitor{n:012d}"
        if plan_variant_for_visitor(plan=plan, visitor_id=visitor_id)[0] == wanted:
            return visitor_id
    raise AssertionError("no visitor lands in that variant")


def _browser(alpha, visitor_id: str | None = None) -> Client:
    client = Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT=BROWSER)
    if visitor_id:
        client.cookies["bv"] = visitor_id
    return client


class _commit_hooks:
    """Runs the on-commit hooks registered inside the block (the test never commits)."""

    def __enter__(self):
        self._start = len(connection.run_on_commit)

    def __exit__(self, *exc):
        hooks = connection.run_on_commit[self._start :]
        del connection.run_on_commit[self._start :]
        for _sid, hook, _robust in hooks:
            hook()


def test_a_new_visitor_gets_a_private_first_party_cookie_and_keeps_their_variant(alpha, experiment):
    browser = _browser(alpha)
    first = browser.get("/b/ada/")
    assert first.status_code == 200
    cookie = first.cookies["bv"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 90 * 24 * 60 * 60
    assert not cookie["secure"]  # plain http here; https sets Secure
    assert "private" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]
    # The cookie sticks in the test client: twenty more visits, one page.
    pages = {browser.get("/b/ada/").content for _ in range(20)}
    assert pages == {first.content}
    assert browser.get("/b/ada/").cookies.get("bv") is None  # not reissued


def test_the_cookie_is_secure_on_https(alpha, experiment):
    response = _browser(alpha).get("/b/ada/", secure=True)
    assert response.cookies["bv"]["secure"]


def test_the_same_visitor_id_always_lands_in_the_same_variant(alpha, experiment):
    sale = _visitor_in(experiment, "B")
    pages = {_browser(alpha, sale).get("/b/ada/").content for _ in range(20)}
    assert len(pages) == 1
    assert "Shop the sale" in pages.pop().decode()


def test_the_split_follows_the_weights(site, link):
    experiment = experiment_create(
        site=site,
        name="Split",
        scope="site",
        variants=[
            {"name": "A", "weight": 70},
            {"name": "B", "weight": 20},
            {"name": "C", "weight": 10},
        ],
        actor=None,
    )
    plan = experiment_plan_for_site(site=site)
    counts = Counter(
        plan_variant_for_visitor(plan=plan, visitor_id=f"v-{n:016d}")[0] for n in range(20000)
    )
    variants = _variants(experiment)
    # The test's id is random, so the buckets differ per run: at n=20000 the binomial sd
    # is at most 0.33 %, and 2 % is 6 sd (a false failure about once in 10^8 runs).
    for key, share in (("A", 0.70), ("B", 0.20), ("C", 0.10)):
        assert abs(counts[str(variants[key].pk)] / 20000 - share) < 0.02, (key, counts)


def test_each_variant_has_its_own_cached_html(alpha, experiment, link):
    control_html = _browser(alpha, _visitor_in(experiment, "A")).get("/b/ada/").content.decode()
    sale_html = _browser(alpha, _visitor_in(experiment, "B")).get("/b/ada/").content.decode()
    assert "My shop" in control_html and "Ada Lovelace" in control_html
    assert "Shop the sale" in sale_html and "My shop" not in sale_html
    assert "Ada Lovelace" not in sale_html  # hidden in B
    assert control_html != sale_html
    # The variant's link still goes through the redirect to the stored address.
    assert f'href="/b/ada/go/{link.pk}/"' in sale_html
    version = page_cache.page_cache_version(slug="ada")
    sale = _variants(experiment)["B"]
    cached = cache.get(
        page_cache.variant_cache_key(slug="ada", version=version, variant_id=str(sale.pk))
    )
    assert cached == sale_html


def test_warm_visits_to_every_variant_make_no_queries_and_record_their_variant(
    alpha, site, experiment, django_assert_num_queries, django_capture_on_commit_callbacks
):
    control, sale = (
        _browser(alpha, _visitor_in(experiment, "A")),
        _browser(alpha, _visitor_in(experiment, "B")),
    )
    control.get("/b/ada/"), sale.get("/b/ada/")  # warms the page, the plan and variant B
    event_deferred_record()
    Event.objects.all().delete()  # the warm-up visits
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(0):
        assert control.get("/b/ada/").status_code == 200
        assert sale.get("/b/ada/").status_code == 200
    assert callbacks == []
    assert event_deferred_record() == 2
    variants = _variants(experiment)
    recorded = sorted(
        Event.objects.filter(kind=Event.PAGE_VIEW, subject_id=str(site.pk)).values_list(
            "variant", flat=True
        )
    )
    assert recorded == sorted([str(variants["A"].pk), str(variants["B"].pk)])


def test_a_page_without_a_test_sets_no_cookie_and_stays_shareable(alpha, site):
    response = _browser(alpha).get("/b/ada/")
    assert "bv" not in response.cookies
    assert "private" not in response.get("Cache-Control", "")


def test_crawlers_see_the_control_without_a_cookie(alpha, experiment):
    bot = Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT=GOOGLEBOT)
    bot.cookies["bv"] = _visitor_in(experiment, "B")
    response = bot.get("/b/ada/")
    assert "My shop" in response.content.decode()
    assert "bv" not in response.cookies


def test_a_click_carries_the_visitors_variant(alpha, site, experiment, link):
    variants = _variants(experiment)
    for key in ("A", "B"):
        browser = _browser(alpha, _visitor_in(experiment, key))
        assert browser.get(f"/b/ada/go/{link.pk}/").status_code == 302
    without_cookie = _browser(alpha)
    assert without_cookie.get(f"/b/ada/go/{link.pk}/").status_code == 302
    clicks = sorted(
        Event.objects.filter(kind=Event.CLICK, subject_id=str(site.pk)).values_list(
            "variant", flat=True
        )
    )
    assert clicks == sorted(["", str(variants["A"].pk), str(variants["B"].pk)])


def test_a_first_visit_then_click_is_attributed_to_the_variant_shown(alpha, site, experiment, link):
    browser = _browser(alpha)
    browser.get("/b/ada/")
    event_deferred_record()
    browser.get(f"/b/ada/go/{link.pk}/")
    view = Event.objects.get(kind=Event.PAGE_VIEW)
    click = Event.objects.get(kind=Event.CLICK)
    assert view.variant and view.variant == click.variant
    assert view.variant in {str(v.pk) for v in experiment.variants.all()}


def test_ending_the_test_keeping_the_winner_serves_it_to_everyone(alpha, experiment):
    control = _browser(alpha, _visitor_in(experiment, "A"))
    assert "My shop" in control.get("/b/ada/").content.decode()
    with _commit_hooks():
        experiment_end(experiment=experiment, actor=None, keep_variant=_variants(experiment)["B"])
    response = control.get("/b/ada/")
    html = response.content.decode()
    assert "Shop the sale" in html and "Ada Lovelace" not in html
    assert "private" not in response.get("Cache-Control", "")
    assert "bv" not in response.cookies
    fresh = _browser(alpha).get("/b/ada/")
    assert fresh.content == response.content


def test_ending_the_test_keeping_the_control_restores_one_page(alpha, experiment):
    sale = _browser(alpha, _visitor_in(experiment, "B"))
    assert "Shop the sale" in sale.get("/b/ada/").content.decode()
    with _commit_hooks():
        experiment_end(experiment=experiment, actor=None, keep_variant=_variants(experiment)["A"])
    html = sale.get("/b/ada/").content.decode()
    assert "My shop" in html and "Shop the sale" not in html


def test_a_variant_respects_the_visibility_windows_of_the_page(alpha, site, experiment):
    from django.utils import timezone

    from tenant_apps.bio_sites.services import bio_component_update

    later = bio_component_add(site=site, type_key="heading", data={"text": "Later"}, actor=None)
    bio_component_update(
        component=later, visible_from=timezone.now() + timedelta(hours=1), actor=None
    )
    html = _browser(alpha, _visitor_in(experiment, "B")).get("/b/ada/").content.decode()
    assert "Shop the sale" in html and "Later" not in html


def test_another_workspaces_test_on_the_same_slug_never_leaks(alpha, beta, experiment):
    with tenant_context(beta):
        beta_site = bio_site_publish(
            site=bio_site_create(name="Beta", slug="ada", actor=None), actor=None
        )
        beta_link = bio_component_add(
            site=beta_site,
            type_key="link",
            data={"title": "Beta shop", "url": "https://beta.example.com/"},
            actor=None,
        )
        beta_experiment = experiment_create(
            site=beta_site,
            name="Beta test",
            scope="site",
            variants=[
                {"name": "A", "weight": 50},
                {
                    "name": "B",
                    "weight": 50,
                    "component_overrides": {str(beta_link.pk): {"title": "Beta sale"}},
                },
            ],
            actor=None,
        )
        beta_sale = _visitor_in(beta_experiment, "B")
    alpha_pages = {_browser(alpha, beta_sale).get("/b/ada/").content.decode() for _ in range(2)}
    for html in alpha_pages:
        assert "Beta" not in html
    beta_client = Client(HTTP_HOST=host_of(beta), HTTP_USER_AGENT=BROWSER)
    beta_client.cookies["bv"] = beta_sale
    beta_html = beta_client.get("/b/ada/").content.decode()
    assert "Beta sale" in beta_html and "Shop the sale" not in beta_html


def test_a_variant_that_changes_a_links_address_sends_its_visitors_there(alpha, site, link):
    experiment = experiment_create(
        site=site,
        name="Landing page",
        scope="component",
        component=link,
        goal_component=link,
        variants=[
            {"name": "Shop", "weight": 50},
            {
                "name": "Sale page",
                "weight": 50,
                "component_overrides": {str(link.pk): {"url": "https://shop.example.com/sale"}},
            },
        ],
        actor=None,
    )
    control = _browser(alpha, _visitor_in(experiment, "A"))
    variant = _browser(alpha, _visitor_in(experiment, "B"))

    assert control.get(f"/b/ada/go/{link.pk}/")["Location"] == "https://shop.example.com/"
    assert variant.get(f"/b/ada/go/{link.pk}/")["Location"] == "https://shop.example.com/sale"
    # Once the test ends without keeping it, everybody goes to the page's own address.
    experiment_end(experiment=experiment, actor=None)
    assert variant.get(f"/b/ada/go/{link.pk}/")["Location"] == "https://shop.example.com/"
