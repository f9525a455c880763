import pytest

from tenant_apps.bio_sites.components import COMPONENT_TYPES, component_data_validate
from tenant_apps.bio_sites.errors import (
    BioErrorCode,
    ComponentDataInvalidError,
    ComponentTypeUnknownError,
)

REQUIRED_TYPES = {
    "link",
    "button",
    "header",
    "avatar",
    "bio_text",
    "social_icons",
    "image",
    "gallery",
    "carousel",
    "youtube",
    "vimeo",
    "tiktok",
    "spotify",
    "apple_music",
    "soundcloud",
    "podcast",
    "countdown",
    "email_signup",
    "sms_signup",
    "contact_form",
    "product_card",
    "product_grid",
    "course_card",
    "booking_link",
    "tip_jar",
    "payment_link",
    "map",
    "faq",
    "testimonial",
    "divider",
    "spacer",
    "text_block",
    "rss_feed",
    "file_download",
    "qr_code",
}


def _errors(type_key, data) -> dict[str, list[str]]:
    with pytest.raises(ComponentDataInvalidError) as raised:
        component_data_validate(type_key=type_key, data=data)
    assert raised.value.code == BioErrorCode.COMPONENT_DATA_INVALID
    assert raised.value.fields
    return raised.value.fields


def test_registry_has_at_least_50_types_with_metadata():
    assert len(COMPONENT_TYPES) >= 50
    assert set(COMPONENT_TYPES) >= REQUIRED_TYPES
    for key, component_type in COMPONENT_TYPES.items():
        assert component_type.key == key
        assert component_type.label and component_type.icon and component_type.category
        assert component_type.schema.model_config["extra"] == "forbid"
        assert component_type.schema.model_config["strict"] is True


@pytest.mark.parametrize("type_key", sorted(COMPONENT_TYPES))
def test_every_example_validates(type_key):
    example = COMPONENT_TYPES[type_key].example
    cleaned = component_data_validate(type_key=type_key, data=example)
    # Cleaning is idempotent: stored data validates again unchanged.
    assert component_data_validate(type_key=type_key, data=cleaned) == cleaned
    for field, value in example.items():
        assert field in cleaned
        if isinstance(value, str) and not value.startswith("#"):
            assert cleaned[field] == value


def test_defaults_are_filled_in():
    cleaned = component_data_validate(
        type_key="link", data={"title": "Shop", "url": "https://example.com"}
    )
    assert cleaned == {
        "title": "Shop",
        "url": "https://example.com",
        "icon": "none",
        "thumbnail_url": None,
        "highlight": "none",
        "open_in_new_tab": True,
    }


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://example.com",
        "//example.com/path",
        "https:\\\\evil.example.com",
        "https://user:pass@example.com",
        "https://localhost/",
        "example.com",
        "https://exa mple.com",
    ],
)
def test_unsafe_or_insecure_urls_are_rejected(url):
    fields = _errors("link", {"title": "Click", "url": url})
    assert list(fields) == ["url"]
    assert fields["url"][0]


def test_javascript_url_message_asks_for_https():
    fields = _errors("button", {"label": "Go", "url": "javascript:alert(1)"})
    assert fields == {"url": ["Enter a secure web address starting with https://."]}


def test_http_url_rejected_in_nested_list_with_path():
    fields = _errors(
        "link_group",
        {
            "title": "More",
            "links": [
                {"title": "Fine", "url": "https://example.com"},
                {"title": "Plain", "url": "http://example.com"},
            ],
        },
    )
    assert fields == {"links.1.url": ["Enter a secure web address starting with https://."]}


def test_oversize_strings_are_rejected():
    fields = _errors("link", {"title": "x" * 81, "url": "https://example.com"})
    assert fields == {"title": ["Use at most 80 characters."]}
    fields = _errors("text_block", {"text": "y" * 5001})
    assert fields == {"text": ["Use at most 5000 characters."]}
    fields = _errors("link", {"title": "ok", "url": "https://example.com/" + "a" * 2100})
    assert "2048" in fields["url"][0]


def test_blank_required_text_is_rejected():
    fields = _errors("link", {"title": "   ", "url": "https://example.com"})
    assert fields == {"title": ["This field cannot be empty."]}


def test_unknown_and_missing_fields_are_rejected():
    fields = _errors("link", {"title": "x", "url": "https://example.com", "onclick": "alert(1)"})
    assert fields == {"onclick": ["Unknown field; remove it."]}
    fields = _errors("link", {"title": "x"})
    assert fields == {"url": ["This field is required."]}


def test_wrong_types_are_not_coerced():
    fields = _errors("spacer", {"height": "24"})
    assert list(fields) == ["height"]
    fields = _errors("link", {"title": "x", "url": "https://e.com", "open_in_new_tab": "yes"})
    assert list(fields) == ["open_in_new_tab"]
    fields = _errors("spacer", {"height": 1000})
    assert list(fields) == ["height"]


@pytest.mark.parametrize(
    ("type_key", "url"),
    [
        ("youtube", "https://evil.example.com/watch?v=dQw4w9WgXcQ"),
        ("youtube", "https://youtube.com.evil.example/watch?v=1"),
        ("youtube", "https://evilyoutube.com/watch?v=1"),
        ("youtube", "http://www.youtube.com/watch?v=1"),
        ("vimeo", "https://www.youtube.com/watch?v=1"),
        ("tiktok", "https://tiktok.evil.example/@a"),
        ("spotify", "https://spotify.com.evil.example/track/1"),
        ("apple_music", "https://apple.com/music/1"),
        ("soundcloud", "https://soundcloud.evil.example/a"),
    ],
)
def test_embeds_only_accept_the_providers_hosts(type_key, url):
    fields = _errors(type_key, {"url": url})
    assert list(fields) == ["url"]


def test_wrong_embed_host_message_names_the_provider():
    fields = _errors("spotify", {"url": "https://evil.example.com/track/1"})
    assert fields == {"url": ["Use a Spotify link (from open.spotify.com)."]}


@pytest.mark.parametrize("colour", ["red", "#12345", "#gggggg", "#1234567", "rgb(0,0,0)", ""])
def test_bad_colours_are_rejected(colour):
    fields = _errors("divider", {"colour": colour})
    assert fields == {"colour": ["Use a hex colour like #1a2b3c or #abc."]}


def test_enums_list_the_choices():
    fields = _errors("divider", {"style": "wavy"})
    assert fields["style"][0].startswith("Choose one of")
    assert "'dashed'" in fields["style"][0]


def test_unknown_type_is_rejected_without_echoing_input():
    hostile = "<script>alert(1)</script>"
    with pytest.raises(ComponentTypeUnknownError) as raised:
        component_data_validate(type_key=hostile, data={})
    error = raised.value
    assert error.code == BioErrorCode.COMPONENT_TYPE_UNKNOWN
    assert list(error.fields) == ["type"]
    assert hostile not in error.message
    assert hostile not in str(error.fields)


def test_non_object_and_non_json_data_are_rejected():
    assert list(_errors("link", ["https://example.com"])) == ["__all__"]
    assert list(_errors("spacer", {"height": float("nan")})) == ["__all__"]
    assert list(_errors("spacer", {"height": object()})) == ["__all__"]


def test_cross_field_rules():
    assert _errors("app_store_badges", {}) == {
        "__all__": ["Add an App Store link, a Google Play link or both."]
    }
    fields = _errors("map", {"query": "Somewhere", "latitude": 10})
    assert fields == {"__all__": ["Give both latitude and longitude, or neither."]}
    fields = _errors("contact_form", {"heading": "Hi", "fields": ["name", "message"]})
    assert fields == {"__all__": ["Include an email or phone field so you can reply."]}
    fields = _errors(
        "opening_hours", {"timezone": "Mars/Olympus", "days": [{"day": "mon", "opens": "09:00"}]}
    )
    assert fields == {
        "timezone": ["Use a time zone name like Europe/London."],
        "days.0": ["Give opening and closing times, or mark the day closed."],
    }


def test_countdown_needs_an_aware_datetime_and_amounts_are_decimal_strings():
    fields = _errors("countdown", {"title": "Launch", "ends_at": "2030-01-01T00:00:00"})
    assert list(fields) == ["ends_at"]
    fields = _errors("tip_jar", {"heading": "Tip", "currency": "usd", "suggested_amounts": [5]})
    assert set(fields) == {"currency", "suggested_amounts.0"}
    fields = _errors(
        "tip_jar", {"heading": "Tip", "currency": "USD", "suggested_amounts": ["0", "1.999"]}
    )
    assert fields == {
        "suggested_amounts.0": ["Enter an amount greater than zero."],
        "suggested_amounts.1": ["Enter an amount like 5 or 12.50."],
    }


def test_file_names_cannot_traverse_paths():
    data = {"title": "F", "file_url": "https://cdn.example.com/f.zip", "file_name": "../etc/passwd"}
    assert list(_errors("file_download", data)) == ["file_name"]


def test_formatted_fields_have_specific_messages():
    assert _errors("whatsapp", {"phone": "07700 900123"}) == {
        "phone": ["Use an international phone number like +447700900123."]
    }
    assert _errors("email_link", {"label": "Mail", "email": "a@b.com?bcc=x@evil.com"}) == {
        "email": ["Enter an email address like name@example.com."]
    }
    assert _errors("github_repo", {"owner": "-bad", "repo": "ok"}) == {
        "owner": ["Use a GitHub user or organisation name."]
    }
    assert list(_errors("telegram", {"username": "ab"})) == ["username"]
