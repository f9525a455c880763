"""The StreamField block library of workspace pages.

Each block is `<Thing>Block` with a Meta giving its icon, template (templates/blocks/)
and a description shown in Wagtail's block picker; `BaseStreamBlock` collects them for
every page type. Blocks validate what an editor could get wrong (missing alt text, a
button without a destination, two highlighted plans) so a published page never renders
half a component.
"""

import re
import uuid
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from config.money import Money

# The installed app labels of the modules these blocks show when they exist; until
# then the blocks render a designed empty state instead of failing.
STORE_APP = "tenant_apps.store"
COURSES_APP = "tenant_apps.courses"

CURRENCY_CHOICES = [("usd", "USD $"), ("eur", "EUR €"), ("gbp", "GBP £")]


def _struct_error(**fields: str) -> StructBlockValidationError:
    return StructBlockValidationError(
        block_errors={name: ValidationError(message) for name, message in fields.items()}
    )


class UniqueIdMixin:
    """Gives the template a `uid` for element ids: a page may hold the same block twice,
    and labels, aria-* references and HTMX targets must each point at their own."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["uid"] = uuid.uuid4().hex[:10]
        return context


class ButtonBlock(blocks.StructBlock):
    """A link styled as a button: to a page of this site or to any URL, never both."""

    label = blocks.CharBlock(max_length=40)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, label="Or URL")

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise _struct_error(url="Choose a page or enter a URL (one of the two).")
        return value

    class Meta:
        icon = "link"
        template = "blocks/button.html"
        description = "A button linking to a page or a URL."


class OptionalButtonBlock(ButtonBlock):
    """A button an editor may leave out: empty is fine, half-filled is not."""

    label = blocks.CharBlock(max_length=40, required=False)

    def clean(self, value):
        if not value.get("label") and not value.get("page") and not value.get("url"):
            return value
        if not value.get("label"):
            raise _struct_error(label="Give the button a label.")
        return super().clean(value)

    class Meta:
        required = False


class HeroBlock(blocks.StructBlock):
    eyebrow = blocks.CharBlock(
        max_length=60, required=False, help_text="A short line above the heading."
    )
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(max_length=400, required=False)
    image = ImageChooserBlock(required=False, help_text="Shown beside the text; decorative.")
    primary_button = OptionalButtonBlock()
    secondary_button = OptionalButtonBlock()
    alignment = blocks.ChoiceBlock(choices=[("left", "Left"), ("center", "Centre")], default="left")

    class Meta:
        icon = "title"
        template = "blocks/hero.html"
        description = "A large heading with a short text, buttons and an optional image."


class RichTextBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        template = "blocks/rich_text.html"
        description = "Formatted text: headings, lists, links."
        features = [
            "h2",
            "h3",
            "h4",
            "bold",
            "italic",
            "ol",
            "ul",
            "link",
            "document-link",
            "hr",
            "blockquote",
        ]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        required=False,
        help_text="Describe the image for people who cannot see it.",
    )
    decorative = blocks.BooleanBlock(
        required=False, help_text="Purely decorative: screen readers skip it."
    )
    caption = blocks.CharBlock(max_length=250, required=False)
    attribution = blocks.CharBlock(max_length=120, required=False)

    def clean(self, value):
        value = super().clean(value)
        # Alt text is what a screen reader says; an image that carries meaning needs it.
        if not value.get("decorative") and not (value.get("alt_text") or "").strip():
            raise _struct_error(alt_text="Describe the image, or mark it as decorative.")
        return value

    class Meta:
        icon = "image"
        template = "blocks/image.html"
        description = "One image with alt text and an optional caption."


class GalleryImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(max_length=250)
    caption = blocks.CharBlock(max_length=120, required=False)

    class Meta:
        icon = "image"


class GalleryBlock(UniqueIdMixin, blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    images = blocks.ListBlock(GalleryImageBlock(), min_num=2, max_num=24)

    class Meta:
        icon = "image"
        template = "blocks/gallery.html"
        description = "A grid of two or more images."


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(max_width=1200, help_text="A YouTube or Vimeo address, for example.")
    # Screen readers announce an iframe by its title.
    title = blocks.CharBlock(max_length=120, help_text="What the video is about.")
    caption = blocks.CharBlock(max_length=250, required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        html = value["video"].html if value.get("video") else ""
        # Providers' iframes often come without a title; screen readers need one.
        if html and not re.search(r"<iframe[^>]*\stitle=", html):
            html = html.replace("<iframe", f'<iframe title="{escape(value["title"])}"', 1)
        context["embed_html"] = mark_safe(html)  # noqa: S308 - HTML from the embed finder
        return context

    class Meta:
        icon = "media"
        template = "blocks/video.html"
        description = "An embedded video from a video site."


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(max_length=300, required=False)
    button = ButtonBlock()
    style = blocks.ChoiceBlock(
        choices=[("brand", "Brand colour"), ("subtle", "Subtle")], default="brand"
    )

    class Meta:
        icon = "pick"
        template = "blocks/call_to_action.html"
        description = "A band with a heading and one button."


class FeatureBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(max_length=300)

    class Meta:
        icon = "tick"


class FeatureGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    intro = blocks.TextBlock(max_length=300, required=False)
    features = blocks.ListBlock(FeatureBlock(), min_num=1, max_num=12)
    columns = blocks.ChoiceBlock(choices=[("2", "Two"), ("3", "Three"), ("4", "Four")], default="3")

    class Meta:
        icon = "table"
        template = "blocks/feature_grid.html"
        description = "Features or benefits in a grid of columns."


class PricingPlanBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=60)
    # Amounts are Decimal with a currency (config.money.Money), never floats.
    price = blocks.DecimalBlock(min_value=Decimal("0"), max_digits=12, decimal_places=2)
    currency = blocks.ChoiceBlock(choices=CURRENCY_CHOICES, default="usd")
    period = blocks.CharBlock(max_length=30, required=False, help_text='For example "per month".')
    description = blocks.CharBlock(max_length=160, required=False)
    features = blocks.ListBlock(blocks.CharBlock(max_length=120), min_num=0)
    button = OptionalButtonBlock()
    highlighted = blocks.BooleanBlock(required=False, help_text="Make this plan stand out.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["price"] = plan_price(value)
        return context

    class Meta:
        icon = "tag"


def plan_price(value) -> Money | None:
    amount = value.get("price")
    if amount is None:
        return None
    return Money(Decimal(amount), value.get("currency") or "usd")


class PricingTableBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    intro = blocks.TextBlock(max_length=300, required=False)
    plans = blocks.ListBlock(PricingPlanBlock(), min_num=1, max_num=4)

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for plan in value["plans"] if plan.get("highlighted")) > 1:
            raise StructBlockValidationError(
                non_block_errors=ErrorList([ValidationError("Highlight at most one plan.")])
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["plans"] = [(plan, plan_price(plan)) for plan in value["plans"]]
        return context

    class Meta:
        icon = "list-ul"
        template = "blocks/pricing_table.html"
        description = "Up to four plans side by side with their prices."


class TestimonialBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=600)
    name = blocks.CharBlock(max_length=80)
    role = blocks.CharBlock(max_length=80, required=False, help_text="Job title or company.")
    photo = ImageChooserBlock(required=False)

    class Meta:
        icon = "openquote"


class TestimonialsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    testimonials = blocks.ListBlock(TestimonialBlock(), min_num=1, max_num=9)

    class Meta:
        icon = "openquote"
        template = "blocks/testimonials.html"
        description = "Quotes from happy customers."


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "help"


class FAQBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False, default="Frequently asked questions")
    items = blocks.ListBlock(FAQItemBlock(), min_num=1)

    class Meta:
        icon = "help"
        template = "blocks/faq.html"
        description = "Questions that open to show their answers."


class LogoBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    name = blocks.CharBlock(max_length=80, help_text="The company's name: the logo's alt text.")
    url = blocks.URLBlock(required=False)

    class Meta:
        icon = "image"


class LogoStripBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False, default="Trusted by")
    logos = blocks.ListBlock(LogoBlock(), min_num=1, max_num=12)

    class Meta:
        icon = "group"
        template = "blocks/logo_strip.html"
        description = "A row of partner or customer logos."


class CountdownBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    target = blocks.DateTimeBlock(help_text="When the countdown reaches zero (site time zone).")
    text = blocks.TextBlock(max_length=300, required=False)
    finished_text = blocks.CharBlock(
        max_length=160, default="It has started!", help_text="Shown once the time has come."
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        target = value["target"]
        if timezone.is_naive(target):
            target = timezone.make_aware(target)
        seconds_left = max(0, int((target - timezone.now()).total_seconds()))
        days, rest = divmod(seconds_left, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, seconds = divmod(rest, 60)
        context["target_iso"] = target.isoformat()
        context["finished"] = seconds_left == 0
        context["remaining"] = {
            "days": days,
            "hours": hours,
            "minutes": minutes,
            "seconds": seconds,
        }
        return context

    class Meta:
        icon = "time"
        template = "blocks/countdown.html"
        description = "Days, hours and minutes left until a date."


class NewsletterSignupBlock(UniqueIdMixin, blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Get our newsletter")
    text = blocks.TextBlock(max_length=300, required=False)
    button_label = blocks.CharBlock(max_length=30, default="Subscribe")
    privacy_note = blocks.CharBlock(
        max_length=200, required=False, default="No spam. Unsubscribe at any time."
    )

    class Meta:
        icon = "mail"
        template = "blocks/newsletter_signup.html"
        description = "An email field that adds visitors to your mailing list."


class ContactFormBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    intro = blocks.TextBlock(max_length=300, required=False)
    form_page = blocks.PageChooserBlock(
        page_type="cms.FormPage", help_text="The form page whose fields and inbox to use."
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        form_page = value.get("form_page")
        request = (parent_context or {}).get("request")
        form_page = form_page.specific if form_page is not None else None
        context["form_page"] = form_page if form_page is not None and form_page.live else None
        if context["form_page"] is not None:
            user = getattr(request, "user", None)
            context["form"] = form_page.get_form(page=form_page, user=user)
        return context

    class Meta:
        icon = "form"
        template = "blocks/contact_form.html"
        description = "One of your form pages, shown inline."


class ProductsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Shop")
    intro = blocks.TextBlock(max_length=300, required=False)
    count = blocks.IntegerBlock(min_value=1, max_value=24, default=6)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # The store module does not exist yet: until it does, a designed empty state.
        context["store_installed"] = apps.is_installed(STORE_APP)
        context["items"] = []
        return context

    class Meta:
        icon = "doc-full"
        template = "blocks/products.html"
        description = "Products from your store."


class CoursesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Courses")
    intro = blocks.TextBlock(max_length=300, required=False)
    count = blocks.IntegerBlock(min_value=1, max_value=24, default=6)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # The courses module does not exist yet: until it does, a designed empty state.
        context["courses_installed"] = apps.is_installed(COURSES_APP)
        context["items"] = []
        return context

    class Meta:
        icon = "folder-open-inverse"
        template = "blocks/courses.html"
        description = "Courses you teach."


class BaseStreamBlock(blocks.StreamBlock):
    """Every block a workspace page can hold, in the order the picker shows them."""

    hero = HeroBlock()
    rich_text = RichTextBlock()
    image = ImageBlock()
    gallery = GalleryBlock()
    video = VideoBlock()
    call_to_action = CallToActionBlock()
    feature_grid = FeatureGridBlock()
    pricing_table = PricingTableBlock()
    testimonials = TestimonialsBlock()
    faq = FAQBlock()
    logo_strip = LogoStripBlock()
    countdown = CountdownBlock()
    newsletter_signup = NewsletterSignupBlock()
    contact_form = ContactFormBlock()
    products = ProductsBlock()
    courses = CoursesBlock()

    class Meta:
        # Each block renders its own <section>; the stream adds no wrapper markup.
        block_counts = {"hero": {"max_num": 3}}
