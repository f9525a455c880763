"""The branding settings page on a workspace's host: who may open it, what saving does,
how errors show, the white-label gate, the live preview and isolation."""

import pytest
from django.conf import settings

from shared_apps.platform.models import AuditEvent
from tenants.models import Workspace
from tests.helpers import add_member, client_for_member, host_of
from tests.tenants.test_branding_services import image_upload, white_label_on

URL = "/dashboard/settings/branding/"
PREVIEW = "/dashboard/settings/branding/preview/"


def valid_post(**overrides):
    data = {
        "display_name": "Alpha Studio",
        "tagline": "Made with care",
        "primary_color": "#0f766e",
        "secondary_color": "#f59e0b",
        "background_color": "#ffffff",
        "text_color": "#111827",
        "font": "humanist",
        "radius": "6",
        "footer_text": "Alpha Studio Ltd",
        "social_instagram": "https://instagram.com/alpha",
    }
    data.update(overrides)
    return data


def fresh(workspace):
    return Workspace.objects.get(pk=workspace.pk)


# ---- who may open it ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 200), ("admin", 200), ("editor", 403), ("viewer", 403)]
)
def test_owners_and_admins_may_open_it_editors_and_viewers_may_not(alpha, role, status):
    browser = client_for_member(add_member(alpha, role), alpha)

    response = browser.get(URL, HTTP_HOST=host_of(alpha))

    assert response.status_code == status


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_editors_and_viewers_cannot_save_or_preview(alpha, role):
    browser = client_for_member(add_member(alpha, role), alpha)
    before = fresh(alpha).branding

    saved = browser.post(URL, valid_post(), HTTP_HOST=host_of(alpha))
    preview = browser.post(PREVIEW, valid_post(), HTTP_HOST=host_of(alpha))

    assert (saved.status_code, preview.status_code) == (403, 403)
    assert fresh(alpha).branding == before


def test_signed_out_visitors_are_sent_to_sign_in(client, alpha):
    response = client.get(URL, HTTP_HOST=host_of(alpha))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_the_page_does_not_exist_on_the_platform_host(client, db):
    assert client.get(URL, HTTP_HOST=settings.PLATFORM_DOMAIN).status_code == 404


def test_the_navigation_lists_it_for_admins_only(alpha):
    admin = client_for_member(add_member(alpha, "admin"), alpha)
    editor = client_for_member(add_member(alpha, "editor"), alpha)

    assert f'href="{URL}"' in admin.get("/dashboard/", HTTP_HOST=host_of(alpha)).content.decode()
    assert (
        f'href="{URL}"' not in editor.get("/dashboard/", HTTP_HOST=host_of(alpha)).content.decode()
    )


# ---- saving ---------------------------------------------------------------------------------


def test_saving_stores_the_brand_and_pages_wear_it_at_once(staff_client, alpha, owner):
    response = staff_client.post(URL, valid_post(), HTTP_HOST=host_of(alpha))

    assert response.status_code == 302
    branding = fresh(alpha).branding
    assert branding["primary_color"] == "#0f766e"
    assert branding["radius"] == "6px"
    assert branding["social_links"] == {"instagram": "https://instagram.com/alpha"}
    page = staff_client.get(URL, HTTP_HOST=host_of(alpha))
    assert page.context["brand_name"] == "Alpha Studio"
    css = staff_client.get(page.context["theme_css_url"], HTTP_HOST=host_of(alpha)).content
    assert b"--brand-primary: #0f766e;" in css
    assert AuditEvent.objects.filter(
        action="workspace.branding_updated", workspace_id=alpha.pk
    ).exists()


def test_a_logo_uploaded_on_the_page_is_shown_from_the_workspace_host(staff_client, alpha):
    response = staff_client.post(
        URL, {**valid_post(), "logo": image_upload()}, HTTP_HOST=host_of(alpha)
    )

    assert response.status_code == 302
    page = staff_client.get(URL, HTTP_HOST=host_of(alpha))
    logo_url = page.context["brand_logo_url"]
    assert logo_url.startswith("/brand/logo?v=")
    assert f'src="{logo_url}"' in page.content.decode()
    assert staff_client.get(logo_url, HTTP_HOST=host_of(alpha))["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"primary_color": "not-a-colour"}, "primary_color", "hex colour"),
        ({"text_color": "#fefefe"}, "text_color", "contrast"),
        ({"font": "papyrus"}, "font", "valid choice"),
        ({"radius": "99"}, "radius", "less than or equal to 32"),
        ({"social_instagram": "https://evil.test/x"}, "social_instagram", "instagram.com"),
        ({"display_name": "<script>x</script>"}, "display_name", "plain text"),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_lost(
    staff_client, alpha, owner, overrides, field, fragment
):
    from tenants.branding_services import workspace_branding_update

    workspace_branding_update(workspace=alpha, actor=owner, data={"tagline": "Kept"})

    response = staff_client.post(
        URL, valid_post(tagline="Typed but refused", **overrides), HTTP_HOST=host_of(alpha)
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert any(fragment in error for error in form.errors[field]), form.errors
    assert 'value="Typed but refused"' in response.content.decode()  # what was typed stays
    assert fresh(alpha).branding["tagline"] == "Kept"  # and nothing was saved


def test_a_bad_logo_refuses_the_whole_save(staff_client, alpha):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = staff_client.post(
        URL,
        {**valid_post(), "logo": SimpleUploadedFile("logo.png", b"GIF89a-not-really")},
        HTTP_HOST=host_of(alpha),
    )

    assert response.status_code == 400
    assert "must be an image" in response.context["form"].errors["logo"][0]
    assert fresh(alpha).branding.get("primary_color") != "#0f766e"


# ---- the white-label gate -----------------------------------------------------------------


def test_without_white_label_the_sender_and_css_fields_are_locked(staff_client, alpha):
    response = staff_client.get(URL, HTTP_HOST=host_of(alpha))

    html = response.content.decode()
    assert "data-white-label-locked" in html
    assert 'name="custom_css"' not in html
    assert 'name="email_sender_address"' not in html


def test_without_white_label_posted_css_is_ignored(staff_client, alpha):
    response = staff_client.post(
        URL, valid_post(custom_css="a { color: red }"), HTTP_HOST=host_of(alpha)
    )

    assert response.status_code == 302
    assert "custom_css" not in fresh(alpha).branding


def test_with_white_label_custom_css_is_saved_and_errors_are_inline(staff_client, alpha, owner):
    white_label_on(alpha, owner)

    refused = staff_client.post(
        URL,
        valid_post(custom_css="@import url(https://evil.test/x.css);"),
        HTTP_HOST=host_of(alpha),
    )
    saved = staff_client.post(
        URL, valid_post(custom_css=".hero { padding: 0 }"), HTTP_HOST=host_of(alpha)
    )

    assert refused.status_code == 400
    assert any("@import" in e for e in refused.context["form"].errors["custom_css"])
    assert "@import url(https://evil.test/x.css);" in refused.content.decode()  # kept to fix
    assert saved.status_code == 302
    assert fresh(alpha).branding["custom_css"] == ".hero { padding: 0 }"


# ---- the live preview ---------------------------------------------------------------------


def test_the_preview_wears_the_colours_being_edited_without_saving(staff_client, alpha):
    before = fresh(alpha).branding

    response = staff_client.post(
        PREVIEW, valid_post(primary_color="#7c3aed", font="mono"), HTTP_HOST=host_of(alpha)
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "--brand-primary: #7c3aed;" in html
    assert "Cascadia Code" in html
    assert fresh(alpha).branding == before


def test_the_preview_ignores_hostile_values(staff_client, alpha):
    response = staff_client.post(
        PREVIEW,
        valid_post(primary_color="red;}</style><script>alert(1)</script>", display_name="<b>x</b>"),
        HTTP_HOST=host_of(alpha),
    )

    html = response.content.decode()
    assert "<script>" not in html and "<b>x</b>" not in html
    assert "--brand-primary: #4f46e5;" in html  # the default instead


def test_the_preview_warns_about_weak_contrast(staff_client, alpha):
    response = staff_client.post(
        PREVIEW, valid_post(text_color="#808080"), HTTP_HOST=host_of(alpha)
    )

    assert "data-brand-warnings" in response.content.decode()


# ---- isolation ---------------------------------------------------------------------------


def test_a_member_of_one_workspace_cannot_brand_another(alpha, beta):
    admin_of_alpha = client_for_member(add_member(alpha, "admin"), alpha)
    before = fresh(beta).branding

    response = admin_of_alpha.post(URL, valid_post(), HTTP_HOST=host_of(beta))

    assert response.status_code == 302  # not signed in there: off to beta's sign-in
    assert fresh(beta).branding == before


def test_saving_one_workspace_changes_only_its_own_pages(staff_client, client, alpha, beta):
    staff_client.post(URL, valid_post(display_name="Only Alpha"), HTTP_HOST=host_of(alpha))

    beta_page = client.get("/no-such-page/", HTTP_HOST=host_of(beta))

    assert beta_page.context["brand_name"] == "Beta Co"
    assert "Only Alpha" not in beta_page.content.decode()


def test_the_preview_says_what_saving_would_refuse(staff_client, alpha):
    response = staff_client.post(
        PREVIEW, valid_post(text_color="#f3f4f6"), HTTP_HOST=host_of(alpha)
    )

    html = response.content.decode()
    assert "data-brand-problems" in html
    assert "contrast" in html
