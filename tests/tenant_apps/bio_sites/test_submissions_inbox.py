"""The submissions inbox of a bio site: list, search, filter, CSV, delete, and who may."""

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.bio_sites import submission_services
from tenant_apps.bio_sites.models import BioSubmission
from tenant_apps.bio_sites.services import bio_component_add, bio_site_create, bio_site_publish
from tenant_apps.bio_sites.submission_selectors import bio_submissions_for_site
from tenant_apps.bio_sites.submission_services import bio_submission_create
from tests.helpers import add_member, client_for_member, host_of

pytestmark = pytest.mark.django_db

EVIL_NAME = '=HYPERLINK("https://evil.example","click")'


def _published(name: str, slug: str):
    return bio_site_publish(site=bio_site_create(name=name, slug=slug, actor=None), actor=None)


@pytest.fixture
def site():
    return _published("Ada's links", "ada")


@pytest.fixture
def forms(site):
    return {
        "email": bio_component_add(
            site=site, type_key="email_signup", data={"heading": "Newsletter"}, actor=None
        ),
        "sms": bio_component_add(
            site=site,
            type_key="sms_signup",
            data={"heading": "Texts", "consent_text": "I agree to marketing texts."},
            actor=None,
        ),
        "contact": bio_component_add(
            site=site,
            type_key="contact_form",
            data={"heading": "Write to me", "fields": ["name", "email", "message"]},
            actor=None,
        ),
    }


def _send(alpha, component, fields: dict, *, visitor: str = "1"):
    """A visitor's post through the public form endpoint; each visitor (user agent) has
    its own rate limit."""
    browser = Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT=f"Visitor/{visitor}")
    response = browser.post(f"/b/{component.site.slug}/submit/{component.pk}/", fields)
    assert response.status_code == 303, response.content
    return BioSubmission.objects.filter(component=component).order_by("-pk").first()


@pytest.fixture
def inbox(alpha, forms):
    """One submission of each kind, oldest first: email, sms, contact."""
    return [
        _send(alpha, forms["email"], {"email": "grace@example.com"}),
        _send(alpha, forms["sms"], {"phone": "+44 7700 900123", "consent": "yes"}),
        _send(
            alpha,
            forms["contact"],
            {"name": "Ada Lovelace", "email": "ada@example.com", "message": "About engines"},
        ),
    ]


def _url(site, suffix="submissions/") -> str:
    return f"/dashboard/bio/{site.pk}/{suffix}"


def _listed(response) -> list[int]:
    """The submission ids in the page's table, in order."""
    html = response.content.decode()
    return [int(part.split('"', 1)[0]) for part in html.split('data-submission="')[1:]]


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def _local(submission) -> str:
    return timezone.localtime(submission.created_at).isoformat(timespec="seconds")


@pytest.fixture
def editor(alpha):
    return client_for_member(add_member(alpha, "editor"), alpha)


@pytest.fixture
def viewer(alpha):
    return client_for_member(add_member(alpha, "viewer"), alpha)


# --- the list -------------------------------------------------------------------------


def test_the_inbox_lists_every_submission_newest_first(staff_client, alpha, site, inbox):
    response = staff_client.get(_url(site), HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert _listed(response) == [inbox[2].pk, inbox[1].pk, inbox[0].pk]
    html = response.content.decode()
    for text in ("grace@example.com", "+447700900123", "Ada Lovelace", "About engines"):
        assert text in html
    for label in ("Email signup", "SMS signup", "Contact form"):
        assert f"<td>{label}</td>" in html
    assert 'aria-current="page">Submissions</a>' in html
    assert "handed to it as a contact" in html  # the CRM note
    assert f'href="/dashboard/bio/{site.pk}/submissions.csv"' in html


def test_a_long_message_is_shown_as_an_excerpt(staff_client, alpha, site, forms):
    message = "Dear Ada, " + "x" * 300 + " THE END"
    _send(alpha, forms["contact"], {"email": "b@example.com", "message": message})

    html = staff_client.get(_url(site), HTTP_HOST=host_of(alpha)).content.decode()

    assert "Dear Ada, xxx" in html and "THE END" not in html


def test_search_matches_email_phone_name_and_message_in_any_case(staff_client, alpha, site, inbox):
    email, sms, contact = inbox
    cases = {
        "GRACE@": [email.pk],
        "7700900": [sms.pk],
        "lovelace": [contact.pk],
        "ENGINES": [contact.pk],
        "example.com": [contact.pk, email.pk],
    }
    for query, expected in cases.items():
        response = staff_client.get(_url(site), {"q": query}, HTTP_HOST=host_of(alpha))
        assert _listed(response) == expected, query


def test_the_type_filter_keeps_one_kind_and_combines_with_search(staff_client, alpha, site, inbox):
    email, sms, contact = inbox
    host = host_of(alpha)

    assert _listed(staff_client.get(_url(site), {"type": "sms_signup"}, HTTP_HOST=host)) == [sms.pk]
    both = staff_client.get(_url(site), {"type": "email_signup", "q": "example"}, HTTP_HOST=host)
    assert _listed(both) == [email.pk]
    assert 'value="email_signup" selected' in both.content.decode()
    # An unknown type is not a filter: every submission shows.
    assert _listed(staff_client.get(_url(site), {"type": "link"}, HTTP_HOST=host)) == [
        contact.pk,
        sms.pk,
        email.pk,
    ]


def test_nothing_matching_says_so_and_links_back(staff_client, alpha, site, inbox):
    html = staff_client.get(_url(site), {"q": "nobody"}, HTTP_HOST=host_of(alpha)).content.decode()

    assert "No submission matches" in html and "data-submission=" not in html
    assert f'href="/dashboard/bio/{site.pk}/submissions/"' in html


def test_the_empty_inbox_explains_where_submissions_come_from(staff_client, alpha, site):
    response = staff_client.get(_url(site), HTTP_HOST=host_of(alpha))

    html = response.content.decode()
    assert response.status_code == 200
    assert "No submissions yet" in html and "contact form" in html
    assert "Export CSV" not in html


def test_pages_hold_50_submissions(staff_client, alpha, site, forms, settings):
    settings.BIO_SUBMISSION_THROTTLE_PER_VISITOR = 100
    sent = [
        _send(alpha, forms["email"], {"email": f"fan{n}@example.com"}, visitor="fan")
        for n in range(51)
    ]
    host = host_of(alpha)

    first = staff_client.get(_url(site), {"type": "email_signup"}, HTTP_HOST=host)
    second = staff_client.get(_url(site), {"type": "email_signup", "page": 2}, HTTP_HOST=host)

    newest_first = [s.pk for s in reversed(sent)]
    assert _listed(first) == newest_first[:50]
    assert _listed(second) == [sent[0].pk]
    assert "?page=2&amp;type=email_signup" in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()


# --- the CSV --------------------------------------------------------------------------


def test_the_csv_has_every_submission_with_its_fields(staff_client, alpha, site, inbox):
    email, sms, contact = inbox

    response = staff_client.get(_url(site, "submissions.csv"), HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ada-submissions.csv"'
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    header = ["date", "type", "email", "phone", "name", "message", "consent"]
    ada = ["ada@example.com", "", "Ada Lovelace", "About engines", "no"]
    assert _rows(response) == [
        header,
        [_local(contact), "contact_form", *ada],
        # A leading "+" is escaped like any formula prefix, which also keeps the number text.
        [_local(sms), "sms_signup", "", "'+447700900123", "", "", "yes"],
        [_local(email), "email_signup", "grace@example.com", "", "", "", "no"],
    ]


def test_the_csv_honours_the_filters(staff_client, alpha, site, inbox):
    response = staff_client.get(
        _url(site, "submissions.csv"),
        {"q": "example", "type": "contact_form"},
        HTTP_HOST=host_of(alpha),
    )

    assert [row[2] for row in _rows(response)] == ["email", "ada@example.com"]


def test_csv_cells_a_spreadsheet_would_run_are_escaped(staff_client, alpha, site, forms):
    _send(
        alpha,
        forms["contact"],
        {"name": EVIL_NAME, "email": "mallory@example.com", "message": "@SUM(1+1)"},
    )

    response = staff_client.get(_url(site, "submissions.csv"), HTTP_HOST=host_of(alpha))

    row = _rows(response)[1]
    assert (row[4], row[5]) == ("'" + EVIL_NAME, "'@SUM(1+1)")


# --- deleting -------------------------------------------------------------------------


def test_an_editor_deletes_one_submission_and_returns_to_the_same_view(editor, alpha, site, inbox):
    email, sms, contact = inbox
    url = _url(site, f"submissions/{sms.pk}/delete/")

    response = editor.post(url, {"q": "44", "type": "sms_signup"}, HTTP_HOST=host_of(alpha))

    assert response.status_code == 302
    assert response["Location"] == f"{_url(site)}?q=44&type=sms_signup"
    assert list(BioSubmission.objects.order_by("pk").values_list("pk", flat=True)) == [
        email.pk,
        contact.pk,
    ]
    page = editor.get(response["Location"], HTTP_HOST=host_of(alpha))
    assert "Submission deleted." in page.content.decode()


def test_deleting_needs_a_post(editor, alpha, site, inbox):
    response = editor.get(
        _url(site, f"submissions/{inbox[0].pk}/delete/"), HTTP_HOST=host_of(alpha)
    )

    assert response.status_code == 405
    assert BioSubmission.objects.count() == 3


def test_a_viewer_may_not_delete(viewer, alpha, site, inbox):
    response = viewer.post(
        _url(site, f"submissions/{inbox[0].pk}/delete/"), HTTP_HOST=host_of(alpha)
    )

    assert response.status_code == 403
    assert BioSubmission.objects.count() == 3


def test_a_submission_of_another_site_is_a_404_and_stays(staff_client, alpha, site, forms):
    other = _published("Other", "other")
    other_form = bio_component_add(
        site=other, type_key="email_signup", data={"heading": "Hi"}, actor=None
    )
    theirs = _send(alpha, other_form, {"email": "other@example.com"})

    delete = staff_client.post(
        _url(site, f"submissions/{theirs.pk}/delete/"), HTTP_HOST=host_of(alpha)
    )
    listed = staff_client.get(_url(site), HTTP_HOST=host_of(alpha))

    assert delete.status_code == 404
    assert BioSubmission.objects.filter(pk=theirs.pk).exists()
    assert "other@example.com" not in listed.content.decode()


def test_the_delete_service_removes_only_that_submission(site, inbox):
    submission_services.bio_submission_delete(submission=inbox[1], actor=None)

    assert list(bio_submissions_for_site(site=site)) == [inbox[2], inbox[0]]


# --- who may --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_see_and_export(alpha, site, inbox, role):
    client = client_for_member(add_member(alpha, role), alpha)

    page = client.get(_url(site), HTTP_HOST=host_of(alpha))
    export = client.get(_url(site, "submissions.csv"), HTTP_HOST=host_of(alpha))

    assert (page.status_code, export.status_code) == (200, 200)
    assert len(_listed(page)) == 3 and len(_rows(export)) == 4


def test_viewers_may_not_see_contact_details(viewer, alpha, site, inbox):
    page = viewer.get(_url(site), HTTP_HOST=host_of(alpha))
    export = viewer.get(_url(site, "submissions.csv"), HTTP_HOST=host_of(alpha))

    assert (page.status_code, export.status_code) == (403, 403)
    for response in (page, export):
        assert "grace@example.com" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(alpha, site, inbox):
    anonymous = Client(HTTP_HOST=host_of(alpha))
    for url in (_url(site), _url(site, "submissions.csv")):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"] or "sign" in response["Location"]
    response = anonymous.post(_url(site, f"submissions/{inbox[0].pk}/delete/"))
    assert response.status_code == 302
    assert BioSubmission.objects.count() == 3


def test_the_tab_shows_on_the_sites_other_pages_to_those_who_may_edit(
    staff_client, viewer, alpha, site
):
    tab = f'href="/dashboard/bio/{site.pk}/submissions/">Submissions</a>'
    url = f"/dashboard/bio/{site.pk}/analytics/"

    assert tab in staff_client.get(url, HTTP_HOST=host_of(alpha)).content.decode()
    as_viewer = viewer.get(url, HTTP_HOST=host_of(alpha))
    assert as_viewer.status_code == 200 and tab not in as_viewer.content.decode()


# --- isolation ------------------------------------------------------------------------


@pytest.fixture
def beta_submissions(beta):
    """A site of beta's with the same slug as alpha's, and a few submissions."""
    with tenant_context(beta):
        theirs = _published("Beta's links", "ada")
        form = bio_component_add(
            site=theirs, type_key="email_signup", data={"heading": "Hi"}, actor=None
        )
        sent = [
            bio_submission_create(
                site=theirs,
                component=form,
                fields={"email": f"beta{n}@example.com"},
                visitor_key="beta",
            )
            for n in range(4)
        ]
    return theirs, sent


def test_another_workspaces_submissions_are_never_listed_or_exported(
    staff_client, alpha, site, inbox, beta_submissions
):
    page = staff_client.get(_url(site), HTTP_HOST=host_of(alpha))
    export = staff_client.get(_url(site, "submissions.csv"), HTTP_HOST=host_of(alpha))

    assert _listed(page) == [inbox[2].pk, inbox[1].pk, inbox[0].pk]
    for response in (page, export):
        assert "beta" not in response.content.decode()


def test_another_workspaces_site_and_submission_ids_are_404(
    staff_client, alpha, beta, site, inbox, beta_submissions
):
    theirs, sent = beta_submissions
    ours = {s.pk for s in inbox}
    # Ids are per schema: pick one of beta's that no submission of alpha's shares.
    foreign = next(s for s in sent if s.pk not in ours)
    host = host_of(alpha)

    assert staff_client.get(_url(theirs), HTTP_HOST=host).status_code == 404
    assert staff_client.get(_url(theirs, "submissions.csv"), HTTP_HOST=host).status_code == 404
    assert (
        staff_client.post(_url(site, f"submissions/{foreign.pk}/delete/"), HTTP_HOST=host)
    ).status_code == 404
    assert (
        staff_client.post(_url(theirs, f"submissions/{foreign.pk}/delete/"), HTTP_HOST=host)
    ).status_code == 404
    assert BioSubmission.objects.count() == 3
    with tenant_context(beta):
        assert BioSubmission.objects.count() == 4
