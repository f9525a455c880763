import datetime
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from cms.errors import NewsletterEmailInvalidError
from cms.models import (
    BlogIndexPage,
    BlogPostPage,
    ContentPage,
    FormField,
    FormPage,
    HomePage,
    LandingPage,
    LegalPage,
    NewsletterSignup,
)
from cms.selectors import form_notification_recipients
from tenants.mail import mail_send
from tenants.selectors import current_workspace, site_identity_for_workspace


@transaction.atomic
def site_initialize(*, site_name: str, hostname: str, port: int) -> Site:
    """Point the workspace's Wagtail site at its own host and name its home page.

    Wagtail seeds every schema with Site(hostname="localhost"); a workspace's site
    must answer to the workspace's primary host instead.
    """
    home = HomePage.objects.first()
    if home is not None:
        HomePage.objects.filter(pk=home.pk).update(title=site_name, draft_title=site_name)
        # A workspace cloned from a snapshot has the home page's revisions too, and the
        # editor opens the latest one: it must not show the snapshot's workspace name.
        if (revision := home.latest_revision) is not None:
            revision.content.update(title=site_name, draft_title=site_name)
            revision.object_str = site_name
            revision.save(update_fields=["content", "object_str"])
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.site_name = site_name
    site.hostname = hostname
    site.port = port
    if home is not None:
        site.root_page = home
    site.save()
    return site


@transaction.atomic
def site_hostname_set(*, hostname: str, port: int) -> Site:
    site = Site.objects.get(is_default_site=True)
    site.hostname = hostname
    site.port = port
    site.save(update_fields=["hostname", "port"])
    return site


@transaction.atomic
def home_page_content_set(*, intro: str, body_html: str) -> HomePage:
    home = HomePage.objects.get()
    home.intro = intro
    home.body = body_html
    home.save_revision().publish()
    return home


# --- Forms and newsletter -------------------------------------------------------------

# The CRM module, once it exists, receives every contact a visitor leaves on the site.
CRM_APP = "tenant_apps.crm"


@dataclass(frozen=True)
class Contact:
    email: str
    name: str


def contact_from_form_data(data: dict) -> Contact | None:
    """The visitor's email and name in a submission, whatever the editor called the
    fields ("Email", "Your e-mail", "Full name", …); None without a valid email."""
    email, name_parts = "", []
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            continue
        key = key.lower()
        if not email and ("email" in key or "e_mail" in key):
            try:
                validate_email(value.strip())
            except ValidationError:
                continue
            email = value.strip().lower()
        elif "name" in key and "user" not in key:
            name_parts.append(value.strip())
    return Contact(email=email, name=" ".join(name_parts)[:200]) if email else None


def contact_hand_off_to_crm(*, contact: Contact, source: str) -> bool:
    """Give a contact to the CRM when the workspace has it; returns whether it went.

    `tenant_apps.crm` does not exist yet. Its contract, when it lands: a service
    `tenant_apps.crm.services.contact_capture(*, email, name, source)` that creates or
    updates the contact idempotently (a visitor may submit twice). This is the one
    place pages talk to it; nothing else in cms/ knows the CRM exists.
    """
    if not apps.is_installed(CRM_APP):
        return False
    crm_services = import_module(f"{CRM_APP}.services")
    crm_services.contact_capture(email=contact.email, name=contact.name, source=source)
    return True


def form_submission_process(*, page, form):
    """Store a form page's submission (Wagtail's FormSubmission, listed in the admin),
    hand the visitor to the CRM when it is installed, then mail the page's recipients
    (its addresses, or the workspace's owners) in the workspace's brand."""
    with transaction.atomic():
        submission = page.get_submission_class().objects.create(
            form_data=form.cleaned_data, page=page
        )
        contact = contact_from_form_data(form.cleaned_data)
        if contact is not None:
            contact_hand_off_to_crm(contact=contact, source=f"form:{page.pk}")
    # After the commit: a mail server that is slow or down never loses a submission.
    form_submission_notify(page=page, form=form, submission=submission)
    return submission


def form_submission_notify(*, page, form, submission) -> int:
    recipients = form_notification_recipients(page=page)
    workspace = current_workspace()
    if not recipients or workspace is None:
        return 0
    site = site_identity_for_workspace(workspace=workspace)
    fields = [
        (field.label, _display_value(form.cleaned_data.get(field.name)))
        for field in form
        if field.name in form.cleaned_data
    ]
    return mail_send(
        to=recipients,
        subject=page.subject or f"New submission: {page.title}",
        template="cms/email/form_submission",
        context={
            "page": page,
            "fields": fields,
            "submission": submission,
            "submissions_url": site.base_url
            + reverse("wagtailforms:list_submissions", args=[page.pk]),
        },
        site=site,
    )


def _display_value(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else str(value)


@transaction.atomic
def newsletter_signup_create(*, email: str, page=None) -> NewsletterSignup:
    """Keep an address left in a newsletter block. Signing up twice is not an error:
    the visitor sees the same thank-you and the list keeps one row."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise NewsletterEmailInvalidError(
            fields={"email": [NewsletterEmailInvalidError.message]}
        ) from None
    signup, created = NewsletterSignup.objects.get_or_create(email=email, defaults={"page": page})
    if created:
        contact_hand_off_to_crm(
            contact=Contact(email=email, name=""), source=f"newsletter:{page.pk if page else ''}"
        )
    return signup


# --- Demo content ---------------------------------------------------------------------


def _rich(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _add_child(parent, page):
    """Add `page` under `parent` and publish it; a page with the same slug is kept."""
    existing = parent.get_children().filter(slug=page.slug).specific().first()
    if existing is not None:
        return existing
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def demo_pages_create() -> dict:
    """Demo content for the workspace this runs in: an about page, a contact form, a
    landing page that uses most blocks, a blog with two posts, and terms and privacy
    pages. Idempotent (by slug), so the seed command can run it again."""
    home = HomePage.objects.get()
    today = timezone.localdate()
    name = home.title

    contact = _add_child(
        home,
        FormPage(
            title="Contact us",
            slug="contact",
            intro=_rich("Questions, quotes or a hello: we answer within one working day."),
            thank_you_text=_rich("Thank you! Your message is on its way to us."),
            subject="New message from the website",
            form_fields=[
                FormField(label="Your name", field_type="singleline", required=True),
                FormField(label="Email", field_type="email", required=True),
                FormField(
                    label="Topic",
                    field_type="dropdown",
                    required=False,
                    choices="A question\nA quote\nSomething else",
                ),
                FormField(label="Message", field_type="multiline", required=True),
            ],
        ),
    )
    launch_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=14)
    landing = _add_child(
        home,
        LandingPage(
            title="Launch week",
            slug="launch",
            search_description=f"Everything {name} launches this season, in one page.",
            body=[
                {
                    "type": "hero",
                    "value": {
                        "eyebrow": "New this season",
                        "heading": f"{name}, made for the way you work",
                        "text": "Simple tools, honest prices and people who answer when you write.",
                        "primary_button": {"label": "Get in touch", "page": contact.pk, "url": ""},
                        "secondary_button": {"label": "", "page": None, "url": ""},
                        "alignment": "left",
                    },
                },
                {
                    "type": "feature_grid",
                    "value": {
                        "heading": "Why people choose us",
                        "intro": "Three promises we keep.",
                        "columns": "3",
                        "features": [
                            {"title": "Fast", "text": "Set up in minutes, not weeks."},
                            {"title": "Friendly", "text": "Real people answer every message."},
                            {"title": "Fair", "text": "One clear price. No surprises."},
                        ],
                    },
                },
                {
                    "type": "pricing_table",
                    "value": {
                        "heading": "Plans",
                        "intro": "Start small, grow when you need to.",
                        "plans": [
                            {
                                "name": "Starter",
                                "price": "0.00",
                                "currency": "usd",
                                "period": "per month",
                                "description": "For trying things out.",
                                "features": ["One project", "Email support"],
                                "button": {"label": "Start free", "page": contact.pk, "url": ""},
                                "highlighted": False,
                            },
                            {
                                "name": "Pro",
                                "price": "19.00",
                                "currency": "usd",
                                "period": "per month",
                                "description": "For growing teams.",
                                "features": ["Unlimited projects", "Priority support"],
                                "button": {"label": "Choose Pro", "page": contact.pk, "url": ""},
                                "highlighted": True,
                            },
                        ],
                    },
                },
                {
                    "type": "testimonials",
                    "value": {
                        "heading": "What customers say",
                        "testimonials": [
                            {
                                "quote": "We were up and running the same afternoon.",
                                "name": "Ada L.",
                                "role": "Studio owner",
                                "photo": None,
                            },
                            {
                                "quote": "The most helpful team we have worked with.",
                                "name": "Grace H.",
                                "role": "Operations lead",
                                "photo": None,
                            },
                        ],
                    },
                },
                {
                    "type": "countdown",
                    "value": {
                        "heading": "Launch offer ends in",
                        "target": launch_at.isoformat(),
                        "text": "Sign up before the clock runs out for a founding-member price.",
                        "finished_text": "The launch offer has ended. Thank you!",
                    },
                },
                {
                    "type": "faq",
                    "value": {
                        "heading": "Frequently asked questions",
                        "items": [
                            {
                                "question": "Can I cancel at any time?",
                                "answer": _rich("Yes, with one click."),
                            },
                            {
                                "question": "Do you offer refunds?",
                                "answer": _rich("Within 30 days, no questions asked."),
                            },
                        ],
                    },
                },
                {
                    "type": "newsletter_signup",
                    "value": {
                        "heading": "Get our newsletter",
                        "text": "One email a month with what is new.",
                        "button_label": "Subscribe",
                        "privacy_note": "No spam. Unsubscribe at any time.",
                    },
                },
                {
                    "type": "call_to_action",
                    "value": {
                        "heading": "Ready when you are",
                        "text": "Tell us what you need and we will reply within a day.",
                        "button": {"label": "Contact us", "page": contact.pk, "url": ""},
                        "style": "brand",
                    },
                },
            ],
        ),
    )
    blog = _add_child(
        home,
        BlogIndexPage(title="Blog", slug="blog", intro="News, guides and stories from the team."),
    )
    posts = [
        _add_child(
            blog,
            BlogPostPage(
                title="Hello, world",
                slug="hello-world",
                date=today - datetime.timedelta(days=7),
                author_name="The team",
                excerpt=f"Why we started {name}, and what comes next.",
                body=[
                    {
                        "type": "rich_text",
                        "value": _rich(
                            f"We started {name} to make something simple and useful.",
                            "This blog is where we will share what we learn along the way.",
                        ),
                    }
                ],
            ),
        ),
        _add_child(
            blog,
            BlogPostPage(
                title="Five tips to get started",
                slug="five-tips",
                date=today,
                author_name="The team",
                excerpt="A short guide to your first week.",
                body=[
                    {
                        "type": "rich_text",
                        "value": "<h2>Start small</h2>"
                        + _rich("Pick one thing and do it well; the rest can wait."),
                    }
                ],
            ),
        ),
    ]
    terms = _add_child(
        home,
        LegalPage(
            title="Terms of service",
            slug="terms",
            kind=LegalPage.Kind.TERMS,
            last_updated=today,
            body="<h2>1. Who we are</h2>"
            + _rich(
                f"These terms apply to the services of {name}. Replace this text with your own."
            ),
        ),
    )
    privacy = _add_child(
        home,
        LegalPage(
            title="Privacy policy",
            slug="privacy",
            kind=LegalPage.Kind.PRIVACY,
            last_updated=today,
            body="<h2>What we collect</h2>"
            + _rich(
                "Only what you send us through our forms, to answer you. "
                "Replace this text with your own."
            ),
        ),
    )
    about = _add_child(
        home,
        ContentPage(
            title="About us",
            slug="about",
            intro=f"Who we are and how {name} works.",
            body=[
                (
                    "rich_text",
                    _rich(
                        f"{name} started with a simple idea: do good work and say plainly "
                        "what it costs. Replace this text with your own story."
                    ),
                )
            ],
        ),
    )
    return {
        "about": about,
        "contact": contact,
        "landing": landing,
        "blog": blog,
        "posts": posts,
        "terms": terms,
        "privacy": privacy,
    }
