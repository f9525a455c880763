"""Page types of a workspace's site.

The tree of every workspace is: Wagtail's root → one HomePage (the Site's root, made by
migration 0002 in the template schema and renamed at provisioning) → content, landing,
blog, form and legal pages. `parent_page_types` / `subpage_types` keep editors inside
that shape. Every page type shares `BrandedPageMixin`: a social image and the canonical / Open
Graph values its template needs, built on the workspace's primary host (the Site's
hostname, kept in step by cms.tasks.site_hostname_sync), never the request's Host.
"""

import datetime

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BaseStreamBlock

BLOG_POSTS_PER_PAGE = 10
# Pages that can sit under the home page (and under a content page, for sections).
SECTION_CHILDREN = [
    "cms.ContentPage",
    "cms.LandingPage",
    "cms.BlogIndexPage",
    "cms.FormPage",
    "cms.LegalPage",
]


class BrandedPageMixin(models.Model):
    """What every page type of a workspace site shares: a social image and the values of
    the <head>: canonical URL, description and Open Graph image, all absolute. A mixin
    (not a Page subclass) so FormPage, which must extend Wagtail's AbstractEmailForm,
    shares it too."""

    social_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when the page is shared (1200x630 works best).",
    )

    promote_panels = [*Page.promote_panels, FieldPanel("social_image")]

    # Open Graph's og:type: "article" for blog posts, "website" for everything else.
    og_type = "website"

    class Meta:
        abstract = True

    def meta_description(self) -> str:
        return (
            self.search_description
            or getattr(self, "excerpt", "")
            or getattr(self, "intro_text", "")
        )

    def share_image(self):
        return self.social_image

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # From the Site's cached root paths (its hostname is the workspace's primary
        # host): no query, unlike get_site().
        _, root_url, page_path = self.get_url_parts(request) or (None, "", "")
        root_url = root_url or ""
        context["canonical_url"] = root_url + (page_path or "")
        context["meta_description"] = self.meta_description()
        image = self.share_image()
        if image is not None:
            rendition = image.get_rendition("fill-1200x630")
            # Renditions of the default storage have site-relative URLs; Open Graph needs
            # an absolute one, on the same primary host as the page.
            url = rendition.url
            context["og_image_url"] = (
                url if url.startswith(("http://", "https://")) else root_url + url
            )
            context["og_image_alt"] = getattr(image, "default_alt_text", "") or image.title
        return context


class HomePage(BrandedPageMixin, Page):  # noqa: DJ008 - Page's __str__ is the title
    """A workspace's front page: the root of its Wagtail site."""

    intro = models.CharField(max_length=255, blank=True)
    body = RichTextField(blank=True)
    content = StreamField(BaseStreamBlock(), blank=True, help_text="Sections below the intro.")

    # The home page sits directly under Wagtail's root and is the only one there.
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = SECTION_CHILDREN
    max_count_per_parent = 1

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("content"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("content"),
    ]

    template = "cms/home_page.html"

    @property
    def intro_text(self) -> str:
        return self.intro


class ContentPage(BrandedPageMixin, Page):  # noqa: DJ008 - Page's __str__ is the title
    """A plain page (about, services, …) made of blocks. Can hold a section of its own."""

    intro = models.TextField(max_length=400, blank=True)
    body = StreamField(BaseStreamBlock(), blank=True)

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = SECTION_CHILDREN

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    template = "cms/content_page.html"

    @property
    def intro_text(self) -> str:
        return self.intro


class LandingPage(BrandedPageMixin, Page):  # noqa: DJ008 - Page's __str__ is the title
    """A campaign page built entirely from blocks; the site header can be hidden so the
    page has one path (the call to action) and no distractions."""

    body = StreamField(BaseStreamBlock(), blank=True)
    hide_header = models.BooleanField(
        default=False, help_text="Hide the site's header and navigation on this page."
    )

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types: list[str] = []

    content_panels = [*Page.content_panels, FieldPanel("body")]
    settings_panels = [*Page.settings_panels, FieldPanel("hide_header")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    template = "cms/landing_page.html"


class BlogIndexPage(BrandedPageMixin, Page):  # noqa: DJ008 - Page's __str__ is the title
    """Lists its published posts, newest first, ten to a page."""

    intro = models.TextField(max_length=400, blank=True)

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.BlogPostPage"]

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    template = "cms/blog_index_page.html"

    @property
    def intro_text(self) -> str:
        return self.intro

    def posts(self):
        # Private (password / group restricted) posts stay out of the public listing.
        return (
            BlogPostPage.objects.child_of(self)
            .live()
            .public()
            .select_related("feed_image")
            .order_by("-date", "-first_published_at", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        posts = Paginator(self.posts(), BLOG_POSTS_PER_PAGE).get_page(request.GET.get("page"))
        context["posts"] = posts
        if posts.number > 1:
            context["canonical_url"] = f"{context['canonical_url']}?page={posts.number}"
        return context


class BlogPostTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.BlogPostPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class BlogPostPage(BrandedPageMixin, Page):  # noqa: DJ008 - Page's __str__ is the title
    date = models.DateField("Post date", default=datetime.date.today)
    excerpt = models.TextField(
        max_length=300, blank=True, help_text="Shown in lists and when shared."
    )
    # A name, not a user: posts are often written by guests, and the tenant's users
    # include customers whose names must never appear by accident.
    author_name = models.CharField(max_length=120, blank=True)
    feed_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown in the blog listing and at the top of the post.",
    )
    body = StreamField(BaseStreamBlock(), blank=True)
    tags = ClusterTaggableManager(through=BlogPostTag, blank=True)

    parent_page_types = ["cms.BlogIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("date"), FieldPanel("author_name")]), FieldPanel("tags")],
            heading="Post details",
        ),
        FieldPanel("excerpt"),
        FieldPanel("feed_image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("excerpt"),
        index.SearchField("body"),
        index.SearchField("author_name"),
        index.FilterField("date"),
    ]

    template = "cms/blog_post_page.html"
    og_type = "article"

    def share_image(self):
        return self.social_image or self.feed_image


class FormField(AbstractFormField):
    page = ParentalKey("cms.FormPage", related_name="form_fields", on_delete=models.CASCADE)


class FormPage(BrandedPageMixin, AbstractEmailForm):  # noqa: DJ008 - Page's __str__ is the title
    """A form built in the editor. Wagtail stores each submission (see the page's
    submissions in the admin); cms.services.form_submission_process also mails the
    addresses in `to_address`, or the workspace's owners when it is empty, and hands the
    contact to the CRM once that module exists."""

    intro = RichTextField(blank=True)
    thank_you_text = RichTextField(
        blank=True, default="<p>Thank you! We will be in touch soon.</p>"
    )

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types: list[str] = []

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [FieldPanel("to_address"), FieldPanel("subject")],
            heading="Email",
            help_text="Leave the addresses empty to notify the workspace's owners.",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    template = "cms/form_page.html"
    landing_page_template = "cms/form_page_landing.html"

    def process_form_submission(self, form):
        from cms.services import form_submission_process

        return form_submission_process(page=self, form=form)


class LegalPage(BrandedPageMixin, Page):  # noqa: DJ008 - Page's __str__ is the title
    class Kind(models.TextChoices):
        TERMS = "terms", "Terms of service"
        PRIVACY = "privacy", "Privacy policy"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    last_updated = models.DateField(default=datetime.date.today)
    body = RichTextField()

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("last_updated")]),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    template = "cms/legal_page.html"


class NewsletterSignup(models.Model):
    """An address left in a newsletter block. Kept here until the mailing module exists;
    cms.services.newsletter_signup_create also hands it to the CRM when that is installed."""

    email = models.EmailField(max_length=254, unique=True)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    panels = [FieldPanel("email"), FieldPanel("page", read_only=True)]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email
