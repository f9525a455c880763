"""The agency's brand page on its dashboard host (/dashboard/branding/): owners only, the
workspace branding page's editor and live preview, the new brand on the agency's host at
once, bad input refused with nothing saved, isolation between agencies, and nothing of
the platform shown."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from shared_apps.platform.models import AuditEvent
from tenants.agency_selectors import agency_dashboard_url
from tenants.branding_services import agency_branding_update
from tenants.models import Agency
from tests.helpers import client_for_member, host_of
from tests.tenants.agencies.conftest import HOST_A, HOST_B, signed_in
from tests.tenants.test_branding_services import image_upload

URL = "/dashboard/branding/"
PREVIEW = "/dashboard/branding/preview/"


def valid_post(**overrides):
    data = {
        "display_name": "Northwind Studio",
        "tagline": "Websites for local shops",
        "primary_color": "#0f766e",
        "secondary_color": "#f59e0b",
        "background_color": "#ffffff",
        "text_color": "#111827",
        "font": "humanist",
        "radius": "6",
        "footer_text": "Northwind Digital Ltd",
        "email_sender_name": "",
        "email_sender_address": "",
        "custom_css": "",
    }
    data.update(overrides)
    return data


def fresh(agency) -> Agency:
    return Agency.objects.get(pk=agency.pk)


def assert_no_platform(html: str) -> None:
    assert "Mewayz" not in html
    assert settings.PLATFORM_NAME not in html
    assert f"//{settings.PLATFORM_DOMAIN}" not in html


# ---- who may open it ----------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("admin", 403), ("staff", 403), ("client", 403)])
def test_only_the_owner_may_open_save_or_preview(people, agency_a, role, status):
    browser = signed_in(people[role])
    before = fresh(agency_a).branding

    page = browser.get(URL, HTTP_HOST=HOST_A)
    saved = browser.post(URL, valid_post(), HTTP_HOST=HOST_A)
    preview = browser.post(PREVIEW, valid_post(), HTTP_HOST=HOST_A)

    assert (page.status_code, saved.status_code, preview.status_code) == (status,) * 3
    assert b"data-forbidden" in page.content
    assert fresh(agency_a).branding == before


def test_the_owner_opens_the_page_with_every_setting(owner_a):
    response = signed_in(owner_a).get(URL, HTTP_HOST=HOST_A)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "agencies/branding.html"
    # An agency host is always white label: the sender and custom CSS are offered.
    assert 'name="custom_css"' in html and 'name="email_sender_address"' in html
    assert "data-white-label-locked" not in html
    # The editor and preview are the workspace page's, pointed at this page's URLs.
    assert 'id="branding-form"' in html
    assert f'hx-post="{PREVIEW}"' in html
    assert "data-brand-preview" in html
    # Agencies have no favicon of their own: the logo is their icon.
    assert 'name="favicon"' not in html
    assert 'name="logo"' in html


def test_the_navigation_lists_the_page_for_the_owner_only(owner_a, admin_a):
    owner_html = signed_in(owner_a).get("/dashboard/clients/", HTTP_HOST=HOST_A).content
    admin_html = signed_in(admin_a).get("/dashboard/clients/", HTTP_HOST=HOST_A).content

    assert f'href="{URL}"'.encode() in owner_html
    assert f'href="{URL}"'.encode() not in admin_html


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get(URL, HTTP_HOST=HOST_A)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")


def test_the_page_does_not_exist_off_an_agency_host(owner_a, bloom):
    browser = signed_in(owner_a)

    assert browser.get(URL, HTTP_HOST=settings.PLATFORM_DOMAIN).status_code == 404
    preview = browser.post(PREVIEW, valid_post(), HTTP_HOST=settings.PLATFORM_DOMAIN)
    assert preview.status_code == 404
    bloom_owner = client_for_member(owner_a, bloom)
    assert bloom_owner.get(URL, HTTP_HOST=host_of(bloom)).status_code == 404


# ---- saving ---------------------------------------------------------------------------------


def test_the_owner_saves_name_colours_logo_and_css(owner_a, agency_a):
    browser = signed_in(owner_a)

    response = browser.post(
        URL,
        {**valid_post(custom_css=".hero { padding: 0 }"), "logo": image_upload()},
        HTTP_HOST=HOST_A,
    )

    assert response.status_code == 302
    assert response["Location"] == URL
    agency = fresh(agency_a)
    assert agency.branding["display_name"] == "Northwind Studio"
    assert agency.branding["primary_color"] == "#0f766e"
    assert agency.branding["radius"] == "6px"
    assert agency.branding["custom_css"] == ".hero { padding: 0 }"
    assert agency.logo and agency.branding["logo_version"]
    event = AuditEvent.objects.filter(action="agency.branding_updated").latest("occurred_at")
    assert event.actor_id == owner_a.pk and event.data["agency_id"] == str(agency_a.pk)
    page = browser.get(URL, HTTP_HOST=HOST_A)
    assert "Brand saved" in page.content.decode()
    logo_url = page.context["brand_logo_url"]
    assert f'src="{logo_url}"' in page.content.decode()
    assert browser.get(logo_url, HTTP_HOST=HOST_A)["Content-Type"] == "image/png"
    css = browser.get(page.context["theme_css_url"], HTTP_HOST=HOST_A).content.decode()
    assert "--brand-primary: #0f766e;" in css and ".hero { padding: 0 }" in css


def test_the_sign_in_page_wears_the_new_brand_right_after_saving(client, owner_a):
    before = client.get("/accounts/sign-in/", HTTP_HOST=HOST_A)  # the host is now cached
    assert before.context["brand_name"] == "Northwind Digital"

    signed_in(owner_a).post(URL, valid_post(display_name="Northwind Studio"), HTTP_HOST=HOST_A)
    after = client.get("/accounts/sign-in/", HTTP_HOST=HOST_A)

    html = after.content.decode()
    assert after.context["brand_name"] == "Northwind Studio"
    assert "Sign in to Northwind Studio" in html
    assert after.context["theme_css_url"] != before.context["theme_css_url"]
    css = client.get(after.context["theme_css_url"], HTTP_HOST=HOST_A).content.decode()
    assert "--brand-primary: #0f766e;" in css
    assert_no_platform(html)


HOSTILE_CSS = "@import url(https://evil.test/x.css);"


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"custom_css": HOSTILE_CSS}, "custom_css", "@import"),
        ({"custom_css": "a { background: url(javascript:alert(1)) }"}, "custom_css", "url"),
        ({"primary_color": "not-a-colour"}, "primary_color", "hex colour"),
        ({"text_color": "#fefefe"}, "text_color", "contrast"),
        ({"display_name": "<script>x</script>"}, "display_name", "plain text"),
        ({"email_sender_address": "hello@elsewhere.test"}, "email_sender_address", "verified"),
        (
            {"logo": SimpleUploadedFile("logo.png", b"GIF89a-not-really")},
            "logo",
            "must be an image",
        ),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(
    owner_a, agency_a, overrides, field, fragment
):
    agency_branding_update(agency=agency_a, actor=owner_a, data={"tagline": "Kept"})
    before = fresh(agency_a)

    response = signed_in(owner_a).post(
        URL, valid_post(tagline="Typed but refused", **overrides), HTTP_HOST=HOST_A
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(fragment in error for error in errors[field]), errors
    html = response.content.decode()
    assert 'value="Typed but refused"' in html  # what was typed stays, to fix
    assert "<script>x</script>" not in html
    assert_no_platform(html)
    after = fresh(agency_a)
    assert after.branding == before.branding  # nothing saved
    assert after.branding["tagline"] == "Kept"
    assert not after.logo


def test_refused_css_is_shown_back_escaped_to_be_fixed(owner_a):
    response = signed_in(owner_a).post(
        URL, valid_post(custom_css="</textarea><script>alert(1)</script>"), HTTP_HOST=HOST_A
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;" in html


# ---- the live preview ---------------------------------------------------------------------


def test_the_preview_wears_the_values_being_edited_without_saving(owner_a, agency_a):
    before = fresh(agency_a).branding

    response = signed_in(owner_a).post(
        PREVIEW,
        valid_post(primary_color="#7c3aed", font="mono", display_name="Preview Name"),
        HTTP_HOST=HOST_A,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "--brand-primary: #7c3aed;" in html
    assert "Cascadia Code" in html
    assert "Welcome to Preview Name" in html
    assert fresh(agency_a).branding == before


def test_the_preview_names_the_agency_when_no_display_name_is_set(owner_a):
    response = signed_in(owner_a).post(PREVIEW, valid_post(display_name=""), HTTP_HOST=HOST_A)

    assert "Welcome to Northwind Digital" in response.content.decode()
    assert_no_platform(response.content.decode())


def test_the_preview_ignores_hostile_values_and_says_what_saving_would_refuse(owner_a):
    response = signed_in(owner_a).post(
        PREVIEW,
        valid_post(primary_color="red;}</style><script>alert(1)</script>", text_color="#fefefe"),
        HTTP_HOST=HOST_A,
    )

    html = response.content.decode()
    assert "<script>" not in html
    assert "--brand-primary: #4f46e5;" in html  # the default instead
    assert "data-brand-problems" in html and "contrast" in html


def test_the_preview_only_answers_posts(owner_a):
    assert signed_in(owner_a).get(PREVIEW, HTTP_HOST=HOST_A).status_code == 405


# ---- isolation ---------------------------------------------------------------------------


def test_another_agencys_owner_cannot_change_this_agencys_brand(owner_b, agency_a):
    before = fresh(agency_a).branding
    browser = signed_in(owner_b)

    page = browser.get(URL, HTTP_HOST=HOST_A)
    saved = browser.post(URL, valid_post(display_name="Taken Over"), HTTP_HOST=HOST_A)
    preview = browser.post(PREVIEW, valid_post(), HTTP_HOST=HOST_A)

    assert (page.status_code, saved.status_code, preview.status_code) == (403, 403, 403)
    assert fresh(agency_a).branding == before


def test_each_owner_brands_only_their_own_agency(client, owner_b, agency_a, agency_b):
    before = fresh(agency_a).branding

    response = signed_in(owner_b).post(
        URL, valid_post(display_name="Southwind Studio Co"), HTTP_HOST=HOST_B
    )

    assert response.status_code == 302
    assert fresh(agency_b).branding["display_name"] == "Southwind Studio Co"
    assert fresh(agency_a).branding == before
    sign_in_a = client.get("/accounts/sign-in/", HTTP_HOST=HOST_A)
    assert sign_in_a.context["brand_name"] == "Northwind Digital"
    assert "Southwind" not in sign_in_a.content.decode()


# ---- nothing of the platform, nothing changed for clients ---------------------------------


def test_the_page_never_shows_the_platform(owner_a):
    response = signed_in(owner_a).get(URL, HTTP_HOST=HOST_A)

    html = response.content.decode()
    assert response.context["brand_name"] == "Northwind Digital"
    assert_no_platform(html)
    assert "Turn it on in Billing" not in html  # the workspace page's white-label upsell


def test_clients_keep_their_own_brand_and_their_way_back_to_the_agency(owner_a, bloom, agency_a):
    # Signed in on the agency host first: a request to bloom's host leaves the connection
    # in bloom's schema, where signing in would look for the identity in the wrong table.
    agency_owner = signed_in(owner_a)
    browser = client_for_member(owner_a, bloom)
    before = browser.get("/dashboard/", HTTP_HOST=host_of(bloom))

    agency_owner.post(URL, valid_post(display_name="Northwind Studio"), HTTP_HOST=HOST_A)
    after = browser.get("/dashboard/", HTTP_HOST=host_of(bloom))

    assert after.status_code == 200
    assert after.context["brand_name"] == before.context["brand_name"] == "Bloom Florist"
    assert after.context["theme_css_url"] == before.context["theme_css_url"]
    assert after.context["home_dashboard_url"] == agency_dashboard_url(agency=agency_a)
    assert "Northwind Studio" not in after.content.decode()
