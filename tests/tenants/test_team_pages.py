"""The team and audit pages on a workspace host, and accepting invitations on the platform."""

import re

import pytest
from django.core import mail
from django.test import Client

from shared_apps.accounts.models import User
from tenants.models import Invitation, Membership
from tenants.teams import invitation_create
from tests.factories import IDENTITY_PASSWORD, IdentityFactory
from tests.helpers import add_member, client_for_member, host_of


@pytest.mark.parametrize(("role", "status"), [("viewer", 200), ("editor", 200), ("admin", 200)])
def test_every_member_sees_the_team(alpha, role, status):
    member = add_member(alpha, role)

    response = client_for_member(member, alpha).get("/dashboard/team/", HTTP_HOST=host_of(alpha))

    assert response.status_code == status
    assert member.email in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, alpha):
    response = client.get("/dashboard/team/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("editor", 403), ("admin", 302)])
def test_only_admins_and_owners_invite(alpha, role, status):
    member = add_member(alpha, role)

    response = client_for_member(member, alpha).post(
        "/dashboard/team/invite/",
        {"email": "invitee@example.test", "role": "viewer"},
        HTTP_HOST=host_of(alpha),
    )

    assert response.status_code == status
    assert Invitation.objects.filter(email="invitee@example.test").exists() == (status == 302)


def test_inviting_from_the_team_page(staff_client, alpha):
    response = staff_client.post(
        "/dashboard/team/invite/",
        {"email": "friend@example.test", "role": "editor"},
        HTTP_HOST=host_of(alpha),
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    page = staff_client.get("/dashboard/team/", HTTP_HOST=host_of(alpha)).content.decode()
    assert 'data-invitation="friend@example.test"' in page


@pytest.mark.parametrize(
    "data",
    [{"email": "not-an-email", "role": "editor"}, {"email": "a@example.test", "role": "god"}],
)
def test_bad_invitations_are_a_400(staff_client, alpha, data):
    response = staff_client.post("/dashboard/team/invite/", data, HTTP_HOST=host_of(alpha))

    assert response.status_code == 400
    assert not Invitation.objects.filter(workspace=alpha).exists()


def test_changing_a_role_from_the_page(staff_client, alpha):
    editor = add_member(alpha, "editor")
    membership = Membership.objects.get(identity=editor, workspace=alpha)

    response = staff_client.post(
        f"/dashboard/team/members/{membership.pk}/role/",
        {"role": "viewer"},
        HTTP_HOST=host_of(alpha),
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "viewer"


def test_a_refused_change_is_explained(staff_client, alpha, owner):
    membership = Membership.objects.get(identity=owner, workspace=alpha)

    response = staff_client.post(
        f"/dashboard/team/members/{membership.pk}/role/",
        {"role": "viewer"},
        HTTP_HOST=host_of(alpha),
        follow=True,
    )

    assert "at least one owner" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "owner"


def test_members_of_another_workspace_are_not_found(staff_client, alpha, beta):
    stranger = add_member(beta, "editor")
    membership = Membership.objects.get(identity=stranger, workspace=beta)

    for action in ("role", "remove", "make-owner"):
        response = staff_client.post(
            f"/dashboard/team/members/{membership.pk}/{action}/",
            {"role": "viewer"},
            HTTP_HOST=host_of(alpha),
        )
        assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk, role="editor").exists()


def test_removed_members_lose_their_session(staff_client, alpha):
    editor = add_member(alpha, "editor")
    editor_browser = client_for_member(editor, alpha)
    assert editor_browser.get("/dashboard/", HTTP_HOST=host_of(alpha)).status_code == 200
    membership = Membership.objects.get(identity=editor, workspace=alpha)

    staff_client.post(f"/dashboard/team/members/{membership.pk}/remove/", HTTP_HOST=host_of(alpha))

    response = editor_browser.get("/dashboard/", HTTP_HOST=host_of(alpha))
    assert response.status_code == 302


def test_audit_log_for_admins_only(alpha, owner):
    invitation_create(workspace=alpha, email="seen@example.test", role="viewer", actor=owner)
    admin, editor = add_member(alpha, "admin"), add_member(alpha, "editor")

    seen = client_for_member(admin, alpha).get("/dashboard/audit/", HTTP_HOST=host_of(alpha))
    refused = client_for_member(editor, alpha).get("/dashboard/audit/", HTTP_HOST=host_of(alpha))

    assert seen.status_code == 200
    assert 'data-action="team.invited"' in seen.content.decode()
    assert refused.status_code == 403


def test_audit_log_filters_by_event_type(staff_client, alpha, owner):
    invitation_create(workspace=alpha, email="f@example.test", role="viewer", actor=owner)

    response = staff_client.get(
        "/dashboard/audit/", {"action": "domain."}, HTTP_HOST=host_of(alpha)
    )

    assert 'data-action="team.invited"' not in response.content.decode()


def test_audit_log_shows_only_this_workspace(staff_client, alpha, beta, owner):
    invitation_create(workspace=beta, email="beta-only@example.test", role="viewer", actor=owner)

    response = staff_client.get("/dashboard/audit/", HTTP_HOST=host_of(beta))
    mine = staff_client.get("/dashboard/audit/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 302  # not signed in on beta's host
    assert "beta-only@example.test" not in mine.content.decode()


def _token_from_mail() -> str:
    return re.search(r"/invitations/([^/\s]+)/", mail.outbox[-1].body)[1]


def test_accepting_an_invitation_with_a_new_account(alpha, owner, platform_host):
    invitation_create(workspace=alpha, email="newbie@example.test", role="editor", actor=owner)
    token = _token_from_mail()
    browser = Client()

    page = browser.get(f"/invitations/{token}/", HTTP_HOST=platform_host)
    assert "Create account and join" in page.content.decode()
    response = browser.post(
        f"/invitations/{token}/",
        {
            "first_name": "Nu",
            "password": "a-long-unusual-passphrase",
            "password_confirm": "a-long-unusual-passphrase",
        },
        HTTP_HOST=platform_host,
    )

    assert response.status_code == 302
    identity = User.objects.get(email="newbie@example.test")
    assert Membership.objects.get(identity=identity, workspace=alpha).role == "editor"
    assert browser.get("/dashboard/", HTTP_HOST=platform_host).status_code == 200


def test_accepting_with_a_bad_password_keeps_the_invitation_open(alpha, owner, platform_host):
    invitation_create(workspace=alpha, email="weak@example.test", role="editor", actor=owner)
    token = _token_from_mail()

    response = Client().post(
        f"/invitations/{token}/",
        {"password": "123", "password_confirm": "123"},
        HTTP_HOST=platform_host,
    )

    assert response.status_code == 400
    assert not User.objects.filter(email="weak@example.test").exists()
    assert Invitation.objects.get(email="weak@example.test").accepted_at is None


def test_accepting_as_the_signed_in_invitee(client, alpha, owner, platform_host):
    invitee = IdentityFactory(email="known@example.test")
    invitation_create(workspace=alpha, email="known@example.test", role="viewer", actor=owner)
    token = _token_from_mail()
    anonymous = Client().get(f"/invitations/{token}/", HTTP_HOST=platform_host)
    assert "Sign in to accept" in anonymous.content.decode()

    client.login(username=invitee.email, password=IDENTITY_PASSWORD)
    response = client.post(f"/invitations/{token}/", HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert Membership.objects.filter(identity=invitee, workspace=alpha).exists()


def test_signed_in_as_someone_else_cannot_accept(client, alpha, owner, identity, platform_host):
    invitation_create(workspace=alpha, email="someone@example.test", role="viewer", actor=owner)
    token = _token_from_mail()
    client.force_login(identity)

    response = client.post(f"/invitations/{token}/", HTTP_HOST=platform_host)

    assert response.status_code == 403
    assert not Membership.objects.filter(identity=identity, workspace=alpha).exists()


@pytest.mark.parametrize("token", ["nonsense", "x" * 43])
def test_unknown_invitation_links_are_a_clear_404(client, db, platform_host, token):
    response = client.get(f"/invitations/{token}/", HTTP_HOST=platform_host)

    assert response.status_code == 404
    assert "not valid" in response.content.decode()
