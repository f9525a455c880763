"""Signups and contact messages sent from a public bio page."""

import sys
import types

import pytest
from django.apps import apps
from django.test import Client
from django_tenants.utils import tenant_context

from tenant_apps.analytics.models import Event
from tenant_apps.bio_sites.models import BioSubmission
from tenant_apps.bio_sites.services import (
    bio_component_add,
    bio_component_update,
    bio_site_create,
    bio_site_publish,
    bio_site_settings_update,
    bio_site_unpublish,
)
from tests.helpers import host_of

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


@pytest.fixture
def site():
    return bio_site_publish(
        site=bio_site_create(name="Ada's links", slug="ada", actor=None), actor=None
    )


@pytest.fixture
def signup(site):
    return bio_component_add(
        site=site,
        type_key="email_signup",
        data={"heading": "Join my newsletter", "success_message": "Welcome aboard!"},
        actor=None,
    )


@pytest.fixture
def sms(site):
    return bio_component_add(
        site=site,
        type_key="sms_signup",
        data={"heading": "Get texts", "consent_text": "I agree to marketing texts."},
        actor=None,
    )


@pytest.fixture
def contact(site):
    return bio_component_add(
        site=site,
        type_key="contact_form",
        data={"heading": "Write to me", "fields": ["name", "email", "subject", "message"]},
        actor=None,
    )


@pytest.fixture
def browser(alpha):
    # enforce_csrf_checks: the endpoint must work without a token, as the cached page has none.
    return Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT=BROWSER, enforce_csrf_checks=True)


def _url(component) -> str:
    return f"/b/ada/submit/{component.pk}/"


def test_the_page_renders_the_form_posting_to_the_endpoint(browser, signup):
    html = browser.get("/b/ada/").content.decode()

    assert f'action="/b/ada/submit/{signup.pk}/"' in html
    assert f'hx-post="/b/ada/submit/{signup.pk}/"' in html
    assert 'name="website"' in html  # the honeypot
    assert "csrfmiddlewaretoken" not in html
    assert "Welcome aboard!" in html  # the thank-you, shown by the page's script


def test_an_email_signup_is_stored_recorded_and_redirected_back(browser, site, signup):
    response = browser.post(_url(signup), {"email": " Ada@Example.COM "})

    assert response.status_code == 303
    assert response["Location"] == f"/b/ada/?sent={signup.pk}#c-{signup.pk}"
    submission = BioSubmission.objects.get()
    assert (submission.site, submission.component, submission.component_type) == (
        site,
        signup,
        "email_signup",
    )
    assert submission.email == "ada@example.com"
    event = Event.objects.get(kind="signup")
    assert event.subject_id == str(site.pk)
    assert event.metadata == {"target": str(signup.pk)}


def test_htmx_gets_the_thank_you_fragment(browser, signup):
    response = browser.post(_url(signup), {"email": "ada@example.com"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome aboard!" in html and "<html" not in html
    assert BioSubmission.objects.count() == 1


def test_the_root_site_is_redirected_back_to_the_root(browser, site, signup):
    bio_site_settings_update(site=site, actor=None, serves_root=True)

    response = browser.post(_url(signup), {"email": "ada@example.com"})

    assert response["Location"] == f"/?sent={signup.pk}#c-{signup.pk}"


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "x" * 250 + "@example.com"])
def test_a_bad_email_is_refused_with_422_and_nothing_is_stored(browser, signup, email):
    response = browser.post(_url(signup), {"email": email})

    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="bio-error"' in html and 'aria-invalid="true"' in html
    assert f'action="/b/ada/submit/{signup.pk}/"' in html  # the form, to fix and resend
    assert BioSubmission.objects.count() == 0
    assert not Event.objects.filter(kind="signup").exists()


def test_htmx_gets_the_form_back_with_its_error(browser, signup):
    response = browser.post(_url(signup), {"email": "nope"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" not in html and "Enter an email address" in html
    assert 'value="nope"' in html


def test_sms_signup_needs_an_international_number_and_consent(browser, sms):
    no_consent = browser.post(_url(sms), {"phone": "+44 7700 900123"})
    local = browser.post(_url(sms), {"phone": "07700900123", "consent": "yes"})
    assert (no_consent.status_code, local.status_code) == (422, 422)
    assert BioSubmission.objects.count() == 0

    ok = browser.post(_url(sms), {"phone": "+44 (7700) 900-123", "consent": "yes"})

    assert ok.status_code == 303
    submission = BioSubmission.objects.get()
    assert (submission.phone, submission.consent, submission.email) == ("+447700900123", True, "")


def test_a_contact_message_keeps_its_fields(browser, contact):
    response = browser.post(
        _url(contact),
        {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "subject": "Engines",
            "message": "Hello there",
            "phone": "+15555550100",  # not a field of this form: ignored
        },
    )

    assert response.status_code == 303
    submission = BioSubmission.objects.get()
    assert (submission.name, submission.email, submission.phone) == (
        "Ada Lovelace",
        "ada@example.com",
        "",
    )
    assert submission.message == "Engines\n\nHello there"


def test_a_contact_message_needs_its_message_and_limits_sizes(browser, contact):
    empty = browser.post(_url(contact), {"email": "ada@example.com"})
    long_name = browser.post(
        _url(contact), {"email": "ada@example.com", "message": "Hi", "name": "x" * 121}
    )

    assert (empty.status_code, long_name.status_code) == (422, 422)
    assert "Use at most 120 characters." in long_name.content.decode()
    assert BioSubmission.objects.count() == 0


def test_an_oversized_body_is_refused_unread(browser, contact):
    response = browser.post(_url(contact), {"email": "ada@example.com", "message": "x" * 20_000})

    assert response.status_code == 413
    assert BioSubmission.objects.count() == 0


def test_the_honeypot_looks_like_success_but_stores_nothing(browser, signup):
    response = browser.post(_url(signup), {"email": "bot@example.com", "website": "http://spam"})

    assert response.status_code == 303
    assert BioSubmission.objects.count() == 0
    assert not Event.objects.filter(kind="signup").exists()


def test_a_visitor_is_rate_limited(browser, alpha, signup, settings):
    settings.BIO_SUBMISSION_THROTTLE_PER_VISITOR = 2
    for n in range(2):
        assert browser.post(_url(signup), {"email": f"ada{n}@example.com"}).status_code == 303

    limited = browser.post(_url(signup), {"email": "ada9@example.com"})
    other_visitor = Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT="Another browser/1.0").post(
        _url(signup), {"email": "grace@example.com"}
    )

    assert limited.status_code == 429
    assert "Too many messages" in limited.content.decode()
    assert other_visitor.status_code == 303
    assert sorted(BioSubmission.objects.values_list("email", flat=True)) == [
        "ada0@example.com",
        "ada1@example.com",
        "grace@example.com",
    ]


def test_only_visible_form_components_of_published_pages_accept_posts(browser, site, signup):
    link = bio_component_add(
        site=site, type_key="link", data={"title": "X", "url": "https://x.example"}, actor=None
    )
    hidden = bio_component_add(
        site=site, type_key="email_signup", data={"heading": "Hidden"}, actor=None
    )
    bio_component_update(component=hidden, is_visible=False, actor=None)

    assert browser.post(_url(link), {"email": "a@example.com"}).status_code == 404
    assert browser.post(_url(hidden), {"email": "a@example.com"}).status_code == 404
    assert (
        browser.post(f"/b/other/submit/{signup.pk}/", {"email": "a@example.com"}).status_code == 404
    )
    assert browser.get(_url(signup)).status_code == 405
    bio_site_unpublish(site=site, actor=None)
    assert browser.post(_url(signup), {"email": "a@example.com"}).status_code == 404
    assert BioSubmission.objects.count() == 0


def test_another_workspace_cannot_post_to_this_form(beta, signup):
    response = Client(HTTP_HOST=host_of(beta)).post(_url(signup), {"email": "a@example.com"})

    assert response.status_code == 404
    assert BioSubmission.objects.count() == 0
    with tenant_context(beta):
        assert BioSubmission.objects.count() == 0


def test_the_contact_is_handed_to_the_crm_when_it_is_installed(browser, signup, monkeypatch):
    captured = []
    crm_services = types.ModuleType("tenant_apps.crm.services")
    crm_services.contact_capture = lambda **kwargs: captured.append(kwargs)
    monkeypatch.setitem(sys.modules, "tenant_apps.crm.services", crm_services)
    is_installed = apps.is_installed
    monkeypatch.setattr(
        apps, "is_installed", lambda name: name == "tenant_apps.crm" or is_installed(name)
    )

    browser.post(_url(signup), {"email": "ada@example.com"})

    assert captured == [{"email": "ada@example.com", "name": "", "source": f"bio:{signup.pk}"}]


def test_without_a_crm_the_submission_is_still_stored(browser, signup):
    assert not apps.is_installed("tenant_apps.crm")

    browser.post(_url(signup), {"email": "ada@example.com"})

    assert BioSubmission.objects.count() == 1
