"""Identities in the console: search, memberships, and the audited security actions."""

from django.core import mail
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.mfa.models import TOTPDevice
from shared_apps.platform.models import AuditEvent
from tests.factories import IDENTITY_PASSWORD, IdentityFactory
from tests.helpers import add_member
from tests.shared_apps.mfa.support import enrol
from tests.shared_apps.platform.conftest import action_post

LIST = "/admin/accounts/user/"


def test_identities_are_found_by_email_or_name(console):
    IdentityFactory(email="grace@example.test", first_name="Grace", last_name="Hopper")

    emails = {u.email for u in console.get(LIST, {"q": "hopper"}).context["cl"].result_list}

    assert emails == {"grace@example.test"}


def test_the_detail_lists_the_identity_s_workspaces(console, owner, alpha, beta):
    page = console.get(f"{LIST}{owner.pk}/change/").content.decode()

    assert "Alpha Co" in page
    assert "Beta Co" in page
    assert "owner" in page.lower()


def test_disabling_ends_every_session_and_is_audited(
    console, client_factory, platform_owner, platform_host, alpha
):
    person = add_member(alpha, "editor")
    other = client_factory()
    other.force_login(person)
    assert other.get("/dashboard/", HTTP_HOST=platform_host).status_code == 200
    with tenant_context(alpha):
        mirror_epoch = User.objects.get(identity_id=person.uuid).session_epoch

    response = action_post(
        console, LIST, "disable_selected", [person.pk], post="yes", reason="Account takeover"
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_active is False
    assert other.get("/dashboard/", HTTP_HOST=platform_host).status_code == 302
    with tenant_context(alpha):
        assert User.objects.get(identity_id=person.uuid).session_epoch == mirror_epoch + 1
    event = AuditEvent.objects.get(action="console.identity_disabled")
    assert event.actor == platform_owner
    assert event.data["reason"] == "Account takeover"
    assert event.data["workspaces_signed_out"] == 1
    assert event.ip_address == "203.0.113.7"


def test_disabling_needs_a_reason(console, identity):
    page = action_post(console, LIST, "disable_selected", [identity.pk], post="yes", reason="")

    assert page.status_code == 200
    identity.refresh_from_db()
    assert identity.is_active is True


def test_a_platform_owner_cannot_disable_themselves(console, platform_owner):
    response = action_post(
        console,
        LIST,
        "disable_selected",
        [platform_owner.pk],
        post="yes",
        reason="oops",
        follow=True,
    )

    assert "cannot disable your own account" in response.content.decode()
    platform_owner.refresh_from_db()
    assert platform_owner.is_active is True


def test_enabling_again_is_audited(console, identity, platform_owner):
    action_post(console, LIST, "disable_selected", [identity.pk], post="yes", reason="x")

    action_post(console, LIST, "enable_selected", [identity.pk], post="yes", reason="")

    identity.refresh_from_db()
    assert identity.is_active is True
    assert AuditEvent.objects.get(action="console.identity_enabled").actor == platform_owner


def test_the_active_box_is_not_editable_in_the_form(console, identity):
    page = console.get(f"{LIST}{identity.pk}/change/").content.decode()

    assert 'name="is_active"' not in page


def test_forcing_a_password_reset(
    console,
    identity,
    platform_owner,
    platform_host,
    client_factory,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = action_post(
            console,
            LIST,
            "force_password_reset_selected",
            [identity.pk],
            post="yes",
            reason="Leaked in a breach",
        )

    assert response.status_code == 302
    identity.refresh_from_db()
    assert not identity.check_password(IDENTITY_PASSWORD)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [identity.email]
    assert f"http://{platform_host}/accounts/" in mail.outbox[0].body
    event = AuditEvent.objects.get(action="console.identity_password_reset_forced")
    assert event.actor == platform_owner
    assert event.data["mail_sent"] is True
    assert event.data["reason"] == "Leaked in a breach"
    # the old password no longer signs in
    other = client_factory()
    other.post(
        "/accounts/sign-in/",
        {"username": identity.email, "password": IDENTITY_PASSWORD},
        HTTP_HOST=platform_host,
    )
    assert "_auth_user_id" not in other.session


def test_the_reset_link_in_the_mail_works(
    console, identity, platform_host, client_factory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action_post(
            console, LIST, "force_password_reset_selected", [identity.pk], post="yes", reason=""
        )
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/" in line).strip()
    path = link.split(platform_host, 1)[1]
    other = client_factory()

    page = other.get(path, HTTP_HOST=platform_host, follow=True)

    assert page.status_code == 200
    assert page.context["validlink"] is True


def test_resetting_two_factor_removes_the_app_and_audits_once(
    console, identity, platform_owner, clock
):
    enrol(identity, clock)

    page = action_post(console, LIST, "reset_two_factor_selected", [identity.pk])
    assert 'name="reason"' not in page.content.decode()
    action_post(console, LIST, "reset_two_factor_selected", [identity.pk], post="yes")

    assert not TOTPDevice.objects.filter(identity=identity).exists()
    events = AuditEvent.objects.filter(target_id=str(identity.pk), action__contains="reset")
    assert [e.action for e in events] == ["mfa.reset"]
    assert events[0].actor == platform_owner
    assert events[0].ip_address == "203.0.113.7"


def test_resetting_two_factor_of_someone_without_it_says_so(console, identity):
    response = action_post(
        console, LIST, "reset_two_factor_selected", [identity.pk], post="yes", follow=True
    )

    assert "has no authenticator app to remove" in response.content.decode()


def test_making_someone_a_platform_owner_is_audited(console, identity, platform_owner):
    response = console.post(
        f"{LIST}{identity.pk}/change/",
        {
            "email": identity.email,
            "first_name": identity.first_name,
            "last_name": identity.last_name,
            "is_staff": "on",
            "is_superuser": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    identity.refresh_from_db()
    assert identity.is_superuser is True
    event = AuditEvent.objects.get(action="console.identity_changed")
    assert event.data["changes"]["is_superuser"] == [False, True]
    assert event.data["changes"]["is_staff"] == [False, True]
    assert event.actor == platform_owner


def test_setting_a_password_by_hand_is_audited(console, identity):
    response = console.post(
        f"{LIST}{identity.pk}/password/",
        {
            "password1": "A-new-long-passphrase-42",
            "password2": "A-new-long-passphrase-42",
            "usable_password": "true",
            "set-password": "",
        },
    )

    assert response.status_code == 302
    assert AuditEvent.objects.get(action="console.identity_password_set").data["usable"] is True


def test_identities_are_never_deleted_from_the_console(console, identity):
    assert console.get(f"{LIST}{identity.pk}/delete/").status_code == 403


def test_creating_an_identity_is_audited(console, platform_owner):
    response = console.post(
        "/admin/accounts/user/add/",
        {
            "email": "new.owner@example.test",
            "password1": "A-new-long-passphrase-42",
            "password2": "A-new-long-passphrase-42",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(email="new.owner@example.test")
    event = AuditEvent.objects.get(action="console.identity_created")
    assert event.target_id == str(created.pk)
    assert event.actor == platform_owner
