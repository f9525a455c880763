"""The newsletter block's form: a valid address is kept once; a bad one gets a clear error."""

from django.core import mail
from django_tenants.utils import tenant_context

from cms.models import NewsletterSignup
from tests.cms.factories import home_page
from tests.helpers import host_of


def _emails(workspace):
    with tenant_context(workspace):
        return list(NewsletterSignup.objects.values_list("email", flat=True))


def test_signup_is_kept_and_the_visitor_goes_back_with_a_thank_you(client, alpha):
    with tenant_context(alpha):
        home_id = home_page().pk

    response = client.post(
        "/newsletter/",
        {"email": " Ada@Example.test ", "page_id": home_id, "next": "/"},
        HTTP_HOST=host_of(alpha),
        follow=True,
    )

    assert response.redirect_chain == [("/", 302)]
    assert "Thanks! You are subscribed." in response.content.decode()
    assert _emails(alpha) == ["ada@example.test"]
    with tenant_context(alpha):
        assert NewsletterSignup.objects.get().page_id == home_id
    assert mail.outbox == []


def test_bad_address_is_a_400_with_the_error_and_nothing_is_kept(client, alpha):
    response = client.post(
        "/newsletter/", {"email": "not-an-email", "next": "/"}, HTTP_HOST=host_of(alpha)
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address" in html
    assert 'value="not-an-email"' in html
    assert _emails(alpha) == []


def test_htmx_gets_the_answer_in_place(client, alpha):
    ok = client.post(
        "/newsletter/",
        {"email": "ada@example.test"},
        HTTP_HOST=host_of(alpha),
        HTTP_HX_REQUEST="true",
    )
    bad = client.post(
        "/newsletter/", {"email": ""}, HTTP_HOST=host_of(alpha), HTTP_HX_REQUEST="true"
    )

    assert ok.status_code == 200 and "You are subscribed" in ok.content.decode()
    assert "<html" not in ok.content.decode()
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()


def test_signing_up_twice_keeps_one_row(client, alpha):
    for _ in range(2):
        client.post("/newsletter/", {"email": "ada@example.test"}, HTTP_HOST=host_of(alpha))

    assert _emails(alpha) == ["ada@example.test"]


def test_next_never_leaves_the_site(client, alpha):
    response = client.post(
        "/newsletter/",
        {"email": "ada@example.test", "next": "https://evil.example.test/"},
        HTTP_HOST=host_of(alpha),
    )

    assert response["Location"] == "/"


def test_signups_stay_in_their_workspace(client, alpha, beta):
    client.post("/newsletter/", {"email": "ada@example.test"}, HTTP_HOST=host_of(alpha))

    assert _emails(alpha) == ["ada@example.test"]
    assert _emails(beta) == []


def test_signup_only_accepts_post(client, alpha):
    assert client.get("/newsletter/", HTTP_HOST=host_of(alpha)).status_code == 405
