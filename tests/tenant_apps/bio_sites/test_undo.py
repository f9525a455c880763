"""Undo of the last content change: revisions recorded by the services, restored exactly."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tenant_apps.bio_sites.components import COMPONENT_TYPES
from tenant_apps.bio_sites.errors import ComponentDataInvalidError, NothingToUndoError
from tenant_apps.bio_sites.models import BioComponent, BioRevision
from tenant_apps.bio_sites.services import (
    REVISIONS_KEPT,
    bio_component_add,
    bio_component_delete,
    bio_component_duplicate,
    bio_component_move,
    bio_component_update,
    bio_site_create,
    bio_site_publish,
    bio_site_settings_update,
    bio_site_undo,
)
from tests.helpers import add_member, client_for_member, host_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def site():
    return bio_site_create(name="Ada's links", slug="ada", actor=None)


@pytest.fixture
def links(site):
    return [
        bio_component_add(
            site=site,
            type_key="link",
            data={"title": title, "url": f"https://example.com/{n}"},
            actor=None,
        )
        for n, title in enumerate(["First", "Second", "Third"])
    ]


@pytest.fixture
def editor_client(alpha):
    return client_for_member(add_member(alpha, "editor"), alpha)


def _state(site) -> list[tuple]:
    rows = BioComponent.objects.filter(site=site).order_by("position")
    return [
        (str(c.pk), c.type, c.data, c.position, c.is_visible, c.visible_from, c.visible_until)
        for c in rows
    ]


def _latest(site) -> str:
    return BioRevision.objects.filter(site=site).order_by("-id").first().summary


def test_each_content_change_records_a_readable_summary(site, links):
    assert _latest(site) == "Added a Link"
    bio_component_move(component=links[2], position=0, actor=None)
    assert _latest(site) == "Moved ‘Third’"  # noqa: RUF001
    bio_component_update(component=links[0], data={"title": "A", "url": "https://a.io"}, actor=None)
    assert _latest(site) == "Edited ‘First’"  # noqa: RUF001
    bio_component_update(component=links[1], is_visible=False, actor=None)
    assert _latest(site) == "Hid ‘Second’"  # noqa: RUF001
    bio_component_duplicate(component=links[1], actor=None)
    assert _latest(site) == "Duplicated ‘Second’"  # noqa: RUF001
    bio_component_delete(component=links[1], actor=None)
    assert _latest(site) == "Deleted a Link"
    bio_site_settings_update(site=site, name="Ada", actor=None)
    assert _latest(site) == "Changed the page settings"


def test_publishing_is_not_undoable(site, links):
    before = BioRevision.objects.filter(site=site).count()
    bio_site_publish(site=site, actor=None)
    assert BioRevision.objects.filter(site=site).count() == before


def test_a_refused_change_records_nothing(site, links):
    before = BioRevision.objects.filter(site=site).count()
    with pytest.raises(ComponentDataInvalidError):
        bio_component_update(component=links[0], data={"title": ""}, actor=None)
    assert BioRevision.objects.filter(site=site).count() == before


def test_only_the_last_twenty_are_kept(site, links):
    for n in range(REVISIONS_KEPT + 5):
        bio_component_update(
            component=links[0], data={"title": f"T{n}", "url": "https://a.io"}, actor=None
        )
    assert BioRevision.objects.filter(site=site).count() == REVISIONS_KEPT
    assert _latest(site) == f"Edited ‘T{REVISIONS_KEPT + 3}’"  # noqa: RUF001


def test_undo_after_delete_restores_the_same_component(site, links):
    bio_component_update(
        component=links[1],
        visible_from=timezone.now() + timedelta(days=1),
        visible_until=timezone.now() + timedelta(days=2),
        actor=None,
    )
    before = _state(site)
    bio_component_delete(component=links[1], actor=None)
    revision = bio_site_undo(site=site, actor=None)
    assert revision.summary == "Deleted a Link"
    assert _state(site) == before  # same id, data, position, schedule


def test_undo_after_reorder_and_edit(site, links):
    before = _state(site)
    bio_component_move(component=links[0], position=2, actor=None)
    bio_component_update(component=links[1], data={"title": "B", "url": "https://b.io"}, actor=None)
    bio_site_undo(site=site, actor=None)
    bio_site_undo(site=site, actor=None)
    assert _state(site) == before


def test_undo_of_an_add_and_a_duplicate_removes_them(site, links):
    before = _state(site)
    bio_component_duplicate(component=links[0], actor=None)
    bio_site_undo(site=site, actor=None)
    assert _state(site) == before
    added = bio_component_add(
        site=site, type_key="divider", data=COMPONENT_TYPES["divider"].example, actor=None
    )
    bio_site_undo(site=site, actor=None)
    assert not BioComponent.objects.filter(pk=added.pk).exists()


def test_undo_restores_settings(site):
    bio_site_settings_update(
        site=site, name="New", theme="brand", seo_description="Hello", actor=None
    )
    bio_site_undo(site=site, actor=None)
    site.refresh_from_db()
    assert (site.name, site.seo_description) == ("Ada's links", "")


def test_nothing_to_undo(site):
    with pytest.raises(NothingToUndoError) as raised:
        bio_site_undo(site=site, actor=None)
    assert raised.value.status == 409


def test_undo_through_http(editor_client, alpha, site, links):
    host = host_of(alpha)
    before = _state(site)
    editor_client.post(
        f"/dashboard/bio/{site.pk}/components/{links[1].pk}/delete/", HTTP_HOST=host, **HTMX
    )
    page = editor_client.get(f"/dashboard/bio/{site.pk}/", HTTP_HOST=host).content.decode()
    assert "Undo Deleted a Link" in page
    response = editor_client.post(f"/dashboard/bio/{site.pk}/undo/", HTTP_HOST=host, **HTMX)
    assert response.status_code == 200
    assert _state(site) == before


def test_undo_with_nothing_left_is_409(editor_client, alpha):
    site = bio_site_create(name="Empty", slug="empty", actor=None)
    response = editor_client.post(
        f"/dashboard/bio/{site.pk}/undo/", HTTP_HOST=host_of(alpha), **HTMX
    )
    assert response.status_code == 409
    assert "There is no change to undo." in response.content.decode()


def test_undo_shows_on_the_public_page(
    editor_client, alpha, site, links, django_capture_on_commit_callbacks
):
    host = host_of(alpha)
    bio_site_publish(site=site, actor=None)
    visitor = Client(HTTP_HOST=host)
    with django_capture_on_commit_callbacks(execute=True):
        bio_component_delete(component=links[0], actor=None)
    assert ">First<" not in visitor.get("/b/ada/").content.decode()  # cached without it
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/dashboard/bio/{site.pk}/undo/", HTTP_HOST=host)
    assert "First" in visitor.get("/b/ada/").content.decode()
