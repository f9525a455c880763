"""Signing in with a second factor: password first, then a code or a recovery code."""

from django.contrib.messages import get_messages

from shared_apps.platform.models import AuditEvent
from tests.helpers import host_of
from tests.shared_apps.mfa.support import VERIFY, sign_in


def test_a_correct_password_asks_for_a_code_before_signing_in(
    client, enrolled, password, platform_host
):
    # when the password is right
    response = sign_in(client, platform_host, enrolled.identity.email, password)

    # then the code is asked for, and nobody is signed in yet
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert "_auth_user_id" not in client.session
    dashboard = client.get("/dashboard/", HTTP_HOST=platform_host)
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith("/accounts/sign-in/")
    assert client.get(VERIFY, HTTP_HOST=platform_host).status_code == 200


def test_the_right_code_completes_sign_in_with_a_new_session_key(
    client, enrolled, password, platform_host
):
    sign_in(client, platform_host, enrolled.identity.email, password, next="/workspaces/new/")
    pending_key = client.session.session_key

    response = client.post(VERIFY, {"code": enrolled.next_code()}, HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"] == "/workspaces/new/"
    assert client.session["_auth_user_id"] == str(enrolled.identity.pk)
    assert client.session.session_key != pending_key
    assert client.get("/dashboard/", HTTP_HOST=platform_host).status_code == 200


def test_a_wrong_code_is_refused(client, enrolled, password, platform_host):
    sign_in(client, platform_host, enrolled.identity.email, password)
    wrong = enrolled.totp.at(enrolled.clock.now + 600)

    response = client.post(VERIFY, {"code": wrong}, HTTP_HOST=platform_host)

    assert response.status_code == 400
    assert "That code is not valid" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_codes_one_step_either_side_are_accepted(client, enrolled, password, platform_host):
    enrolled.clock.advance(300)
    sign_in(client, platform_host, enrolled.identity.email, password)

    # the previous step's code: the phone's clock is a little behind
    behind = enrolled.totp.at(enrolled.clock.now - 30)
    response = client.post(VERIFY, {"code": behind}, HTTP_HOST=platform_host)

    assert response.status_code == 302


def test_a_code_is_good_for_one_sign_in_only(client, enrolled, password, platform_host):
    # given a code used to sign in
    code = enrolled.next_code()
    sign_in(client, platform_host, enrolled.identity.email, password)
    assert client.post(VERIFY, {"code": code}, HTTP_HOST=platform_host).status_code == 302
    client.post("/accounts/sign-out/", HTTP_HOST=platform_host)

    # when the same code is replayed within its validity
    sign_in(client, platform_host, enrolled.identity.email, password)
    response = client.post(VERIFY, {"code": code}, HTTP_HOST=platform_host)

    # then it is refused
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_an_older_code_than_the_last_one_used_is_refused(client, enrolled, password, platform_host):
    enrolled.clock.advance(30)
    previous = enrolled.totp.at(enrolled.clock.now - 30)
    current = enrolled.totp.at(enrolled.clock.now)
    sign_in(client, platform_host, enrolled.identity.email, password)
    client.post(VERIFY, {"code": current}, HTTP_HOST=platform_host)
    client.post("/accounts/sign-out/", HTTP_HOST=platform_host)

    sign_in(client, platform_host, enrolled.identity.email, password)
    response = client.post(VERIFY, {"code": previous}, HTTP_HOST=platform_host)

    assert response.status_code == 400


def test_a_recovery_code_signs_in_once(client, enrolled, password, platform_host):
    code = enrolled.recovery_codes[3]

    # given a recovery code, typed in capitals and without the hyphens
    sign_in(client, platform_host, enrolled.identity.email, password)
    first = client.post(VERIFY, {"code": code.replace("-", "").upper()}, HTTP_HOST=platform_host)
    assert first.status_code == 302
    assert "9 left" in " ".join(str(m) for m in get_messages(first.wsgi_request))
    assert AuditEvent.objects.filter(action="mfa.recovery_code_used").count() == 1
    client.post("/accounts/sign-out/", HTTP_HOST=platform_host)

    # when it is used a second time
    sign_in(client, platform_host, enrolled.identity.email, password)
    second = client.post(VERIFY, {"code": code}, HTTP_HOST=platform_host)

    # then it is refused
    assert second.status_code == 400
    assert "_auth_user_id" not in client.session


def test_wrong_codes_are_throttled(client, enrolled, password, platform_host, settings):
    settings.TWO_FACTOR_THROTTLE_PER_ACCOUNT = 3
    sign_in(client, platform_host, enrolled.identity.email, password)

    statuses = [
        client.post(VERIFY, {"code": "000000"}, HTTP_HOST=platform_host).status_code
        for _ in range(3)
    ]
    right = client.post(VERIFY, {"code": enrolled.next_code()}, HTTP_HOST=platform_host)

    assert statuses == [400, 400, 429]
    assert right.status_code == 429
    assert "Too many attempts. Try again in" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_code_step_expires(client, enrolled, password, platform_host, settings):
    settings.TWO_FACTOR_PENDING_SECONDS = -1
    sign_in(client, platform_host, enrolled.identity.email, password)

    response = client.post(VERIFY, {"code": enrolled.next_code()}, HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/"
    assert "_auth_user_id" not in client.session


def test_the_code_step_cannot_be_reached_without_a_password(client, enrolled, platform_host):
    response = client.post(VERIFY, {"code": enrolled.next_code()}, HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/"


def test_signing_out_everywhere_voids_a_pending_code_step(
    client, enrolled, password, platform_host
):
    from shared_apps.accounts.services import user_session_epoch_bump

    sign_in(client, platform_host, enrolled.identity.email, password)
    user_session_epoch_bump(user=enrolled.identity)

    response = client.post(VERIFY, {"code": enrolled.next_code()}, HTTP_HOST=platform_host)

    assert response["Location"] == "/accounts/sign-in/"
    assert "_auth_user_id" not in client.session


def test_the_django_admin_sign_in_form_is_not_a_way_around_the_code_step(
    client, enrolled, password, platform_host
):
    enrolled.identity.is_staff = True
    enrolled.identity.save(update_fields=["is_staff"])

    page = client.get("/admin/login/?next=/admin/", HTTP_HOST=platform_host)
    post = client.post(
        "/admin/login/",
        {"username": enrolled.identity.email, "password": password},
        HTTP_HOST=platform_host,
    )

    assert page.status_code == 302
    assert page["Location"] == "/accounts/sign-in/?next=%2Fadmin%2F"
    assert post.status_code == 302
    assert post["Location"].startswith("/accounts/sign-in/")
    assert "_auth_user_id" not in client.session


def test_workspace_customers_sign_in_without_a_code_step(client, alpha):
    from django_tenants.utils import tenant_context

    from tests.factories import IDENTITY_PASSWORD, IdentityFactory

    with tenant_context(alpha):
        customer = IdentityFactory(email="buyer@example.test")

    response = sign_in(client, host_of(alpha), customer.email, IDENTITY_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] != VERIFY
    assert client.get(VERIFY, HTTP_HOST=host_of(alpha)).status_code == 404


def test_a_code_step_for_an_app_removed_in_the_meantime_starts_over(
    client, enrolled, password, platform_host
):
    from shared_apps.mfa.models import TOTPDevice

    sign_in(client, platform_host, enrolled.identity.email, password)
    TOTPDevice.objects.filter(identity=enrolled.identity).delete()

    response = client.get(VERIFY, HTTP_HOST=platform_host)

    assert response["Location"] == "/accounts/sign-in/"
    assert "_auth_user_id" not in client.session


def test_the_code_step_sends_someone_already_signed_in_on(client, identity, platform_host):
    client.force_login(identity)

    response = client.get(VERIFY, HTTP_HOST=platform_host)

    assert response["Location"] == "/dashboard/"
