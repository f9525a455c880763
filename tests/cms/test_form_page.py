"""A form page stores each submission, mails it in the workspace's brand, and hands the
visitor to the CRM once that module exists."""

import sys
import types

import pytest
from django.core import mail
from django_tenants.utils import tenant_context
from wagtail.contrib.forms.models import FormSubmission

from cms import services
from cms.models import ContentPage
from tests.cms.factories import form_page_create, page_add, without_powered_by
from tests.helpers import host_of

GOOD = {"your_name": "Ada Lovelace", "email": "ada@example.test", "message": "Two loaves, please."}


def _submissions(workspace):
    with tenant_context(workspace):
        return list(FormSubmission.objects.values_list("form_data", flat=True))


def test_submission_is_stored_and_mailed_to_the_pages_addresses(client, alpha):
    with tenant_context(alpha):
        page = form_page_create(to_address="shop@alpha.example.test, boss@alpha.example.test")

    response = client.post("/contact/", GOOD, HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    [data] = _submissions(alpha)
    assert data["email"] == "ada@example.test" and data["message"] == "Two loaves, please."
    assert sorted(m.to[0] for m in mail.outbox) == [
        "boss@alpha.example.test",
        "shop@alpha.example.test",
    ]
    message = mail.outbox[0]
    assert message.subject == "New enquiry"
    assert "Alpha Co" in message.from_email
    assert "Ada Lovelace" in message.body and "Two loaves, please." in message.body
    html = message.alternatives[0][0]
    assert "Two loaves, please." in html
    assert f"http://{host_of(alpha)}/cms/forms/submissions/{page.pk}/" in message.body
    assert "Mewayz" not in without_powered_by(message.body + html) + message.from_email


def test_without_addresses_the_workspace_owners_are_mailed(client, alpha, owner):
    with tenant_context(alpha):
        form_page_create(to_address="")

    client.post("/contact/", GOOD, HTTP_HOST=host_of(alpha))

    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_bad_input_shows_errors_and_stores_nothing(client, alpha):
    with tenant_context(alpha):
        form_page_create(to_address="shop@alpha.example.test")

    response = client.post(
        "/contact/",
        {"your_name": "", "email": "not-an-email", "message": "Hi"},
        HTTP_HOST=host_of(alpha),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please check the form." in html
    assert "Enter a valid email address." in html
    assert "This field is required." in html
    assert "Two loaves" not in html
    assert _submissions(alpha) == []
    assert mail.outbox == []


def test_submissions_stay_in_their_workspace(client, alpha, beta):
    with tenant_context(alpha):
        form_page_create()
    with tenant_context(beta):
        form_page_create()

    client.post("/contact/", GOOD, HTTP_HOST=host_of(alpha))

    assert len(_submissions(alpha)) == 1
    assert _submissions(beta) == []


def test_contact_form_block_posts_to_its_form_page(client, alpha):
    with tenant_context(alpha):
        form_page = form_page_create(to_address="shop@alpha.example.test")
        page_add(
            ContentPage(
                title="Visit",
                slug="visit",
                body=[
                    {
                        "type": "contact_form",
                        "value": {"heading": "Write to us", "intro": "", "form_page": form_page.pk},
                    },
                ],
            )
        )

    html = client.get("/visit/", HTTP_HOST=host_of(alpha)).content.decode()
    response = client.post("/contact/", GOOD, HTTP_HOST=host_of(alpha))

    assert 'action="/contact/"' in html and 'name="message"' in html
    assert response.status_code == 200
    assert len(_submissions(alpha)) == 1


def test_contact_is_handed_to_the_crm_when_it_is_installed(client, alpha, monkeypatch):
    captured = []
    crm_services = types.ModuleType("tenant_apps.crm.services")
    crm_services.contact_capture = lambda **kwargs: captured.append(kwargs)
    monkeypatch.setitem(sys.modules, "tenant_apps.crm.services", crm_services)
    is_installed = services.apps.is_installed
    monkeypatch.setattr(
        services.apps, "is_installed", lambda name: name == services.CRM_APP or is_installed(name)
    )
    with tenant_context(alpha):
        page = form_page_create()

    client.post("/contact/", GOOD, HTTP_HOST=host_of(alpha))

    assert captured == [
        {"email": "ada@example.test", "name": "Ada Lovelace", "source": f"form:{page.pk}"}
    ]


def test_without_a_crm_nothing_is_handed_off():
    assert (
        services.contact_hand_off_to_crm(
            contact=services.Contact(email="a@example.test", name="A"), source="form:1"
        )
        is False
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"your_email": "ADA@Example.test ", "full_name": "Ada"}, ("ada@example.test", "Ada")),
        (
            {"e_mail": "x@example.test", "first_name": "Ada", "last_name": "L"},
            ("x@example.test", "Ada L"),
        ),
        ({"email": "nope", "name": "Ada"}, None),
        ({"message": "no email at all"}, None),
    ],
)
def test_contact_is_found_whatever_the_fields_are_called(data, expected):
    contact = services.contact_from_form_data(data)

    assert (contact and (contact.email, contact.name)) == expected
