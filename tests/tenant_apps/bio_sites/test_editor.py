"""The bio editor in the workspace dashboard, through HTTP on the workspace's host."""

from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.bio_sites.components import COMPONENT_TYPES, component_data_validate
from tenant_apps.bio_sites.forms import ComponentDataForm
from tenant_apps.bio_sites.models import BioComponent, BioRevision, BioSite
from tenant_apps.bio_sites.services import (
    bio_component_add,
    bio_site_create,
    bio_site_publish,
)
from tests.helpers import add_member, client_for_member, host_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def host(alpha):
    return host_of(alpha)


@pytest.fixture
def editor_client(alpha):
    return client_for_member(add_member(alpha, "editor"), alpha)


@pytest.fixture
def viewer_client(alpha):
    return client_for_member(add_member(alpha, "viewer"), alpha)


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


def _url(site, suffix=""):
    return f"/dashboard/bio/{site.pk}/{suffix}"


def _c_url(site, component, action=""):
    return f"/dashboard/bio/{site.pk}/components/{component.pk}/{action}"


def _titles(site):
    rows = list(BioComponent.objects.filter(site=site).order_by("position"))
    assert [r.position for r in rows] == list(range(len(rows)))
    return [r.data.get("title") for r in rows]


# --- site list and create -------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(host, site):
    response = Client().get("/dashboard/bio/", HTTP_HOST=host)
    assert response.status_code == 302 and "sign-in" in response["Location"]
    response = Client().get(_url(site), HTTP_HOST=host)
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_empty_list_invites_to_create_a_page(editor_client, host):
    html = editor_client.get("/dashboard/bio/", HTTP_HOST=host).content.decode()
    assert "No bio page yet" in html and "Create your first page" in html
    assert 'name="slug"' in html


def test_the_list_searches_and_paginates(editor_client, host):
    for n in range(25):
        bio_site_create(name=f"Page {n:02}", slug=f"page-{n:02}", actor=None)
    bio_site_create(name="Shop", slug="my-shop", actor=None)
    first = editor_client.get("/dashboard/bio/", HTTP_HOST=host).content.decode()
    assert "Page 1 of 2" in first and "Page 00" in first and "Shop" not in first
    second = editor_client.get("/dashboard/bio/?page=2", HTTP_HOST=host).content.decode()
    assert "Shop" in second
    found = editor_client.get("/dashboard/bio/?q=my-sh", HTTP_HOST=host).content.decode()
    assert "/b/my-shop/" in found and "Page 00" not in found


def test_an_editor_creates_a_site_and_lands_in_its_editor(editor_client, host):
    response = editor_client.post(
        "/dashboard/bio/", {"name": "Ada", "slug": "ada-links"}, HTTP_HOST=host
    )
    site = BioSite.objects.get(slug="ada-links")
    assert response.status_code == 302 and response["Location"] == f"/dashboard/bio/{site.pk}/"


def test_a_bad_or_taken_slug_is_refused_on_its_field(editor_client, host, site):
    response = editor_client.post("/dashboard/bio/", {"name": "X", "slug": "ada"}, HTTP_HOST=host)
    assert response.status_code == 422
    assert "Another bio site already uses that address." in response.content.decode()
    response = editor_client.post(
        "/dashboard/bio/", {"name": "X", "slug": "dashboard"}, HTTP_HOST=host
    )
    assert response.status_code == 422 and "is used by the site itself" in response.content.decode()
    assert response.context["form"].errors["slug"]
    assert BioSite.objects.count() == 1


def test_a_viewer_sees_the_list_read_only_and_cannot_create(viewer_client, host, site):
    html = viewer_client.get("/dashboard/bio/", HTTP_HOST=host).content.decode()
    assert "Ada&#x27;s links" in html and 'name="slug"' not in html
    response = viewer_client.post("/dashboard/bio/", {"name": "V", "slug": "v"}, HTTP_HOST=host)
    assert response.status_code == 403
    assert not BioSite.objects.filter(slug="v").exists()


def test_the_navigation_lists_bio_sites(editor_client, host):
    html = editor_client.get("/dashboard/", HTTP_HOST=host).content.decode()
    assert 'href="/dashboard/bio/"' in html and "Bio sites" in html


# --- the editor -----------------------------------------------------------------------


def test_the_editor_shows_blocks_picker_and_live_preview(editor_client, host, site, links):
    response = editor_client.get(_url(site), HTTP_HOST=host)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("First") < html.index("Second") < html.index("Third")
    assert all(f'data-add-type="{key}"' in html for key in COMPONENT_TYPES)
    assert "<iframe" in html and "srcdoc=" in html and "bio_editor.js" in html
    assert "/b/ada/" in html and "Copy link" in html


def test_a_viewer_sees_the_editor_read_only(viewer_client, host, site, links):
    html = viewer_client.get(_url(site), HTTP_HOST=host).content.decode()
    assert "Read-only" in html and "First" in html
    assert "data-add-type" not in html and "data-delete" not in html and "data-publish>" not in html
    html = viewer_client.get(_c_url(site, links[0]), HTTP_HOST=host).content.decode()
    assert "disabled" in html and "data-save" not in html


@pytest.mark.parametrize(
    "action,data",
    [
        ("components/add/", {"type": "link"}),
        ("undo/", {}),
        ("publish/", {}),
        ("settings/", {"name": "Hacked", "theme": "brand"}),
        ("delete/", {"confirm": "ada"}),
    ],
)
def test_a_viewer_cannot_change_the_site(viewer_client, host, site, links, action, data):
    response = viewer_client.post(_url(site, action), data, HTTP_HOST=host)
    assert response.status_code == 403
    site.refresh_from_db()
    assert site.name == "Ada's links" and not site.is_published
    assert _titles(site) == ["First", "Second", "Third"]


@pytest.mark.parametrize(
    "action,data",
    [
        ("save/", {"title": "Hacked", "url": "https://evil.example.com"}),
        ("preview/", {"title": "Hacked", "url": "https://evil.example.com"}),
        ("move/", {"position": "0"}),
        ("visibility/", {"is_visible": "0"}),
        ("schedule/", {"visible_from": "2030-01-01T10:00"}),
        ("duplicate/", {}),
        ("delete/", {}),
    ],
)
def test_a_viewer_cannot_change_components(viewer_client, host, site, links, action, data):
    response = viewer_client.post(_c_url(site, links[2], action), data, HTTP_HOST=host)
    assert response.status_code == 403
    assert _titles(site) == ["First", "Second", "Third"]
    links[2].refresh_from_db()
    assert links[2].is_visible and links[2].visible_from is None


def test_adding_from_the_picker_prefills_the_example(editor_client, host, site):
    response = editor_client.post(
        _url(site, "components/add/"), {"type": "button"}, HTTP_HOST=host, **HTMX
    )
    assert response.status_code == 200
    component = BioComponent.objects.get(site=site)
    assert component.data["label"] == COMPONENT_TYPES["button"].example["label"]
    html = response.content.decode()
    assert 'id="bio-editor"' in html and "<html" not in html  # a partial
    assert f'data-selected="{component.pk}"' in html  # its form opens
    assert "Book a call" in html  # and the preview shows it


def test_an_unknown_type_adds_nothing(editor_client, host, site):
    response = editor_client.post(
        _url(site, "components/add/"), {"type": "nope"}, HTTP_HOST=host, **HTMX
    )
    assert response.status_code == 422 and not BioComponent.objects.exists()


def test_the_component_form_is_generated_from_its_schema(editor_client, host, site, links):
    html = editor_client.get(_c_url(site, links[0]), HTTP_HOST=host).content.decode()
    assert 'name="title"' in html and 'name="url"' in html
    assert '<select name="icon"' in html  # an enum
    assert 'type="checkbox" name="open_in_new_tab"' in html  # a bool
    group = bio_component_add(
        site=site, type_key="link_group", data=COMPONENT_TYPES["link_group"].example, actor=None
    )
    html = editor_client.get(_c_url(site, group), HTTP_HOST=host).content.decode()
    assert 'name="links"' in html and "json-input" in html  # a list, edited as JSON


def test_saving_valid_data_updates_the_component(editor_client, host, site, links):
    response = editor_client.post(
        _c_url(site, links[0], "save/"),
        {"title": "Shop now", "url": "https://shop.example.com", "icon": "cart"},
        HTTP_HOST=host,
        **HTMX,
    )
    assert response.status_code == 200
    links[0].refresh_from_db()
    assert links[0].data["title"] == "Shop now" and links[0].data["icon"] == "cart"
    assert links[0].data["open_in_new_tab"] is False  # unticked box


def test_invalid_data_is_refused_on_its_fields_and_kept(editor_client, host, site, links):
    response = editor_client.post(
        _c_url(site, links[0], "save/"),
        {"title": "Still typing", "url": "http://insecure.example.com"},
        HTTP_HOST=host,
        **HTMX,
    )
    assert response.status_code == 422
    form = response.context["data_form"]
    assert "https://" in form.errors["url"][0]
    html = response.content.decode()
    assert 'value="Still typing"' in html and 'value="http://insecure.example.com"' in html
    links[0].refresh_from_db()
    assert links[0].data["title"] == "First"


def test_invalid_json_and_nested_errors_are_shown_on_the_field(editor_client, host, site):
    group = bio_component_add(
        site=site, type_key="link_group", data=COMPONENT_TYPES["link_group"].example, actor=None
    )
    response = editor_client.post(
        _c_url(site, group, "save/"), {"title": "Res", "links": "[{"}, HTTP_HOST=host, **HTMX
    )
    assert (
        response.status_code == 422
        and "not valid JSON" in response.context["data_form"].errors["links"][0]
    )
    response = editor_client.post(
        _c_url(site, group, "save/"),
        {"title": "Res", "links": '[{"title": "Blog", "url": "javascript:alert(1)"}]'},
        HTTP_HOST=host,
        **HTMX,
    )
    assert response.status_code == 422
    assert response.context["data_form"].errors["links"][0].startswith("Item 1 / url:")
    group.refresh_from_db()
    assert group.data == COMPONENT_TYPES["link_group"].example | {"collapsed": False}


def test_the_preview_renders_unsaved_input_without_saving(editor_client, host, site, links):
    response = editor_client.post(
        _c_url(site, links[1], "preview/"),
        {"title": "Typed, not saved", "url": "https://example.com/1", "icon": "none"},
        HTTP_HOST=host,
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<iframe" in html and "Typed, not saved" in html and "First" in html
    assert 'id="preview-status"' in html and 'hx-swap-oob="true"' in html
    links[1].refresh_from_db()
    assert links[1].data["title"] == "Second"
    assert not BioRevision.objects.filter(site=site).exclude(summary__startswith="Added").exists()


def test_invalid_preview_lists_errors_and_keeps_the_last_preview(editor_client, host, site, links):
    response = editor_client.post(
        _c_url(site, links[1], "preview/"), {"title": "", "url": "ftp://x"}, HTTP_HOST=host, **HTMX
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#preview-status"
    html = response.content.decode()
    assert "<iframe" not in html and "Preview paused" in html and "Title" in html


def test_moving_reorders_the_blocks(editor_client, host, site, links):
    response = editor_client.post(
        _c_url(site, links[2], "move/"), {"position": "0"}, HTTP_HOST=host, **HTMX
    )
    assert response.status_code == 200
    assert _titles(site) == ["Third", "First", "Second"]
    editor_client.post(_c_url(site, links[2], "move/"), {"position": "99"}, HTTP_HOST=host)
    assert _titles(site) == ["First", "Second", "Third"]
    bad = editor_client.post(_c_url(site, links[0], "move/"), {"position": "x"}, HTTP_HOST=host)
    assert bad.status_code == 422 and _titles(site) == ["First", "Second", "Third"]


def test_without_htmx_actions_redirect_back_to_the_editor(editor_client, host, site, links):
    response = editor_client.post(
        _c_url(site, links[0], "move/"), {"position": "1"}, HTTP_HOST=host
    )
    assert response.status_code == 302 and response["Location"] == f"/dashboard/bio/{site.pk}/"


def test_hide_and_show(editor_client, host, site, links):
    editor_client.post(_c_url(site, links[0], "visibility/"), {"is_visible": "0"}, HTTP_HOST=host)
    links[0].refresh_from_db()
    assert links[0].is_visible is False
    editor_client.post(_c_url(site, links[0], "visibility/"), {"is_visible": "1"}, HTTP_HOST=host)
    links[0].refresh_from_db()
    assert links[0].is_visible is True


def test_duplicate_places_the_copy_right_after(editor_client, host, site, links):
    response = editor_client.post(_c_url(site, links[0], "duplicate/"), HTTP_HOST=host, **HTMX)
    assert response.status_code == 200
    assert _titles(site) == ["First", "First", "Second", "Third"]
    copy = BioComponent.objects.get(site=site, position=1)
    assert copy.pk != links[0].pk and copy.data == links[0].data


def test_delete(editor_client, host, site, links):
    response = editor_client.post(_c_url(site, links[1], "delete/"), HTTP_HOST=host, **HTMX)
    assert response.status_code == 200
    assert _titles(site) == ["First", "Third"]


def test_schedule_in_the_current_time_zone(editor_client, host, site, links, settings):
    response = editor_client.post(
        _c_url(site, links[0], "schedule/"),
        {"visible_from": "2030-05-01T09:30", "visible_until": "2030-05-02T18:00"},
        HTTP_HOST=host,
        **HTMX,
    )
    assert response.status_code == 200
    links[0].refresh_from_db()
    local = timezone.localtime(links[0].visible_from)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2030, 5, 1, 9, 30)
    assert links[0].visible_until - links[0].visible_from == timedelta(hours=32, minutes=30)
    html = response.content.decode()
    assert 'value="2030-05-01T09:30"' in html and "not showing now" in html


def test_a_window_that_ends_before_it_starts_is_refused(editor_client, host, site, links):
    response = editor_client.post(
        _c_url(site, links[0], "schedule/"),
        {"visible_from": "2030-05-02T09:30", "visible_until": "2030-05-01T09:30"},
        HTTP_HOST=host,
        **HTMX,
    )
    assert response.status_code == 422
    assert "must be after its start" in response.context["schedule_form"].errors["visible_until"][0]
    response = editor_client.post(
        _c_url(site, links[0], "schedule/"), {"visible_from": "soon"}, HTTP_HOST=host, **HTMX
    )
    assert response.status_code == 422 and response.context["schedule_form"].errors["visible_from"]
    links[0].refresh_from_db()
    assert links[0].visible_from is None and links[0].visible_until is None


def test_publish_and_unpublish(editor_client, host, site, links):
    response = editor_client.post(_url(site, "publish/"), HTTP_HOST=host, **HTMX)
    site.refresh_from_db()
    assert response.status_code == 200 and site.is_published
    assert "data-unpublish" in response.content.decode()
    editor_client.post(_url(site, "unpublish/"), HTTP_HOST=host, **HTMX)
    site.refresh_from_db()
    assert not site.is_published


def test_an_edit_shows_on_the_public_page_at_once(
    editor_client, host, site, links, django_capture_on_commit_callbacks
):
    bio_site_publish(site=site, actor=None)
    visitor = Client(HTTP_HOST=host)
    assert "First" in visitor.get("/b/ada/").content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            _c_url(site, links[0], "save/"),
            {"title": "Fresh title", "url": "https://example.com/0"},
            HTTP_HOST=host,
        )
    html = visitor.get("/b/ada/").content.decode()
    assert "Fresh title" in html and ">First<" not in html


# --- settings -------------------------------------------------------------------------


def _settings(**overrides):
    return {
        "name": "Ada",
        "seo_title": "Ada's links",
        "seo_description": "",
        "theme": "brand",
        "custom_css": "",
    } | overrides


def _png(size=(4, 4), fmt="PNG", name="share.png", content_type="image/png"):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, "#ff5500").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def test_settings_show_theme_swatches(editor_client, host, site):
    html = editor_client.get(_url(site, "settings/"), HTTP_HOST=host).content.decode()
    assert html.count('class="theme-swatch"') >= 10 and 'value="brand" checked' in html


def test_settings_save(editor_client, host, site):
    response = editor_client.post(
        _url(site, "settings/"),
        _settings(
            theme="midnight" if "midnight" in _theme_keys() else _theme_keys()[1],
            serves_root="on",
            og_image=_png(),
            custom_css=".bio { color: red; }",
        ),
        HTTP_HOST=host,
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.name == "Ada" and site.serves_root and site.og_image.name.endswith(".png")
    assert site.theme != "brand" and "color: red" in site.custom_css


def _theme_keys():
    from tenant_apps.bio_sites.themes import THEMES

    return list(THEMES)


def test_unsafe_css_and_bad_images_are_refused_on_their_fields(editor_client, host, site):
    response = editor_client.post(
        _url(site, "settings/"),
        _settings(custom_css="@import url(https://evil.example.com/x.css);"),
        HTTP_HOST=host,
    )
    assert response.status_code == 422 and response.context["form"].errors["custom_css"]
    response = editor_client.post(
        _url(site, "settings/"),
        _settings(og_image=SimpleUploadedFile("x.png", b"not an image", content_type="image/png")),
        HTTP_HOST=host,
    )
    assert response.status_code == 422 and response.context["form"].errors["og_image"]
    response = editor_client.post(
        _url(site, "settings/"),
        _settings(og_image=_png(fmt="GIF", name="x.gif", content_type="image/gif")),
        HTTP_HOST=host,
    )
    assert response.status_code == 422
    assert "PNG, JPEG or WebP" in response.context["form"].errors["og_image"][0]
    site.refresh_from_db()
    assert site.name == "Ada's links" and not site.og_image and not site.custom_css


def test_an_image_over_5_mb_is_refused(editor_client, host, site, monkeypatch):
    from tenant_apps.bio_sites import services

    monkeypatch.setattr(services, "OG_IMAGE_MAX_BYTES", 10)
    response = editor_client.post(
        _url(site, "settings/"), _settings(og_image=_png()), HTTP_HOST=host
    )
    assert response.status_code == 422
    assert "at most 5 MB" in response.context["form"].errors["og_image"][0]


def test_deleting_a_site_needs_its_address_typed(editor_client, host, site, links):
    response = editor_client.post(_url(site, "delete/"), {"confirm": "nope"}, HTTP_HOST=host)
    assert response.status_code == 422 and BioSite.objects.filter(pk=site.pk).exists()
    response = editor_client.post(_url(site, "delete/"), {"confirm": "ada"}, HTTP_HOST=host)
    assert response.status_code == 302 and response["Location"] == "/dashboard/bio/"
    assert not BioSite.objects.filter(pk=site.pk).exists()
    assert not BioComponent.objects.exists()


# --- isolation ------------------------------------------------------------------------


def test_another_workspaces_site_and_components_are_404(editor_client, host, beta, site, links):
    with tenant_context(beta):
        theirs = bio_site_create(name="Beta page", slug="beta-page", actor=None)
        their_link = bio_component_add(
            site=theirs,
            type_key="link",
            data={"title": "Theirs", "url": "https://b.example.com"},
            actor=None,
        )
    for path in (_url(theirs), _url(theirs, "settings/"), _c_url(theirs, their_link)):
        assert editor_client.get(path, HTTP_HOST=host).status_code == 404
    for action in ("save/", "move/", "delete/", "duplicate/"):
        response = editor_client.post(
            _c_url(theirs, their_link, action),
            {"title": "X", "url": "https://x.example.com", "position": "0"},
            HTTP_HOST=host,
        )
        assert response.status_code == 404
    # Beta's component id under alpha's own site is no better.
    response = editor_client.post(_c_url(site, their_link, "delete/"), HTTP_HOST=host)
    assert response.status_code == 404
    with tenant_context(beta):
        their_link.refresh_from_db()
        assert their_link.data["title"] == "Theirs"
        assert BioSite.objects.filter(pk=theirs.pk).exists()


def test_a_component_of_another_site_is_404(editor_client, host, site, links):
    other = bio_site_create(name="Other", slug="other", actor=None)
    response = editor_client.post(_c_url(other, links[0], "delete/"), HTTP_HOST=host)
    assert response.status_code == 404 and _titles(site) == ["First", "Second", "Third"]


# --- the generated form ---------------------------------------------------------------


def _as_posted(form) -> QueryDict:
    """What a browser sends for the form as rendered (unticked boxes are left out)."""
    posted = QueryDict(mutable=True)
    for name, value in form.initial.items():
        if isinstance(value, bool):
            if value:
                posted[name] = "on"
        elif isinstance(value, datetime):
            posted[name] = value.strftime("%Y-%m-%dT%H:%M")
        else:
            posted[name] = "" if value is None else str(value)
    return posted


@pytest.mark.parametrize("type_key", sorted(COMPONENT_TYPES))
def test_every_type_round_trips_through_its_generated_form(type_key):
    kind = COMPONENT_TYPES[type_key]
    stored = component_data_validate(type_key=type_key, data=kind.example)
    shown = ComponentDataForm(component_type=kind, data=stored)
    posted = ComponentDataForm(_as_posted(shown), component_type=kind, data={})
    payload = posted.payload()
    assert payload is not None, posted.errors
    again = component_data_validate(type_key=type_key, data=payload)
    for key, value in stored.items():
        if isinstance(value, str) and key in posted.kinds and posted.kinds[key][0] == "datetime":
            # Shown in the current time zone: the same instant, maybe another offset.
            assert datetime.fromisoformat(again[key]) == datetime.fromisoformat(value)
        else:
            assert again[key] == value, key


def test_the_preview_says_when_the_open_block_is_hidden(editor_client, host, site, links):
    editor_client.post(_c_url(site, links[0], "visibility/"), {"is_visible": "0"}, HTTP_HOST=host)
    response = editor_client.post(
        _c_url(site, links[0], "preview/"),
        {"title": "Hidden one", "url": "https://example.com/0"},
        HTTP_HOST=host,
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and "is hidden or outside its schedule" in html
    assert "Hidden one" not in html and "Second" in html


def test_with_the_feature_off_the_editor_explains_and_changes_nothing(
    editor_client, host, owner, site, links
):
    from django_tenants.utils import schema_context

    from shared_apps.billing.services import feature_kill_switch_set

    with schema_context("public"):
        feature_kill_switch_set(key="bio_sites", disabled=True, actor=owner)
    for path in ("/dashboard/bio/", _url(site), _url(site, "settings/"), _c_url(site, links[0])):
        assert editor_client.get(path, HTTP_HOST=host).status_code == 403, path
    response = editor_client.post(_c_url(site, links[0], "delete/"), HTTP_HOST=host)
    assert response.status_code == 403 and _titles(site) == ["First", "Second", "Third"]


def test_the_live_address_check(editor_client, host, site):
    def check(slug):
        response = editor_client.get(f"/dashboard/bio/slug-check/?slug={slug}", HTTP_HOST=host)
        assert response.status_code == 200
        return response.content.decode()

    assert "/b/fresh/ is available" in check("fresh")
    assert "already uses that address" in check("ada")
    assert "used by the site itself" in check("admin")
    assert "lowercase letters" in check("no%20spaces")
