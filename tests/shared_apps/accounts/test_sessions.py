"""Sessions: Argon2 hashes, a new session key at sign-in, and "sign out everywhere"."""

from django.contrib.auth.hashers import make_password
from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.platform.models import AuditEvent
from tests.factories import IdentityFactory
from tests.helpers import host_of

SIGN_IN = "/accounts/sign-in/"
EVERYWHERE = "/accounts/sign-out-everywhere/"
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def sign_in(client, host, email, password):
    return client.post(SIGN_IN, {"username": email, "password": password}, HTTP_HOST=host)


def test_production_hashes_passwords_with_argon2_and_still_reads_pbkdf2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == ARGON2
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in base.PASSWORD_HASHERS
    assert not any("MD5" in hasher for hasher in base.PASSWORD_HASHERS)


def test_a_pbkdf2_hash_is_upgraded_to_argon2_at_sign_in(
    client, identity, password, platform_host, settings
):
    from config.settings import base

    # given production's hashers and an identity whose hash predates Argon2
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    identity.password = make_password(password, hasher="pbkdf2_sha256")
    identity.save(update_fields=["password"])

    # when they sign in
    response = sign_in(client, platform_host, identity.email, password)

    # then they are in, and the stored hash is now Argon2
    assert response.status_code == 302
    identity.refresh_from_db()
    assert identity.password.startswith("argon2$")
    assert client.get("/dashboard/", HTTP_HOST=platform_host).status_code == 200


def test_signing_in_gives_the_session_a_new_key(client, identity, password, platform_host):
    # given a visitor's session from before signing in
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key

    # when they sign in
    sign_in(client, platform_host, identity.email, password)

    # then the signed-in session has another key and the old one is gone
    after = client.session
    assert after.session_key != before
    assert after["_auth_user_id"] == str(identity.pk)
    assert not type(after)().exists(before)


def test_sign_out_everywhere_ends_every_session_of_an_identity(
    client, identity, password, platform_host
):
    # given the identity signed in on two devices
    laptop, phone = Client(), Client()
    sign_in(laptop, platform_host, identity.email, password)
    sign_in(phone, platform_host, identity.email, password)
    assert laptop.get("/dashboard/", HTTP_HOST=platform_host).status_code == 200

    # when they sign out everywhere from the phone
    response = phone.post(EVERYWHERE, HTTP_HOST=platform_host)

    # then the phone is signed out, and the laptop's next request is refused
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/"
    assert "_auth_user_id" not in phone.session
    laptop_next = laptop.get("/dashboard/", HTTP_HOST=platform_host)
    assert laptop_next.status_code == 302
    assert laptop_next["Location"].startswith("/accounts/sign-in/")
    # and signing in again works
    assert sign_in(laptop, platform_host, identity.email, password).status_code == 302
    assert laptop.get("/dashboard/", HTTP_HOST=platform_host).status_code == 200


def test_sign_out_everywhere_reaches_the_identitys_workspace_sessions(
    staff_client, owner, password, alpha, platform_host
):
    # given the owner signed in on the platform and working in alpha (as its mirror)
    platform = Client()
    assert sign_in(platform, platform_host, owner.email, password).status_code == 302
    assert staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha)).status_code == 200

    # when they sign out everywhere on the platform
    response = platform.post(EVERYWHERE, HTTP_HOST=platform_host)
    assert response["Location"] == "/accounts/sign-in/"

    # then the session on alpha's host is refused too
    response = staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
    with tenant_context(alpha):
        assert User.objects.get(identity_id=owner.uuid).session_epoch == 1


def test_sign_out_everywhere_is_audited(client, identity, platform_host):
    client.force_login(identity)

    client.post(EVERYWHERE, HTTP_HOST=platform_host, REMOTE_ADDR="192.0.2.44")

    event = AuditEvent.objects.get(action="auth.signed_out_everywhere", actor=identity)
    assert event.target_id == str(identity.pk)
    assert event.ip_address == "192.0.2.44"


def test_a_customer_signs_out_everywhere_on_the_workspace_site(client, alpha):
    # given a customer of alpha signed in on two devices
    with tenant_context(alpha):
        customer = IdentityFactory(email="buyer@example.test")
    other = Client()
    for device in (client, other):
        assert (
            sign_in(device, host_of(alpha), customer.email, "correct-horse-battery-9").status_code
            == 302
        )

    # when they sign out everywhere from one of them
    page = client.get("/accounts/security/", HTTP_HOST=host_of(alpha))
    response = client.post(EVERYWHERE, HTTP_HOST=host_of(alpha))

    # then the other device's session is over too, and the workspace's trail says so
    assert page.status_code == 200
    assert b"Sign out everywhere" in page.content
    assert response.status_code == 302
    assert other.get("/accounts/security/", HTTP_HOST=host_of(alpha)).status_code == 302
    event = AuditEvent.objects.get(action="auth.signed_out_everywhere", workspace_id=alpha.pk)
    assert event.data["email"] == customer.email
    assert event.actor is None


def test_sign_out_everywhere_needs_a_post(client, identity, platform_host):
    client.force_login(identity)

    response = client.get(EVERYWHERE, HTTP_HOST=platform_host)

    assert response.status_code == 405
    assert client.get("/dashboard/", HTTP_HOST=platform_host).status_code == 200


def test_a_session_from_before_the_epoch_existed_stays_valid(identity):
    """Epoch 0 hashes like Django, so deploying this signs nobody out."""
    from django.contrib.auth.base_user import AbstractBaseUser

    assert identity.session_epoch == 0
    assert identity.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(identity)
