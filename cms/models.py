from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """A workspace's front page: the root of its Wagtail site."""

    intro = models.CharField(max_length=255, blank=True)
    body = RichTextField(blank=True)

    # The home page sits directly under Wagtail's root and is the only one there.
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    template = "cms/home_page.html"
