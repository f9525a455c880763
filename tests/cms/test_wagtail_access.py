"""Roles map onto Wagtail inside the workspace's schema, and Wagtail's admin shows only
the workspace's own people and pages."""

import pytest
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context
from wagtail.models import Page
from wagtail.test.utils.form_data import querydict_from_html

from cms.models import ContentPage
from tests.cms.factories import page_add
from tests.helpers import add_member, client_for_member, host_of


def _member_client(workspace, role, email=None):
    return client_for_member(add_member(workspace, role, email=email), workspace)


def _get(client, workspace, path):
    return client.get(path, HTTP_HOST=host_of(workspace))


def _publish_edit(client, workspace, page_id, title):
    """What the editor's "Publish" does: post the edit form back with a new title."""
    edit_url = f"/cms/pages/{page_id}/edit/"
    form = querydict_from_html(
        _get(client, workspace, edit_url).content.decode(), form_id="page-edit-form"
    )
    form = form.copy()
    form["title"] = title
    form.setdefault("body-count", "0")
    form["action-publish"] = "action-publish"
    return client.post(edit_url, form, HTTP_HOST=host_of(workspace))


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_owners_and_admins_have_the_whole_admin(alpha, role):
    client = _member_client(alpha, role)

    for path in ("/cms/", "/cms/pages/", "/cms/users/", "/cms/groups/", "/cms/sites/"):
        assert _get(client, alpha, path).status_code == 200, path


def test_editor_edits_and_publishes_pages(alpha):
    with tenant_context(alpha):
        page = page_add(ContentPage(title="Opening hours", slug="hours"))
    client = _member_client(alpha, "editor")

    assert _get(client, alpha, "/cms/").status_code == 200
    response = _publish_edit(client, alpha, page.pk, "Opening hours (summer)")

    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(alpha):
        page.refresh_from_db()
        assert page.title == "Opening hours (summer)"
        assert page.live and not page.has_unpublished_changes
    assert "Opening hours (summer)" in _get(client, alpha, "/hours/").content.decode()


@pytest.mark.parametrize("path", ["/cms/users/", "/cms/groups/", "/cms/sites/"])
def test_editor_cannot_manage_people_or_settings(alpha, path):
    client = _member_client(alpha, "editor")

    response = _get(client, alpha, path)

    assert response.status_code in (302, 403), path
    if response.status_code == 302:
        assert response["Location"] in ("/cms/", "/accounts/sign-in/?next=" + path)


def test_viewer_has_no_admin(alpha):
    client = _member_client(alpha, "viewer")

    for path in ("/cms/", "/cms/pages/"):
        response = _get(client, alpha, path)
        assert response.status_code in (302, 403), path
        assert response.status_code == 403 or not response["Location"].startswith("/cms/")


def test_signed_out_visitors_are_sent_to_the_workspace_sign_in(client, alpha):
    response = _get(client, alpha, "/cms/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_user_screens_list_only_the_workspaces_own_people(alpha, beta):
    add_member(alpha, "editor", email="alpha-only-editor@example.test")
    add_member(beta, "editor", email="beta-only-editor@example.test")
    alpha_owner = _member_client(alpha, "owner")
    beta_owner = _member_client(beta, "owner")

    alpha_users = _get(alpha_owner, alpha, "/cms/users/?q=only-editor").content.decode()
    beta_users = _get(beta_owner, beta, "/cms/users/").content.decode()

    assert "alpha-only-editor@example.test" in alpha_users
    assert "beta-only-editor@example.test" not in alpha_users
    assert "beta-only-editor@example.test" in beta_users
    assert "alpha-only-editor@example.test" not in beta_users


def test_group_screens_list_only_the_workspaces_own_groups(alpha, beta):
    with tenant_context(alpha):
        Group.objects.create(name="Alpha bakers")
    beta_owner = _member_client(beta, "owner")
    alpha_owner = _member_client(alpha, "owner")

    assert "Alpha bakers" in _get(alpha_owner, alpha, "/cms/groups/").content.decode()
    assert "Alpha bakers" not in _get(beta_owner, beta, "/cms/groups/").content.decode()


def test_another_workspaces_page_is_a_404_in_this_admin(alpha, beta):
    with tenant_context(beta):
        beta_page = page_add(ContentPage(title="Beta secret plans", slug="plans"))
    with tenant_context(alpha):
        assert not Page.objects.filter(pk=beta_page.pk).exists()
    client = _member_client(alpha, "owner")

    response = _get(client, alpha, f"/cms/pages/{beta_page.pk}/edit/")

    assert response.status_code == 404
    assert "Beta secret plans" not in response.content.decode()
    assert (
        "Beta secret plans"
        not in _get(client, alpha, "/cms/pages/search/?q=secret").content.decode()
    )


def test_a_member_of_another_workspace_has_no_admin_here(alpha, beta):
    beta_owner = add_member(beta, "owner")
    client = client_for_member(beta_owner, beta)

    response = _get(client, alpha, "/cms/")

    # The session cookie belongs to beta's schema: on alpha's host nobody is signed in.
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
