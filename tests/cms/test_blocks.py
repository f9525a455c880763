"""Each block of the library renders good input and rejects bad input with a clear error."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from cms.blocks import BaseStreamBlock
from tests.cms.factories import FAKE_VIDEO_URL, form_page_create, home_page, image_create

NO_BUTTON = {"label": "", "page": None, "url": ""}


def _block(name):
    return BaseStreamBlock().child_blocks[name]


def _render(name, raw, **context):
    block = _block(name)
    value = block.clean(block.to_python(raw))
    request = RequestFactory().get("/landing/", HTTP_HOST="alpha.localhost")
    return block.render(value, context={"request": request, "page": home_page(), **context})


def _errors(name, raw) -> str:
    block = _block(name)
    with pytest.raises(ValidationError) as caught:
        block.clean(block.to_python(raw))
    error = caught.value
    data = error.as_json_data() if hasattr(error, "as_json_data") else {"messages": error.messages}
    return str(data)


@pytest.fixture
def image(in_alpha):
    return image_create(title="Storefront")


def test_block_library_offers_every_block():
    assert set(BaseStreamBlock().child_blocks) == {
        "hero",
        "rich_text",
        "image",
        "gallery",
        "video",
        "call_to_action",
        "feature_grid",
        "pricing_table",
        "testimonials",
        "faq",
        "logo_strip",
        "countdown",
        "newsletter_signup",
        "contact_form",
        "products",
        "courses",
    }
    for block in BaseStreamBlock().child_blocks.values():
        assert block.meta.template.startswith("blocks/")
        assert block.meta.icon
        assert block.meta.description


def test_hero_renders_heading_text_buttons_and_image(in_alpha, image):
    html = _render(
        "hero",
        {
            "eyebrow": "New",
            "heading": "Fresh bread daily",
            "text": "Baked at dawn.",
            "image": image.pk,
            "primary_button": {"label": "Order", "page": None, "url": "https://shop.example.test/"},
            "secondary_button": {"label": "Visit", "page": home_page().pk, "url": ""},
            "alignment": "center",
        },
    )

    assert '<h2 class="pg-hero__title">Fresh bread daily</h2>' in html
    assert "Baked at dawn." in html
    assert 'href="https://shop.example.test/"' in html and ">Order<" in html
    assert 'href="/"' in html and ">Visit<" in html
    assert 'alt=""' in html  # decorative


def test_hero_needs_a_heading_and_complete_buttons(in_alpha):
    errors = _errors(
        "hero",
        {
            "heading": "",
            "primary_button": {"label": "Order", "page": None, "url": ""},
            "secondary_button": NO_BUTTON,
        },
    )

    assert "heading" in errors
    assert "Choose a page or enter a URL" in errors


def test_rich_text_renders_and_is_required(in_alpha):
    assert "<b>Bold</b> move" in _render("rich_text", "<p><b>Bold</b> move</p>")
    assert "required" in _errors("rich_text", "")


def test_image_renders_with_alt_text_and_caption(in_alpha, image):
    html = _render(
        "image",
        {
            "image": image.pk,
            "alt_text": "Our shop window",
            "decorative": False,
            "caption": "Main street",
            "attribution": "Photo: Sam",
        },
    )

    assert 'alt="Our shop window"' in html
    assert "Main street" in html and "Photo: Sam" in html
    assert "<figure" in html


def test_image_needs_alt_text_unless_decorative(in_alpha, image):
    assert "Describe the image" in _errors(
        "image", {"image": image.pk, "alt_text": "", "decorative": False}
    )
    assert 'alt=""' in _render("image", {"image": image.pk, "alt_text": "", "decorative": True})


def test_gallery_renders_every_image_with_its_alt(in_alpha, image):
    other = image_create(title="Oven", colour="red")
    html = _render(
        "gallery",
        {
            "heading": "Inside",
            "images": [
                {"image": image.pk, "alt_text": "The counter", "caption": ""},
                {"image": other.pk, "alt_text": "The oven", "caption": "Wood fired"},
            ],
        },
    )

    assert 'alt="The counter"' in html and 'alt="The oven"' in html
    assert "Wood fired" in html
    assert 'aria-labelledby="gallery-' in html


def test_gallery_needs_two_images(in_alpha, image):
    assert "The minimum number of items is 2" in _errors(
        "gallery",
        {
            "heading": "",
            "images": [
                {"image": image.pk, "alt_text": "Only one", "caption": ""},
            ],
        },
    )


def test_video_embeds_with_a_title_for_screen_readers(in_alpha, fake_embeds):
    html = _render(
        "video", {"video": FAKE_VIDEO_URL, "title": "How we bake", "caption": "Two minutes"}
    )

    assert f'src="{FAKE_VIDEO_URL}/embed"' in html
    assert '<iframe title="How we bake"' in html
    assert "Two minutes" in html


def test_video_rejects_an_address_with_no_embed(in_alpha, fake_embeds):
    errors = _errors("video", {"video": "https://unknown.example.test/clip", "title": "Clip"})

    assert "Cannot find an embed" in errors


def test_call_to_action_renders_its_button(in_alpha):
    html = _render(
        "call_to_action",
        {
            "heading": "Ready?",
            "text": "Join us.",
            "style": "brand",
            "button": {"label": "Join", "page": None, "url": "https://x.example.test/"},
        },
    )

    assert "Ready?" in html and "Join us." in html
    assert 'class="pg-btn pg-btn--light" href="https://x.example.test/"' in html


def test_call_to_action_needs_exactly_one_destination(in_alpha):
    both = {"label": "Join", "page": home_page().pk, "url": "https://x.example.test/"}
    assert "one of the two" in _errors("call_to_action", {"heading": "Ready?", "button": both})
    assert "one of the two" in _errors(
        "call_to_action", {"heading": "Ready?", "button": {**NO_BUTTON, "label": "Join"}}
    )


def test_feature_grid_renders_features_under_its_heading(in_alpha):
    html = _render(
        "feature_grid",
        {
            "heading": "Why us",
            "intro": "",
            "columns": "2",
            "features": [
                {"title": "Fast", "text": "Ready in minutes."},
                {"title": "Kind", "text": "Real people."},
            ],
        },
    )

    assert "<h2" in html and "Why us" in html
    assert '<h3 class="pg-feature__title">Fast</h3>' in html
    assert "pg-cols-2" in html


def test_feature_grid_needs_a_feature(in_alpha):
    assert "features" in _errors(
        "feature_grid", {"heading": "Why us", "columns": "3", "features": []}
    )


def test_pricing_table_shows_money_and_the_highlighted_plan(in_alpha):
    html = _render(
        "pricing_table",
        {
            "heading": "Plans",
            "intro": "",
            "plans": [
                {
                    "name": "Free",
                    "price": "0",
                    "currency": "usd",
                    "period": "",
                    "description": "",
                    "features": ["One shop"],
                    "button": NO_BUTTON,
                    "highlighted": False,
                },
                {
                    "name": "Pro",
                    "price": "19.5",
                    "currency": "eur",
                    "period": "per month",
                    "description": "",
                    "features": [],
                    "button": {"label": "Buy", "page": None, "url": "https://pay.example.test/"},
                    "highlighted": True,
                },
            ],
        },
    )

    assert "$0.00" in html
    assert "€19.50" in html and "per month" in html
    assert "Most popular" in html
    assert "One shop" in html


def test_pricing_table_rejects_two_highlights_and_negative_prices(in_alpha):
    plan = {
        "name": "A",
        "price": "5",
        "currency": "usd",
        "features": [],
        "button": NO_BUTTON,
        "highlighted": True,
    }
    assert "Highlight at most one plan" in _errors(
        "pricing_table", {"plans": [plan, {**plan, "name": "B"}]}
    )
    assert "price" in _errors("pricing_table", {"plans": [{**plan, "price": "-1"}]})


def test_testimonials_render_quotes_and_people(in_alpha):
    html = _render(
        "testimonials",
        {
            "heading": "Kind words",
            "testimonials": [
                {"quote": "Best bread in town.", "name": "Ada", "role": "Neighbour", "photo": None},
            ],
        },
    )

    assert "<blockquote" in html and "Best bread in town." in html
    assert "Ada" in html and "Neighbour" in html


def test_testimonials_need_a_quote(in_alpha):
    assert "quote" in _errors("testimonials", {"testimonials": [{"quote": "", "name": "Ada"}]})


def test_faq_uses_details_and_summary(in_alpha):
    html = _render(
        "faq",
        {
            "heading": "FAQ",
            "items": [
                {"question": "Do you deliver?", "answer": "<p>Yes, daily.</p>"},
            ],
        },
    )

    assert "<details" in html and "<summary" in html
    assert "Do you deliver?" in html and "Yes, daily." in html


def test_faq_needs_an_answer(in_alpha):
    assert "answer" in _errors(
        "faq", {"heading": "FAQ", "items": [{"question": "Why?", "answer": ""}]}
    )


def test_logo_strip_uses_the_company_name_as_alt(in_alpha, image):
    html = _render(
        "logo_strip",
        {
            "heading": "Trusted by",
            "logos": [
                {"image": image.pk, "name": "Acme", "url": "https://acme.example.test/"},
            ],
        },
    )

    assert 'alt="Acme"' in html
    assert 'href="https://acme.example.test/"' in html


def test_logo_strip_needs_a_name_for_each_logo(in_alpha, image):
    assert "name" in _errors("logo_strip", {"logos": [{"image": image.pk, "name": "", "url": ""}]})


def test_countdown_renders_time_left_for_people_and_screen_readers(in_alpha):
    target = timezone.now() + datetime.timedelta(days=3, hours=5, minutes=1)
    html = _render(
        "countdown",
        {
            "heading": "Doors open in",
            "target": target.isoformat(),
            "text": "",
            "finished_text": "We are open!",
        },
    )

    assert "Doors open in" in html
    assert 'data-unit="days">3<' in html
    assert "3 days, 5 hours" in html and 'aria-live="polite"' in html
    assert "We are open!" not in html.split("data-finished-text")[1].split(">", 1)[1]


def test_countdown_in_the_past_shows_its_finished_text(in_alpha):
    target = timezone.now() - datetime.timedelta(minutes=1)
    html = _render(
        "countdown",
        {
            "heading": "Doors open in",
            "target": target.isoformat(),
            "text": "",
            "finished_text": "We are open!",
        },
    )

    assert '<p class="pg-countdown__finished" role="status">We are open!</p>' in html
    assert "data-unit" not in html


def test_countdown_needs_a_valid_date(in_alpha):
    assert "target" in _errors(
        "countdown", {"heading": "Soon", "target": "not a date", "finished_text": "Go"}
    )


def test_newsletter_signup_posts_to_the_signup_view(in_alpha):
    html = _render(
        "newsletter_signup",
        {
            "heading": "Stay in touch",
            "text": "",
            "button_label": "Join",
            "privacy_note": "No spam.",
        },
    )

    assert 'action="/newsletter/"' in html and 'hx-post="/newsletter/"' in html
    assert 'type="email"' in html and ">Join<" in html
    assert f'name="page_id" value="{home_page().pk}"' in html
    assert "No spam." in html


def test_newsletter_signup_needs_a_heading(in_alpha):
    assert "heading" in _errors("newsletter_signup", {"heading": "", "button_label": "Join"})


def test_contact_form_renders_the_chosen_form_page_inline(in_alpha):
    form_page = form_page_create()

    html = _render(
        "contact_form", {"heading": "Write to us", "intro": "", "form_page": form_page.pk}
    )

    assert 'action="/contact/"' in html
    assert 'name="your_name"' in html and 'name="email"' in html


def test_contact_form_needs_a_form_page(in_alpha):
    assert "form_page" in _errors("contact_form", {"heading": "Write", "form_page": None})


def test_products_and_courses_show_a_designed_empty_state_until_their_apps_exist(in_alpha):
    products = _render("products", {"heading": "Shop", "intro": "", "count": 6})
    courses = _render("courses", {"heading": "Learn", "intro": "", "count": 6})

    assert "The shop is opening soon" in products
    assert "Courses are coming soon" in courses


def test_products_and_courses_bound_their_count(in_alpha):
    assert "count" in _errors("products", {"heading": "Shop", "count": 0})
    assert "count" in _errors("courses", {"heading": "Learn", "count": 100})
