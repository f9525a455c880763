"""Builders for pages, images and embeds in whatever workspace schema is active."""

import re

from wagtail.embeds.finders.base import EmbedFinder
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from cms.models import BlogIndexPage, BlogPostPage, FormField, FormPage, HomePage

FAKE_VIDEO_URL = "https://video.example.test/watch/42"


def home_page() -> HomePage:
    return HomePage.objects.get()


def page_add(page, parent=None, *, publish: bool = True):
    """Add `page` under `parent` (the home page by default) as Wagtail's editor would."""
    parent = parent or home_page()
    page.live = publish  # Wagtail's default is live; a draft is made like the editor's "Save draft"
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def image_create(title: str = "A test image", colour: str = "white") -> Image:
    return Image.objects.create(title=title, file=get_test_image_file(colour=colour))


def form_page_create(*, to_address: str = "", slug: str = "contact", **fields) -> FormPage:
    page = FormPage(
        title=fields.pop("title", "Contact us"),
        slug=slug,
        to_address=to_address,
        subject=fields.pop("subject", "New enquiry"),
        form_fields=[
            FormField(label="Your name", field_type="singleline", required=True),
            FormField(label="Email", field_type="email", required=True),
            FormField(label="Message", field_type="multiline", required=True),
        ],
        **fields,
    )
    return page_add(page)


def blog_create(*, posts: int = 0, slug: str = "blog") -> BlogIndexPage:
    index = page_add(BlogIndexPage(title="Blog", slug=slug, intro="News from us."))
    for number in range(posts):
        page_add(BlogPostPage(title=f"Post {number}", slug=f"post-{number}"), parent=index)
    return index


class FakeVideoFinder(EmbedFinder):
    """Answers for video.example.test only, with a provider-like iframe; no network."""

    def accept(self, url):
        return url.startswith("https://video.example.test/")

    def find_embed(self, url, max_width=None, max_height=None):
        return {
            "title": "A fake video",
            "author_name": "Tester",
            "provider_name": "Example Video",
            "type": "video",
            "thumbnail_url": "",
            "width": 640,
            "height": 360,
            "html": f'<iframe src="{url}/embed" width="640" height="360" allowfullscreen></iframe>',
        }


def without_powered_by(text: str) -> str:
    """`text` without the "Powered by" mark that workspaces without white label carry
    (partials/powered_by.html, email/_footer.txt): the one place the platform may show."""
    text = re.sub(r"<(a|p)\b[^>]*data-powered-by[^>]*>.*?</\1>", "", text, flags=re.S)
    return re.sub(r"^Powered by .*$", "", text, flags=re.M)
