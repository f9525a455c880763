from datetime import timedelta

import pytest
from django.utils import timezone

from tenant_apps.bio_sites.errors import (
    BioErrorCode,
    BioSiteInvalidError,
    BioSiteSlugTakenError,
    ComponentDataInvalidError,
    ComponentScheduleInvalidError,
    ComponentTypeUnknownError,
)
from tenant_apps.bio_sites.models import BioComponent, BioSite
from tenant_apps.bio_sites.services import (
    bio_component_add,
    bio_component_delete,
    bio_component_move,
    bio_component_update,
    bio_site_create,
    bio_site_settings_update,
)

pytestmark = pytest.mark.django_db


def _link(n: int) -> dict:
    return {"title": f"Link {n}", "url": f"https://example.com/{n}"}


def _titles(site) -> list[str]:
    components = list(BioComponent.objects.filter(site=site).order_by("position"))
    assert [c.position for c in components] == list(range(len(components)))
    return [c.data.get("title") for c in components]


@pytest.fixture
def site():
    return bio_site_create(name="Ada's links", slug="ada", actor=None)


def test_site_create(site):
    site.refresh_from_db()
    assert (site.name, site.slug, site.is_published) == ("Ada's links", "ada", False)


def test_site_create_rejects_bad_and_taken_slugs(site):
    with pytest.raises(BioSiteSlugTakenError) as raised:
        bio_site_create(name="Other", slug="ADA", actor=None)
    assert raised.value.code == BioErrorCode.SITE_SLUG_TAKEN
    with pytest.raises(BioSiteInvalidError) as raised:
        bio_site_create(name="Other", slug="no/slashes", actor=None)
    assert list(raised.value.fields) == ["slug"]
    with pytest.raises(BioSiteInvalidError) as raised:
        bio_site_create(name="  ", slug="fine", actor=None)
    assert list(raised.value.fields) == ["name"]
    assert BioSite.objects.count() == 1


def test_custom_css_goes_through_the_sanitiser(site):
    bio_site_settings_update(site=site, actor=None, custom_css="a { color: red; }")
    site.refresh_from_db()
    assert site.custom_css == "a { color: red; }\n"
    with pytest.raises(BioSiteInvalidError) as raised:
        bio_site_settings_update(
            site=site, actor=None, custom_css="@import url(https://evil.example/x.css);"
        )
    assert "custom_css" in raised.value.fields
    site.refresh_from_db()
    assert site.custom_css == "a { color: red; }\n"


def test_add_appends_and_inserts_with_contiguous_positions(site):
    for n in range(3):
        bio_component_add(site=site, type_key="link", data=_link(n), actor=None)
    assert _titles(site) == ["Link 0", "Link 1", "Link 2"]
    bio_component_add(site=site, type_key="link", data=_link(9), actor=None, position=1)
    assert _titles(site) == ["Link 0", "Link 9", "Link 1", "Link 2"]
    bio_component_add(site=site, type_key="link", data=_link(7), actor=None, position=99)
    bio_component_add(site=site, type_key="link", data=_link(8), actor=None, position=-5)
    assert _titles(site) == ["Link 8", "Link 0", "Link 9", "Link 1", "Link 2", "Link 7"]


def test_add_stores_cleaned_data(site):
    component = bio_component_add(
        site=site, type_key="divider", data={"colour": "#ABCDEF"}, actor=None
    )
    component.refresh_from_db()
    assert component.type == "divider"
    assert component.data == {"style": "solid", "colour": "#abcdef"}


def test_add_rejects_invalid_data_and_unknown_types_and_saves_nothing(site):
    with pytest.raises(ComponentDataInvalidError) as raised:
        bio_component_add(
            site=site,
            type_key="link",
            data={"title": "x", "url": "javascript:alert(1)"},
            actor=None,
        )
    assert list(raised.value.fields) == ["url"]
    with pytest.raises(ComponentTypeUnknownError):
        bio_component_add(site=site, type_key="iframe", data={}, actor=None)
    assert not BioComponent.objects.filter(site=site).exists()


def test_move_keeps_positions_contiguous(site):
    components = [
        bio_component_add(site=site, type_key="link", data=_link(n), actor=None) for n in range(4)
    ]
    moved = bio_component_move(component=components[0], position=2, actor=None)
    assert moved.position == 2
    assert _titles(site) == ["Link 1", "Link 2", "Link 0", "Link 3"]
    bio_component_move(component=components[3], position=0, actor=None)
    assert _titles(site) == ["Link 3", "Link 1", "Link 2", "Link 0"]
    bio_component_move(component=components[1], position=100, actor=None)
    assert _titles(site) == ["Link 3", "Link 2", "Link 0", "Link 1"]
    bio_component_move(component=components[2], position=1, actor=None)
    assert _titles(site) == ["Link 3", "Link 2", "Link 0", "Link 1"]


def test_move_and_delete_touch_only_their_own_site(site):
    other = bio_site_create(name="Other", slug="other", actor=None)
    mine = [
        bio_component_add(site=site, type_key="link", data=_link(n), actor=None) for n in range(3)
    ]
    theirs = [
        bio_component_add(site=other, type_key="link", data=_link(n), actor=None) for n in range(2)
    ]
    bio_component_move(component=mine[2], position=0, actor=None)
    bio_component_delete(component=mine[0], actor=None)
    assert _titles(site) == ["Link 2", "Link 1"]
    assert _titles(other) == ["Link 0", "Link 1"]
    assert {c.pk for c in BioComponent.objects.filter(site=other)} == {c.pk for c in theirs}


def test_update_validates_data_and_schedule(site):
    component = bio_component_add(site=site, type_key="link", data=_link(1), actor=None)
    bio_component_update(
        component=component, actor=None, data={"title": "New", "url": "https://new.example.com"}
    )
    component.refresh_from_db()
    assert component.data["title"] == "New"

    with pytest.raises(ComponentDataInvalidError):
        bio_component_update(
            component=component, actor=None, data={"title": "x", "url": "http://a.com"}
        )
    component.refresh_from_db()
    assert component.data["url"] == "https://new.example.com"

    start = timezone.now()
    bio_component_update(
        component=component,
        actor=None,
        is_visible=False,
        visible_from=start,
        visible_until=start + timedelta(days=1),
    )
    component.refresh_from_db()
    assert component.is_visible is False
    assert component.visible_until - component.visible_from == timedelta(days=1)

    with pytest.raises(ComponentScheduleInvalidError) as raised:
        bio_component_update(component=component, actor=None, visible_until=start)
    assert list(raised.value.fields) == ["visible_until"]
    bio_component_update(component=component, actor=None, visible_from=None, visible_until=None)
    component.refresh_from_db()
    assert component.visible_from is None and component.visible_until is None


def test_bio_models_are_snapshot_content():
    from tenants.snapshots import snapshot_content_plan

    tables = snapshot_content_plan().tables
    assert {BioSite._meta.db_table, BioComponent._meta.db_table} <= tables
