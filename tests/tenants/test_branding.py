"""tenants.branding: what a brand may hold, per field, and the defaults pages fall back to."""

import pytest

from tenants.branding import (
    DEFAULT_BRANDING,
    FONT_STACKS,
    branding_clean,
    branding_problems,
    branding_valid_subset,
    branding_warnings,
    branding_with_defaults,
    contrast_ratio,
)


def test_a_complete_valid_brand_has_no_problems():
    brand = {
        "display_name": "Acme Studio",
        "primary_color": "#e11d48",
        "secondary_color": "#F59E0B",
        "background_color": "#fff",
        "text_color": "#111827",
        "font": "geometric",
        "radius": "8px",
        "tagline": "Design that sells.",
        "footer_text": "Acme Studio Ltd, 1 Main St.",
        "email_sender_name": "Acme Studio",
        "email_sender_address": "hello@acme.test",
        "social_links": {
            "instagram": "https://www.instagram.com/acme",
            "x": "https://x.com/acme",
            "mastodon": "https://mastodon.social/@acme",
            "website": "https://acme.test/about",
        },
        "custom_css": ".hero { padding: 4rem 0 }",
    }

    assert branding_problems(brand) == {}


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("primary_color", "red", "hex colour"),
        ("primary_color", "#12345", "hex colour"),
        ("primary_color", "red;}</style><script>", "hex colour"),
        ("secondary_color", 123, "hex colour"),
        ("font", "Comic Sans", "Choose one of the fonts"),
        ("font", "https://fonts.googleapis.com/css?family=X", "Choose one of the fonts"),
        ("radius", "12", "between 0px and 32px"),
        ("radius", "99px", "between 0px and 32px"),
        ("radius", "1em", "between 0px and 32px"),
        ("display_name", "x" * 61, "at most 60"),
        ("display_name", "<b>Acme</b>", "plain text"),
        ("footer_text", "line\nbreak", "plain text"),
        ("tagline", "a" * 161, "at most 160"),
        ("email_sender_name", "Acme\r\nBcc: victim@example.test", "plain text"),
        ("email_sender_name", 'Acme "Support"', "without"),
        ("email_sender_address", "not an address", "valid email"),
        ("email_sender_address", "a@b.test\nBcc: c@d.test", "valid email"),
        ("email_sender_address", "Acme <a@acme.test>", "valid email"),
        ("social_links", ["https://x.com/acme"], "map a network"),
        ("social_links", {"myspace": "https://myspace.com/acme"}, "not a network we know"),
        ("social_links", {"instagram": "http://instagram.com/acme"}, "https://"),
        ("social_links", {"instagram": "javascript:alert(1)"}, "https://"),
        ("social_links", {"instagram": "https://evil.test/instagram.com"}, "instagram.com"),
        ("social_links", {"instagram": "https://instagram.com.evil.test/x"}, "instagram.com"),
        ("social_links", {"website": "https://acme.test/a b"}, "spaces"),
        ("custom_css", "@import 'https://evil.test/x.css';", "@import"),
        ("custom_css", "</style><script>alert(1)</script>", "'<'"),
        ("logo_version", "../../etc", "Invalid"),
        ("made_up", "x", "Unknown branding setting"),
    ],
)
def test_each_field_has_its_rule_and_a_clear_message(field, value, fragment):
    problems = branding_problems({field: value})

    assert field in problems
    assert any(fragment in message for message in problems[field]), problems[field]


def test_problems_name_only_the_fields_that_are_wrong():
    problems = branding_problems({"primary_color": "#123456", "radius": "400px", "font": "x"})

    assert set(problems) == {"radius", "font"}


def test_the_old_accent_color_key_is_still_accepted_and_read_as_secondary():
    assert branding_problems({"accent_color": "#f59e0b"}) == {}
    assert branding_with_defaults({"accent_color": "#F59E0B"})["secondary_color"] == "#f59e0b"
    assert (
        branding_with_defaults({"accent_color": "#f59e0b", "secondary_color": "#000000"})[
            "secondary_color"
        ]
        == "#000000"
    )


def test_text_that_cannot_be_read_on_its_background_is_refused():
    problems = branding_problems({"text_color": "#eeeeee", "background_color": "#ffffff"})

    assert "contrast" in problems["text_color"][0]
    assert "3:1" in problems["text_color"][0]


def test_contrast_is_judged_against_the_default_for_a_colour_not_given():
    # White text on the default white background.
    assert "contrast" in branding_problems({"text_color": "#ffffff"})["text_color"][0]
    # Dark background with the default dark text.
    assert "contrast" in branding_problems({"background_color": "#0f172a"})["background_color"][0]


def test_a_dark_theme_with_light_text_is_fine():
    assert branding_problems({"background_color": "#0b1120", "text_color": "#e2e8f0"}) == {}


def test_middling_contrast_is_a_warning_not_a_problem():
    brand = {"text_color": "#808080", "background_color": "#ffffff"}  # ~3.9:1

    assert branding_problems(brand) == {}
    assert "WCAG" in branding_warnings(brand)["text_color"][0]


def test_a_primary_colour_close_to_the_background_is_a_warning():
    assert "primary colour" in branding_warnings({"primary_color": "#fefefe"})["primary_color"][0]


def test_contrast_ratio_matches_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_the_sender_address_must_be_at_a_verified_domain_when_domains_are_given():
    verified = ["shop.acme.test", "acme.localhost"]

    assert (
        branding_problems({"email_sender_address": "hi@shop.acme.test"}, sender_domains=verified)
        == {}
    )
    # The registrable parent of a verified host is the usual sending domain.
    assert (
        branding_problems({"email_sender_address": "hi@acme.test"}, sender_domains=verified) == {}
    )
    problems = branding_problems({"email_sender_address": "ceo@bank.test"}, sender_domains=verified)
    assert "verified" in problems["email_sender_address"][0]
    assert "SPF" in problems["email_sender_address"][0]


def test_with_defaults_fills_every_key_and_drops_anything_invalid():
    brand = branding_with_defaults(
        {"primary_color": "red;}</style>", "font": "mono", "radius": "4px", "made_up": "x"}
    )

    assert brand["primary_color"] == DEFAULT_BRANDING["primary_color"]
    assert brand["font"] == "mono"
    assert brand["font_family"] == FONT_STACKS["mono"][1]
    assert brand["radius"] == "4px"
    assert "made_up" not in brand
    assert set(DEFAULT_BRANDING) <= set(brand)


def test_with_defaults_never_returns_custom_css():
    # Custom CSS reaches a page only through tenants.theme, which sanitises it again.
    assert "custom_css" not in branding_with_defaults({"custom_css": "a{color:red}"})


def test_with_defaults_keeps_only_valid_social_links():
    brand = branding_with_defaults(
        {"social_links": {"x": "https://x.com/acme", "instagram": "javascript:alert(1)"}}
    )

    assert brand["social_links"] == {"x": "https://x.com/acme"}


def test_with_defaults_survives_junk():
    assert branding_with_defaults(None)["primary_color"] == DEFAULT_BRANDING["primary_color"]
    assert branding_with_defaults(["not", "a", "dict"])["font"] == "system"  # type: ignore[arg-type]


def test_text_on_primary_buttons_is_whichever_reads_better():
    assert branding_with_defaults({"primary_color": "#1e3a8a"})["on_primary"] == "#ffffff"
    assert branding_with_defaults({"primary_color": "#fde047"})["on_primary"] == "#111827"


def test_clean_normalises_what_is_stored():
    cleaned = branding_clean(
        {"primary_color": "#ABC", "accent_color": "#F00", "display_name": "  Acme  "}
    )

    assert cleaned == {
        "primary_color": "#aabbcc",
        "secondary_color": "#ff0000",
        "display_name": "Acme",
    }


def test_valid_subset_keeps_what_passes_and_reads_legacy_keys():
    subset = branding_valid_subset(
        {
            "primary_color": "#123456",
            "radius": "bad",
            "accent_color": "#00ff00",
            "font_family": "Inter",
        }
    )

    assert subset == {"primary_color": "#123456", "secondary_color": "#00ff00"}


def test_legacy_font_family_is_accepted_but_the_font_is_chosen_from_the_stacks():
    assert branding_problems({"font_family": "Inter, system-ui, sans-serif"}) == {}
    assert (
        branding_with_defaults({"font_family": "Inter, sans-serif"})["font_family"]
        == FONT_STACKS["system"][1]
    )


def test_every_font_stack_is_system_fonts_only():
    for _, stack in FONT_STACKS.values():
        assert "http" not in stack and "url(" not in stack and "<" not in stack
