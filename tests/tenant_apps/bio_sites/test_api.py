"""The bio sites in the workspace API (/api/v1/bio/…): the builder driven by an
integration, with the dashboard's role rules, the features' gate and isolation."""

import json

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from tenant_apps.bio_sites.components import COMPONENT_TYPES
from tenant_apps.bio_sites.models import BioComponent, BioSite
from tenant_apps.bio_sites.services import bio_component_add, bio_site_create
from tests.helpers import add_member, client_for_member, error_code, host_of
from tests.shared_apps.billing.support import choose

pytestmark = pytest.mark.django_db

BASE = "/api/v1/bio"
LINK = {"title": "My shop", "url": "https://shop.example.com"}


@pytest.fixture
def api_on(alpha, owner):
    choose(alpha, "api_access", "bio_sites", actor=owner)


class Api:
    """A JSON client on one workspace host."""

    def __init__(self, client: Client, workspace):
        self.client = client
        self.host = host_of(workspace)

    def get(self, path, **params):
        return self.client.get(BASE + path, params, HTTP_HOST=self.host)

    def _send(self, method, path, body):
        return getattr(self.client, method)(
            BASE + path,
            data=json.dumps(body) if body is not None else None,
            content_type="application/json",
            HTTP_HOST=self.host,
        )

    def post(self, path, body=None):
        return self._send("post", path, body)

    def patch(self, path, body):
        return self._send("patch", path, body)

    def delete(self, path):
        return self._send("delete", path, None)


@pytest.fixture
def api(staff_client, alpha, api_on):
    return Api(staff_client, alpha)


@pytest.fixture
def site():
    return bio_site_create(name="Ada's links", slug="ada", actor=None)


def test_without_api_access_the_api_is_refused_with_the_gate_code(staff_client, alpha):
    response = Api(staff_client, alpha).get("/sites")

    assert response.status_code == 403
    assert error_code(response) == "feature_disabled"


def test_anonymous_callers_must_sign_in(alpha, api_on):
    response = Api(Client(), alpha).get("/sites")

    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"


def test_create_read_update_and_list_a_site(api):
    created = api.post("/sites", {"name": "Ada's links", "slug": "ada"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["slug"] == "ada" and body["is_published"] is False
    assert body["theme"] == "brand" and body["public_path"] == "/b/ada/"

    updated = api.patch(f"/sites/{body['id']}", {"theme": "sunset", "seo_title": "Ada"})
    assert updated.status_code == 200
    assert updated.json()["theme"] == "sunset"
    assert updated.json()["name"] == "Ada's links"  # fields not sent are left alone

    listed = api.get("/sites", search="ad")
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert [row["slug"] for row in listed.json()["items"]] == ["ada"]
    assert api.get("/sites", search="zzz").json()["count"] == 0


def test_bad_site_input_is_a_clear_error_and_stores_nothing(api, site):
    taken = api.post("/sites", {"name": "Other", "slug": "ada"})
    assert taken.status_code == 400
    assert error_code(taken) == "bio_site_slug_taken"

    reserved = api.post("/sites", {"name": "Other", "slug": "dashboard"})
    assert reserved.status_code == 400
    assert "slug" in reserved.json()["error"]["fields"]

    missing = api.post("/sites", {"slug": "other"})
    assert missing.status_code == 422
    assert "name" in missing.json()["error"]["fields"]

    theme = api.patch(f"/sites/{site.pk}", {"theme": "no-such-theme", "name": "Renamed"})
    assert theme.status_code == 400
    assert theme.json()["error"]["fields"] == {"theme": ["Choose one of the listed themes."]}

    hostile = api.patch(
        f"/sites/{site.pk}", {"custom_css": "@import url(https://evil.test/x.css);"}
    )
    assert hostile.status_code == 400
    assert "custom_css" in hostile.json()["error"]["fields"]

    site.refresh_from_db()
    assert (site.name, site.theme, site.custom_css) == ("Ada's links", "brand", "")
    assert BioSite.objects.count() == 1


def test_components_are_added_validated_moved_scheduled_and_deleted(api, site):
    base = f"/sites/{site.pk}/components"
    header = api.post(base, {"type": "header", "data": {"title": "Ada"}})
    link = api.post(base, {"type": "link", "data": LINK})
    assert header.status_code == link.status_code == 201
    assert link.json()["position"] == 1

    moved = api.post(f"{base}/{link.json()['id']}/move", {"position": 0})
    assert moved.status_code == 200 and moved.json()["position"] == 0
    order = [row["type"] for row in api.get(base).json()]
    assert order == ["link", "header"]

    scheduled = api.patch(
        f"{base}/{link.json()['id']}",
        {"visible_from": "2030-01-01T09:00:00+00:00", "visible_until": "2030-01-31T09:00:00+00:00"},
    )
    assert scheduled.status_code == 200
    assert scheduled.json()["visible_from"].startswith("2030-01-01T09:00:00")

    backwards = api.patch(
        f"{base}/{link.json()['id']}", {"visible_until": "2029-01-01T09:00:00+00:00"}
    )
    assert backwards.status_code == 400
    assert error_code(backwards) == "bio_component_schedule_invalid"

    cleared = api.patch(
        f"{base}/{link.json()['id']}", {"visible_from": None, "visible_until": None}
    )
    assert cleared.json()["visible_from"] is None and cleared.json()["visible_until"] is None

    assert api.delete(f"{base}/{header.json()['id']}").status_code == 204
    assert [row["type"] for row in api.get(base).json()] == ["link"]


def test_invalid_component_data_is_refused_field_by_field(api, site):
    base = f"/sites/{site.pk}/components"
    bad_url = api.post(base, {"type": "link", "data": {"title": "x", "url": "javascript:alert(1)"}})
    assert bad_url.status_code == 400
    assert error_code(bad_url) == "bio_component_data_invalid"
    assert "url" in bad_url.json()["error"]["fields"]

    unknown = api.post(base, {"type": "marquee", "data": {}})
    assert unknown.status_code == 400
    assert error_code(unknown) == "bio_component_type_unknown"

    link = bio_component_add(site=site, type_key="link", data=LINK, actor=None)
    extra = api.patch(f"{base}/{link.pk}", {"data": {**LINK, "onclick": "steal()"}})
    assert extra.status_code == 400
    assert BioComponent.objects.get(pk=link.pk).data["title"] == "My shop"
    assert BioComponent.objects.count() == 1


def test_duplicate_and_undo(api, site):
    base = f"/sites/{site.pk}/components"
    link = api.post(base, {"type": "link", "data": LINK}).json()

    copy = api.post(f"{base}/{link['id']}/duplicate")
    assert copy.status_code == 201
    assert copy.json()["position"] == 1 and copy.json()["data"] == link["data"]

    undone = api.post(f"/sites/{site.pk}/undo")
    assert undone.status_code == 200
    assert [row["id"] for row in api.get(base).json()] == [link["id"]]


def test_publishing_puts_the_page_online_and_takes_it_down(
    api, site, alpha, django_capture_on_commit_callbacks
):
    bio_component_add(site=site, type_key="header", data={"title": "Ada online"}, actor=None)
    visitor = Client(HTTP_HOST=host_of(alpha))
    assert visitor.get("/b/ada/").status_code == 404

    # The cache is retired when the write commits: run those callbacks as a commit would.
    with django_capture_on_commit_callbacks(execute=True):
        published = api.post(f"/sites/{site.pk}/publish")
    assert published.status_code == 200 and published.json()["is_published"] is True
    assert "Ada online" in visitor.get("/b/ada/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/sites/{site.pk}/unpublish").json()["is_published"] is False
    assert visitor.get("/b/ada/").status_code == 404


def test_delete_a_site(api, site):
    assert api.delete(f"/sites/{site.pk}").status_code == 204
    assert not BioSite.objects.filter(pk=site.pk).exists()
    assert api.get(f"/sites/{site.pk}").status_code == 404


def test_component_types_publish_their_json_schema_and_a_valid_example(api):
    response = api.get("/component-types")
    assert response.status_code == 200
    rows = {row["key"]: row for row in response.json()}
    assert len(rows) == len(COMPONENT_TYPES) >= 50
    assert rows["link"]["data_schema"]["properties"]["url"]["type"] == "string"
    assert rows["youtube"]["example"] == COMPONENT_TYPES["youtube"].example


def test_viewers_read_and_cannot_change(alpha, api_on, site):
    viewer = Api(client_for_member(add_member(alpha, "viewer"), alpha), alpha)
    link = bio_component_add(site=site, type_key="link", data=LINK, actor=None)

    assert viewer.get(f"/sites/{site.pk}").status_code == 200
    assert viewer.get(f"/sites/{site.pk}/components").status_code == 200
    for response in (
        viewer.post("/sites", {"name": "Mine", "slug": "mine"}),
        viewer.patch(f"/sites/{site.pk}", {"name": "Mine"}),
        viewer.post(f"/sites/{site.pk}/publish"),
        viewer.post(f"/sites/{site.pk}/components", {"type": "link", "data": LINK}),
        viewer.post(f"/sites/{site.pk}/components/{link.pk}/move", {"position": 0}),
        viewer.delete(f"/sites/{site.pk}/components/{link.pk}"),
        viewer.delete(f"/sites/{site.pk}"),
    ):
        assert response.status_code == 403
        assert error_code(response) == "permission_denied"
    site.refresh_from_db()
    assert site.name == "Ada's links" and not site.is_published
    assert BioComponent.objects.filter(pk=link.pk).exists()
    assert BioSite.objects.count() == 1


def test_editors_change_sites(alpha, api_on, site):
    editor = Api(client_for_member(add_member(alpha, "editor"), alpha), alpha)

    assert editor.patch(f"/sites/{site.pk}", {"name": "Edited"}).status_code == 200
    assert editor.post(f"/sites/{site.pk}/publish").status_code == 200


def test_another_workspaces_sites_and_components_are_not_found(api, alpha, beta, owner, site):
    choose(beta, "api_access", "bio_sites", actor=owner)
    with tenant_context(beta):
        theirs = bio_site_create(name="Beta links", slug="beta-links", actor=None)
        their_link = bio_component_add(site=theirs, type_key="link", data=LINK, actor=None)

    assert api.get(f"/sites/{theirs.pk}").status_code == 404
    assert api.patch(f"/sites/{theirs.pk}", {"name": "Taken"}).status_code == 404
    assert api.post(f"/sites/{theirs.pk}/publish").status_code == 404
    # A component of beta through alpha's own site: still not found.
    assert api.get(f"/sites/{site.pk}/components/{their_link.pk}").status_code == 404
    assert api.delete(f"/sites/{site.pk}/components/{their_link.pk}").status_code == 404
    assert [row["slug"] for row in api.get("/sites").json()["items"]] == ["ada"]

    with tenant_context(beta):
        theirs.refresh_from_db()
        assert theirs.name == "Beta links" and not theirs.is_published
        assert BioComponent.objects.filter(pk=their_link.pk).exists()


def test_the_endpoints_are_in_the_openapi_document(client, alpha):
    paths = client.get("/api/v1/openapi.json", HTTP_HOST=host_of(alpha)).json()["paths"]
    for path in (
        "/api/v1/bio/sites",
        "/api/v1/bio/sites/{site_id}",
        "/api/v1/bio/sites/{site_id}/publish",
        "/api/v1/bio/sites/{site_id}/components",
        "/api/v1/bio/sites/{site_id}/components/{component_id}/move",
        "/api/v1/bio/component-types",
        "/api/v1/bio/sites/{site_id}/experiments",
        "/api/v1/bio/sites/{site_id}/experiments/{experiment_id}/end",
    ):
        assert path in paths, path


def _ab_payload(link, **overrides):
    payload = {
        "name": "Sale wording",
        "goal_component_id": str(link.pk),
        "variants": [
            {"name": "Original", "weight": 50},
            {
                "name": "Sale",
                "weight": 50,
                "component_overrides": {str(link.pk): {"title": "Shop the sale"}},
            },
        ],
    }
    payload.update(overrides)
    return payload


def test_an_ab_test_is_started_read_with_results_and_ended_keeping_the_winner(
    api, site, django_capture_on_commit_callbacks
):
    link = bio_component_add(site=site, type_key="link", data=LINK, actor=None)

    created = api.post(f"/sites/{site.pk}/experiments", _ab_payload(link))
    assert created.status_code == 201, created.content
    experiment = created.json()
    assert experiment["status"] == "running"
    assert [(v["key"], v["is_control"], v["weight"]) for v in experiment["variants"]] == [
        ("A", True, 50),
        ("B", False, 50),
    ]

    second = api.post(f"/sites/{site.pk}/experiments", _ab_payload(link, name="Another"))
    assert second.status_code == 409
    assert error_code(second) == "bio_experiment_running"

    detail = api.get(f"/sites/{site.pk}/experiments/{experiment['id']}")
    assert detail.status_code == 200
    results = detail.json()
    assert [row["views"] for row in results["variants"]] == [0, 0]
    assert results["enough_data"] is False and results["best_variant_id"] is None
    assert all(row["p_value"] is None for row in results["variants"])

    listed = api.get(f"/sites/{site.pk}/experiments").json()
    assert [row["id"] for row in listed["items"]] == [experiment["id"]]

    sale = experiment["variants"][1]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        ended = api.post(
            f"/sites/{site.pk}/experiments/{experiment['id']}/end", {"keep_variant_id": sale}
        )
    assert ended.status_code == 200
    assert ended.json()["status"] == "ended" and ended.json()["winner_id"] == sale
    link.refresh_from_db()
    assert link.data["title"] == "Shop the sale"

    again = api.post(f"/sites/{site.pk}/experiments/{experiment['id']}/end", {})
    assert again.status_code == 409
    assert api.delete(f"/sites/{site.pk}/experiments/{experiment['id']}").status_code == 204


def test_bad_ab_tests_are_refused_with_field_errors(api, site):
    link = bio_component_add(site=site, type_key="link", data=LINK, actor=None)
    base = f"/sites/{site.pk}/experiments"

    weights = api.post(
        base,
        _ab_payload(link, variants=[{"name": "A", "weight": 50}, {"name": "B", "weight": 20}]),
    )
    assert weights.status_code == 422
    assert error_code(weights) == "bio_experiment_invalid"

    bad_override = api.post(
        base,
        _ab_payload(
            link,
            variants=[
                {"name": "A", "weight": 50},
                {
                    "name": "B",
                    "weight": 50,
                    "component_overrides": {str(link.pk): {"url": "javascript:alert(1)"}},
                },
            ],
        ),
    )
    assert bad_override.status_code == 422
    assert any("url" in key for key in bad_override.json()["error"]["fields"])

    stranger = api.post(base, _ab_payload(link, goal_component_id=str(site.pk)))
    assert stranger.status_code == 422
    assert "goal_component_id" in stranger.json()["error"]["fields"]

    assert api.get(base).json()["count"] == 0


def test_viewers_read_ab_tests_and_cannot_start_or_end_them(alpha, api_on, api, site):
    link = bio_component_add(site=site, type_key="link", data=LINK, actor=None)
    experiment = api.post(f"/sites/{site.pk}/experiments", _ab_payload(link)).json()
    viewer = Api(client_for_member(add_member(alpha, "viewer"), alpha), alpha)

    assert viewer.get(f"/sites/{site.pk}/experiments/{experiment['id']}").status_code == 200
    started = viewer.post(f"/sites/{site.pk}/experiments", _ab_payload(link, name="Mine"))
    ended = viewer.post(f"/sites/{site.pk}/experiments/{experiment['id']}/end", {})
    assert started.status_code == ended.status_code == 403
    assert (
        api.get(f"/sites/{site.pk}/experiments/{experiment['id']}").json()["experiment"]["status"]
        == "running"
    )


def test_analytics_summaries_count_real_views_and_clicks(api, site, alpha):
    from django.test import RequestFactory

    from tenant_apps.analytics.models import Event
    from tenant_apps.analytics.services import event_record

    link = bio_component_add(site=site, type_key="link", data=LINK, actor=None)
    bio_component_add(site=site, type_key="header", data={"title": "Ada"}, actor=None)
    api.post(f"/sites/{site.pk}/publish")
    agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"):
        request = RequestFactory().get(
            "/b/ada/", HTTP_USER_AGENT=agent, REMOTE_ADDR=address, HTTP_REFERER="https://t.co/x"
        )
        event_record(
            request=request, kind=Event.PAGE_VIEW, subject_type="bio_site", subject_id=str(site.pk)
        )
    # A real click through the page's redirect, from one of those visitors.
    visitor = Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT=agent, REMOTE_ADDR="198.51.100.1")
    assert visitor.get(f"/b/ada/go/{link.pk}/").status_code == 302

    response = api.get(f"/sites/{site.pk}/analytics", preset="7")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["views"], body["unique_visitors"], body["clicks"]) == (4, 4, 1)
    assert body["ctr"] == 0.25
    assert body["referrers"] == [{"value": "t.co", "count": 4}]
    assert body["devices"] == [{"value": "mobile", "count": 4}]
    shop = next(row for row in body["links"] if row["component_id"] == str(link.pk))
    assert (shop["label"], shop["clicks"], shop["ctr"]) == ("My shop", 1, 0.25)
    assert len(body["daily"]) == 7 and sum(day["views"] for day in body["daily"]) == 4

    backwards = api.get(f"/sites/{site.pk}/analytics", start="2026-02-01", end="2026-01-01")
    assert backwards.status_code == 400
    assert "end" in backwards.json()["error"]["fields"]
    bad = api.get(f"/sites/{site.pk}/analytics", start="yesterday", end="2026-01-01")
    assert bad.status_code == 400
    assert "start" in bad.json()["error"]["fields"]


def test_another_workspaces_analytics_are_not_found(api, beta, owner):
    with tenant_context(beta):
        theirs = bio_site_create(name="Beta links", slug="beta-links", actor=None)
    assert api.get(f"/sites/{theirs.pk}/analytics").status_code == 404
