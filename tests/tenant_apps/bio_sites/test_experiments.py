"""A/B tests: starting one (and every way it is refused), results from recorded events,
ending it and keeping the winner, and the dashboard pages with their roles."""

import pytest
from django.test import Client, RequestFactory
from django_tenants.utils import tenant_context

from tenant_apps.analytics.models import Event
from tenant_apps.analytics.services import event_record
from tenant_apps.bio_sites.ab_stats import two_proportion_test
from tenant_apps.bio_sites.errors import (
    BioErrorCode,
    ExperimentAlreadyRunningError,
    ExperimentInvalidError,
    ExperimentNotRunningError,
)
from tenant_apps.bio_sites.experiment_selectors import (
    MIN_VISITORS_PER_VARIANT,
    experiment_get_for_site,
    experiment_results,
    experiments_for_site,
)
from tenant_apps.bio_sites.experiment_services import (
    experiment_create,
    experiment_delete,
    experiment_end,
)
from tenant_apps.bio_sites.models import BioExperiment, BioVariant
from tenant_apps.bio_sites.services import bio_component_add, bio_site_create, bio_site_publish
from tests.helpers import add_member, client_for_member, host_of

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


@pytest.fixture
def site():
    site = bio_site_create(name="Ada's links", slug="ada", actor=None)
    bio_component_add(site=site, type_key="header", data={"title": "Ada Lovelace"}, actor=None)
    return bio_site_publish(site=site, actor=None)


@pytest.fixture
def header(site):
    return site.components.get(type="header")


@pytest.fixture
def link(site):
    return bio_component_add(
        site=site,
        type_key="link",
        data={"title": "My shop", "url": "https://shop.example.com/"},
        actor=None,
    )


@pytest.fixture
def other_link(site):
    return bio_component_add(
        site=site,
        type_key="link",
        data={"title": "Newsletter", "url": "https://news.example.com/"},
        actor=None,
    )


def _create(site, **overrides):
    arguments = {
        "site": site,
        "name": "Sale wording",
        "scope": "site",
        "variants": [{"name": "Original", "weight": 50}, {"name": "Sale", "weight": 50}],
        "actor": None,
    }
    arguments.update(overrides)
    return experiment_create(**arguments)


def _refused(site, **overrides) -> dict[str, list[str]]:
    with pytest.raises(ExperimentInvalidError) as raised:
        _create(site, **overrides)
    assert raised.value.status == 422
    assert not BioExperiment.objects.filter(site=site).exists()
    return raised.value.fields


# --- starting a test --------------------------------------------------------------


def test_a_test_starts_running_with_keyed_variants_and_cleaned_overrides(site, header, link):
    experiment = _create(
        site,
        goal_component=link,
        variants=[
            {"name": "Original", "weight": 60},
            {
                "name": "Sale",
                "weight": 40,
                "theme": "midnight",
                "component_overrides": {str(link.pk).upper(): {"title": "  Shop the sale  "}},
                "hidden_component_ids": [str(header.pk)],
            },
        ],
    )
    assert experiment.status == BioExperiment.Status.RUNNING
    assert experiment.started_at is not None and experiment.goal_component == link
    control, sale = experiment.variants.order_by("key")
    assert (control.key, control.is_control, control.weight) == ("A", True, 60)
    assert (sale.key, sale.is_control, sale.weight, sale.theme) == ("B", False, 40, "midnight")
    # Only the fields the variant changes are kept, cleaned by the link's schema.
    assert sale.component_overrides == {str(link.pk): {"title": "Shop the sale"}}
    assert sale.hidden_component_ids == [str(header.pk)]


@pytest.mark.parametrize(
    ("variants", "field"),
    [
        ([{"name": "Only", "weight": 100}], "variants"),
        ([{"name": x, "weight": 20} for x in "ABCDE"], "variants"),
        ([{"name": "A", "weight": 50}, {"name": "B", "weight": 40}], "variants"),
        ([{"name": "A", "weight": 0}, {"name": "B", "weight": 100}], "variants.0.weight"),
        ([{"name": "A", "weight": 50}, {"name": "B", "weight": "lots"}], "variants.1.weight"),
        ([{"name": "A", "weight": 50}, {"name": "", "weight": 50}], "variants.1.name"),
        (
            [{"name": "A", "weight": 50}, {"name": "B", "weight": 50, "theme": "nope"}],
            "variants.1.theme",
        ),
        (
            [{"name": "A", "weight": 50, "theme": "midnight"}, {"name": "B", "weight": 50}],
            "variants.0.theme",
        ),
    ],
    ids=[
        "one-variant",
        "five-variants",
        "weights-not-100",
        "weight-zero",
        "weight-not-a-number",
        "unnamed",
        "unknown-theme",
        "control-changes",
    ],
)
def test_bad_variants_are_refused_with_field_errors(site, variants, field):
    fields = _refused(site, variants=variants)
    assert field in fields, fields


def test_an_override_invalid_for_the_components_type_is_refused(site, link, header):
    fields = _refused(
        site,
        variants=[
            {"name": "A", "weight": 50},
            {
                "name": "B",
                "weight": 50,
                "component_overrides": {
                    str(link.pk): {"url": "javascript:alert(1)"},
                    str(header.pk): {"no_such_setting": "x"},
                },
            },
        ],
    )
    assert f"variants.1.component_overrides.{link.pk}.url" in fields
    assert any(key.startswith(f"variants.1.component_overrides.{header.pk}") for key in fields)


def test_overrides_and_hidden_components_must_be_of_this_page(site, link):
    elsewhere = bio_site_create(name="Other", slug="other", actor=None)
    foreign = bio_component_add(
        site=elsewhere,
        type_key="link",
        data={"title": "X", "url": "https://x.example.com/"},
        actor=None,
    )
    fields = _refused(
        site,
        variants=[
            {"name": "A", "weight": 50},
            {
                "name": "B",
                "weight": 50,
                "component_overrides": {str(foreign.pk): {"title": "Y"}},
                "hidden_component_ids": [str(foreign.pk), "not-an-id"],
            },
        ],
    )
    assert "variants.1.component_overrides" in fields
    assert len(fields["variants.1.hidden_component_ids"]) == 2


def test_a_component_test_changes_only_its_component(site, link, other_link):
    fields = _refused(
        site,
        scope="component",
        component=link,
        variants=[
            {"name": "A", "weight": 50},
            {
                "name": "B",
                "weight": 50,
                "theme": "midnight",
                "component_overrides": {str(other_link.pk): {"title": "Y"}},
                "hidden_component_ids": [str(other_link.pk)],
            },
        ],
    )
    assert {
        "variants.1.theme",
        "variants.1.component_overrides",
        "variants.1.hidden_component_ids",
    } <= set(fields)
    assert "component" in _refused(site, scope="component")
    assert "scope" in _refused(site, scope="everything")
    experiment = _create(
        site,
        scope="component",
        component=link,
        variants=[
            {"name": "A", "weight": 50},
            {"name": "B", "weight": 50, "component_overrides": {str(link.pk): {"title": "New"}}},
        ],
    )
    assert experiment.component == link


def test_the_goal_must_be_a_clickable_component_of_this_page(site, header):
    elsewhere = bio_site_create(name="Other", slug="other", actor=None)
    foreign = bio_component_add(
        site=elsewhere,
        type_key="link",
        data={"title": "X", "url": "https://x.example.com/"},
        actor=None,
    )
    assert "goal_component" in _refused(site, goal_component=foreign)
    assert "goal_component" in _refused(site, goal_component=header)


def test_a_second_running_test_on_the_same_page_is_a_409(site):
    first = _create(site)
    with pytest.raises(ExperimentAlreadyRunningError) as raised:
        _create(site, name="Another")
    assert raised.value.status == 409
    assert raised.value.code == BioErrorCode.EXPERIMENT_RUNNING
    assert list(BioExperiment.objects.filter(site=site)) == [first]
    experiment_end(experiment=first, actor=None)
    assert _create(site, name="Another").status == BioExperiment.Status.RUNNING


# --- results ----------------------------------------------------------------------


def _record(site, *, variant, visitor: int, kind=Event.PAGE_VIEW, target=None):
    """Through the real recorders: a distinct address per visitor, so distinct hashes."""
    meta = {"HTTP_USER_AGENT": BROWSER, "REMOTE_ADDR": f"10.0.{visitor // 250}.{visitor % 250}"}
    event_record(
        request=RequestFactory().get("/", **meta),
        kind=kind,
        subject_type="bio_site",
        subject_id=str(site.pk),
        variant=str(variant.pk),
        metadata={"target": str(target.pk)} if target is not None else None,
    )


def test_results_count_views_visitors_and_goal_clicks_and_test_them(site, link, other_link):
    experiment = _create(site, goal_component=link)
    control, sale = experiment.variants.order_by("key")
    for n in range(120):
        _record(site, variant=control, visitor=n)
        _record(site, variant=sale, visitor=1000 + n)
    _record(site, variant=sale, visitor=1000)  # a second view by the same visitor
    for n in range(12):
        _record(site, variant=control, visitor=n, kind=Event.CLICK, target=link)
    for n in range(30):
        _record(site, variant=sale, visitor=1000 + n, kind=Event.CLICK, target=link)
    _record(site, variant=sale, visitor=1000, kind=Event.CLICK, target=link)  # twice: one visitor
    _record(site, variant=sale, visitor=1001, kind=Event.CLICK, target=other_link)  # not the goal

    results = experiment_results(experiment=experiment)
    by_key = {row.variant.key: row for row in results.variants}
    a, b = by_key["A"], by_key["B"]
    assert (a.views, a.visitors, a.goal_clicks, a.converted) == (120, 120, 12, 12)
    assert (b.views, b.visitors, b.goal_clicks, b.converted) == (121, 120, 31, 30)
    assert b.ctr == pytest.approx(31 / 121)
    assert b.conversion_rate == pytest.approx(0.25)
    assert b.lift == pytest.approx((0.25 - 0.10) / 0.10)
    z, p_value = two_proportion_test(30, 120, 12, 120)
    assert (b.z, b.p_value) == (pytest.approx(z), pytest.approx(p_value))
    assert p_value < 0.05 and b.enough_data and b.significant
    assert a.p_value is None and a.lift is None
    assert results.best == b


def test_any_link_counts_when_no_goal_is_set(site, link, other_link):
    experiment = _create(site)
    control = experiment.variants.get(key="A")
    _record(site, variant=control, visitor=1)
    _record(site, variant=control, visitor=1, kind=Event.CLICK, target=other_link)
    _record(site, variant=control, visitor=1, kind=Event.CLICK, target=link)
    row = experiment_results(experiment=experiment).variants[0]
    assert (row.goal_clicks, row.converted) == (2, 1)


def test_small_samples_get_no_verdict_even_with_a_small_p_value(site, link):
    experiment = _create(site, goal_component=link)
    control, sale = experiment.variants.order_by("key")
    visitors = MIN_VISITORS_PER_VARIANT // 2
    for n in range(visitors):
        _record(site, variant=control, visitor=n)
        _record(site, variant=sale, visitor=1000 + n)
        _record(site, variant=sale, visitor=1000 + n, kind=Event.CLICK, target=link)
    sale_row = experiment_results(experiment=experiment).variants[1]
    assert sale_row.p_value is not None and sale_row.p_value < 0.001
    assert not sale_row.enough_data and not sale_row.significant


def test_no_events_give_empty_results_without_errors(site):
    results = experiment_results(experiment=_create(site))
    for row in results.variants:
        assert (row.views, row.visitors, row.goal_clicks) == (0, 0, 0)
        assert row.ctr is None and row.p_value is None and not row.significant
    assert results.best is None and not results.enough_data


def test_events_of_another_workspace_are_never_counted(alpha, beta, site, link):
    experiment = _create(site, goal_component=link)
    control = experiment.variants.get(key="A")
    _record(site, variant=control, visitor=1)
    with tenant_context(beta):
        beta_site = bio_site_publish(
            site=bio_site_create(name="Beta", slug="ada", actor=None), actor=None
        )
        beta_experiment = _create(beta_site)
        beta_control = beta_experiment.variants.get(key="A")
        # Events in beta carrying alpha's ids are still beta's events.
        for n in range(5):
            _record(site, variant=control, visitor=n)
        _record(beta_site, variant=beta_control, visitor=9)
        beta_rows = experiment_results(experiment=beta_experiment).variants
        assert beta_rows[0].views == 1
    assert experiment_results(experiment=experiment).variants[0].views == 1


# --- ending -----------------------------------------------------------------------


def test_keeping_a_winner_applies_its_changes_to_the_live_page(site, header, link, other_link):
    experiment = _create(
        site,
        variants=[
            {"name": "A", "weight": 50},
            {
                "name": "B",
                "weight": 50,
                "theme": "sunset",
                "component_overrides": {str(link.pk): {"title": "Shop the sale"}},
                "hidden_component_ids": [str(header.pk)],
            },
        ],
    )
    sale = experiment.variants.get(key="B")
    ended = experiment_end(experiment=experiment, actor=None, keep_variant=sale)
    assert ended.status == BioExperiment.Status.ENDED and ended.ended_at is not None
    assert ended.winner == sale
    site.refresh_from_db()
    link.refresh_from_db()
    header.refresh_from_db()
    other_link.refresh_from_db()
    assert site.theme == "sunset"
    assert link.data["title"] == "Shop the sale"
    assert link.data["url"] == "https://shop.example.com/"
    assert header.is_visible is False
    assert other_link.data["title"] == "Newsletter" and other_link.is_visible


def test_keeping_the_control_changes_nothing_but_records_it(site, link):
    experiment = _create(
        site,
        variants=[
            {"name": "A", "weight": 50},
            {"name": "B", "weight": 50, "component_overrides": {str(link.pk): {"title": "New"}}},
        ],
    )
    control = experiment.variants.get(key="A")
    ended = experiment_end(experiment=experiment, actor=None, keep_variant=control)
    link.refresh_from_db()
    assert ended.winner == control and link.data["title"] == "My shop"


def test_an_ended_test_cannot_end_again_nor_keep_another_tests_variant(site):
    first = _create(site)
    experiment_end(experiment=first, actor=None)
    with pytest.raises(ExperimentNotRunningError):
        experiment_end(experiment=first, actor=None)
    second = _create(site, name="Second")
    with pytest.raises(ExperimentInvalidError) as raised:
        experiment_end(experiment=second, actor=None, keep_variant=first.variants.get(key="B"))
    assert "keep_variant" in raised.value.fields
    second.refresh_from_db()
    assert second.status == BioExperiment.Status.RUNNING


def test_only_ended_tests_can_be_deleted(site):
    experiment = _create(site)
    with pytest.raises(ExperimentAlreadyRunningError):
        experiment_delete(experiment=experiment, actor=None)
    experiment_end(experiment=experiment, actor=None)
    experiment_delete(experiment=experiment, actor=None)
    assert not BioExperiment.objects.exists() and not BioVariant.objects.exists()


def test_selectors_look_up_tests_within_their_site_only(site):
    experiment = _create(site)
    elsewhere = bio_site_create(name="Other", slug="other", actor=None)
    assert list(experiments_for_site(site=site)) == [experiment]
    assert experiment_get_for_site(site=site, experiment_id=experiment.pk) == experiment
    from django.http import Http404

    with pytest.raises(Http404):
        experiment_get_for_site(site=elsewhere, experiment_id=experiment.pk)


# --- dashboard pages --------------------------------------------------------------


def _client(alpha, role):
    return client_for_member(add_member(alpha, role), alpha)


def _urls(site, experiment) -> dict[str, str]:
    base = f"/dashboard/bio/{site.pk}/experiments/"
    return {
        "list": base,
        "new": f"{base}new/",
        "detail": f"{base}{experiment.pk}/",
        "end": f"{base}{experiment.pk}/end/",
        "delete": f"{base}{experiment.pk}/delete/",
    }


def _form(link, **extra) -> dict[str, str]:
    data = {
        "name": "Button text",
        "scope": "site",
        "component": "",
        "goal_component": str(link.pk),
        "v0-name": "Original",
        "v0-weight": "50",
        "v1-name": "Sale",
        "v1-weight": "50",
        "v1-theme": "",
        "v1-component_overrides": f'{{"{link.pk}": {{"title": "Shop the sale"}}}}',
    }
    data.update(extra)
    return data


def test_a_viewer_reads_results_but_cannot_start_or_end(alpha, site, link):
    experiment = _create(site, goal_component=link)
    client, urls = _client(alpha, "viewer"), _urls(site, experiment)
    host = host_of(alpha)
    listing = client.get(urls["list"], HTTP_HOST=host)
    assert listing.status_code == 200 and "Sale wording" in listing.content.decode()
    assert "New A/B test" not in listing.content.decode()
    detail = client.get(urls["detail"], HTTP_HOST=host)
    assert detail.status_code == 200
    assert "Not enough data yet" in detail.content.decode()
    assert "End test" not in detail.content.decode()
    assert client.get(urls["new"], HTTP_HOST=host).status_code == 403
    assert client.post(urls["new"], _form(link), HTTP_HOST=host).status_code == 403
    assert client.post(urls["end"], {}, HTTP_HOST=host).status_code == 403
    experiment.refresh_from_db()
    assert experiment.status == BioExperiment.Status.RUNNING


def test_signed_out_visitors_are_sent_to_sign_in(alpha, site):
    response = Client().get(f"/dashboard/bio/{site.pk}/experiments/", HTTP_HOST=host_of(alpha))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.parametrize("role", ["editor", "admin", "owner"])
def test_editors_and_up_start_a_test_from_the_form(alpha, site, link, role):
    client, host = _client(alpha, role), host_of(alpha)
    page = client.get(f"/dashboard/bio/{site.pk}/experiments/new/", HTTP_HOST=host)
    assert page.status_code == 200 and "Variant B" in page.content.decode()
    response = client.post(
        f"/dashboard/bio/{site.pk}/experiments/new/", _form(link), HTTP_HOST=host
    )
    experiment = BioExperiment.objects.get(site=site)
    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/bio/{site.pk}/experiments/{experiment.pk}/"
    sale = experiment.variants.get(key="B")
    assert sale.component_overrides == {str(link.pk): {"title": "Shop the sale"}}
    assert experiment.goal_component == link


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"v1-weight": "40"}, "add up to 100"),
        ({"v1-component_overrides": "{not json"}, "not valid JSON"),
        ({"v1-component_overrides": '{"%s": {"url": "ftp://x"}}'}, "url:"),
        ({"name": ""}, "This field is required"),
    ],
    ids=["weights", "json", "override-invalid", "no-name"],
)
def test_a_bad_form_is_a_422_with_field_errors_and_saves_nothing(alpha, site, link, extra, message):
    client, host = _client(alpha, "editor"), host_of(alpha)
    extra = {k: (v % link.pk if "%s" in v else v) for k, v in extra.items()}
    response = client.post(
        f"/dashboard/bio/{site.pk}/experiments/new/", _form(link, **extra), HTTP_HOST=host
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not BioExperiment.objects.exists()


def test_a_second_test_from_the_form_is_a_409_with_the_reason(alpha, site, link):
    _create(site)
    client, host = _client(alpha, "editor"), host_of(alpha)
    response = client.post(
        f"/dashboard/bio/{site.pk}/experiments/new/", _form(link), HTTP_HOST=host
    )
    assert response.status_code == 409
    assert "already has an A/B test running" in response.content.decode()
    assert BioExperiment.objects.count() == 1


def test_an_editor_ends_a_test_keeping_the_winner(alpha, site, link):
    experiment = _create(
        site,
        variants=[
            {"name": "A", "weight": 50},
            {"name": "B", "weight": 50, "component_overrides": {str(link.pk): {"title": "Won"}}},
        ],
    )
    client, host, urls = _client(alpha, "editor"), host_of(alpha), _urls(site, experiment)
    confirm = client.get(urls["end"], HTTP_HOST=host)
    assert confirm.status_code == 200 and "apply its changes" in confirm.content.decode()
    sale = experiment.variants.get(key="B")
    response = client.post(urls["end"], {"keep_variant": str(sale.pk)}, HTTP_HOST=host)
    assert response.status_code == 302
    experiment.refresh_from_db()
    link.refresh_from_db()
    assert experiment.status == BioExperiment.Status.ENDED and experiment.winner == sale
    assert link.data["title"] == "Won"
    again = client.post(urls["end"], {"keep_variant": str(sale.pk)}, HTTP_HOST=host)
    assert again.status_code == 409
    deleted = client.post(urls["delete"], HTTP_HOST=host)
    assert deleted.status_code == 302 and not BioExperiment.objects.exists()


def test_ending_with_a_foreign_variant_is_refused(alpha, site):
    experiment = _create(site)
    client, host, urls = _client(alpha, "editor"), host_of(alpha), _urls(site, experiment)
    response = client.post(
        urls["end"], {"keep_variant": "00000000-0000-0000-0000-000000000000"}, HTTP_HOST=host
    )
    assert response.status_code == 422
    experiment.refresh_from_db()
    assert experiment.status == BioExperiment.Status.RUNNING


def test_another_workspaces_tests_are_404_here(alpha, beta, site):
    with tenant_context(beta):
        beta_site = bio_site_create(name="Beta", slug="beta-page", actor=None)
        beta_experiment = _create(beta_site)
    client, host = _client(alpha, "owner"), host_of(alpha)
    own = _create(site)
    elsewhere = bio_site_create(name="Other", slug="other", actor=None)
    for path in (
        f"/dashboard/bio/{site.pk}/experiments/{beta_experiment.pk}/",
        f"/dashboard/bio/{site.pk}/experiments/{beta_experiment.pk}/end/",
        f"/dashboard/bio/{beta_site.pk}/experiments/",
        f"/dashboard/bio/{beta_site.pk}/experiments/{beta_experiment.pk}/",
        f"/dashboard/bio/{elsewhere.pk}/experiments/{own.pk}/",
    ):
        assert client.get(path, HTTP_HOST=host).status_code == 404, path
    assert (
        client.post(
            f"/dashboard/bio/{site.pk}/experiments/{beta_experiment.pk}/end/", HTTP_HOST=host
        ).status_code
        == 404
    )
    with tenant_context(beta):
        beta_experiment.refresh_from_db()
        assert beta_experiment.status == BioExperiment.Status.RUNNING


def test_the_list_shows_an_empty_state_and_the_tabs(alpha, site):
    client = _client(alpha, "editor")
    html = client.get(f"/dashboard/bio/{site.pk}/experiments/", HTTP_HOST=host_of(alpha))
    body = html.content.decode()
    assert html.status_code == 200
    assert "No A/B tests yet" in body
    assert 'aria-current="page">A/B tests' in body


def test_a_filled_fourth_column_becomes_the_third_variant(alpha, site, link):
    client, host = _client(alpha, "editor"), host_of(alpha)
    form = _form(
        link, **{"v1-weight": "30", "v3-name": "Bold", "v3-weight": "20", "v3-theme": "neon"}
    )
    response = client.post(f"/dashboard/bio/{site.pk}/experiments/new/", form, HTTP_HOST=host)
    assert response.status_code == 302
    variants = BioExperiment.objects.get(site=site).variants.order_by("key")
    assert [(v.key, v.name, v.weight, v.theme) for v in variants] == [
        ("A", "Original", 50, ""),
        ("B", "Sale", 30, ""),
        ("C", "Bold", 20, "neon"),
    ]
