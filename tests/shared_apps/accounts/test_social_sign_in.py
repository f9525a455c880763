"""Social sign-in (Google, Apple, Facebook) of platform identities, through django-allauth.

allauth's real provider code talks HTTP to a fake of the providers' endpoints on
loopback (tests/fakes/oauth_provider.py); nothing leaves the machine.
"""

import copy
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.mfa import services as mfa_services
from shared_apps.platform.models import AuditEvent
from tests.factories import IDENTITY_PASSWORD, IdentityFactory
from tests.fakes.oauth_provider import Client as ProviderClient
from tests.fakes.oauth_provider import FakeOAuthProvider, point_allauth_at
from tests.helpers import host_of
from tests.shared_apps.mfa.support import T0, VERIFY, Clock, enrol

SIGN_IN = "/accounts/sign-in/"
SIGN_UP = "/accounts/sign-up/"
SECURITY = "/account/security/"


# Set-up: the fake provider, and allauth configured to use it.


@pytest.fixture
def fake_provider(monkeypatch):
    fake = FakeOAuthProvider().start()
    point_allauth_at(fake, monkeypatch)
    yield fake
    fake.stop()


@pytest.fixture
def providers(db, settings, fake_provider):
    """All three providers configured, as GOOGLE_CLIENT_ID & co. would configure them."""
    apple_key = ec.generate_private_key(ec.SECP256R1())  # a throwaway P-256 key
    apple_pem = apple_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    configured = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    configured["google"]["APPS"] = [{"client_id": "google-client", "secret": "google-secret"}]
    configured["facebook"]["APPS"] = [{"client_id": "fb-app", "secret": "fb-secret"}]
    configured["apple"]["APPS"] = [
        {
            "client_id": "com.mewayz.web",
            "secret": "APPLEKEY01",
            "key": "TEAM123456",
            "settings": {"certificate_key": apple_pem},
        }
    ]
    settings.SOCIALACCOUNT_PROVIDERS = configured
    fake_provider.clients = {
        "google": ProviderClient(client_id="google-client", secret="google-secret"),
        "facebook": ProviderClient(client_id="fb-app", secret="fb-secret"),
        "apple": ProviderClient(
            client_id="com.mewayz.web",
            team_id="TEAM123456",
            key_id="APPLEKEY01",
            public_key=apple_key.public_key(),
        ),
    }
    return fake_provider


@pytest.fixture
def not_configured(db, settings):
    """No provider has credentials, whatever the environment of this run says."""
    unconfigured = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    for options in unconfigured.values():
        options.pop("APPS", None)
    settings.SOCIALACCOUNT_PROVIDERS = unconfigured


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(T0)
    monkeypatch.setattr(mfa_services, "_now", lambda: clock.now)
    return clock


def google_person(**overrides) -> dict:
    return {
        "sub": "google-uid-1",
        "email": "grace@gmail.test",
        "email_verified": True,
        "given_name": "Grace",
        "family_name": "Hopper",
        **overrides,
    }


def social_sign_in(client, fake, provider: str, *, host: str, process="login", next_url=None,
                   apple_user=None):  # fmt: skip
    """Press "Continue with <provider>", consent on the fake, and come back to allauth's
    callback. Returns the callback's response."""
    data = {"process": process, **({"next": next_url} if next_url else {})}
    start = client.post(f"/accounts/social/{provider}/login/", data, HTTP_HOST=host)
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(fake.base_url)
    consent = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert consent.status_code == 302, consent.text
    callback = urlsplit(consent.headers["Location"])
    assert callback.hostname == host
    if provider != "apple":
        return client.get(f"{callback.path}?{callback.query}", HTTP_HOST=host)
    # Apple's answer is a cross-site form POST; allauth moves it to a GET on its side.
    fields = dict(parse_qsl(callback.query))
    if apple_user:
        fields["user"] = apple_user
    posted = client.post(callback.path, fields, HTTP_HOST=host)
    assert posted.status_code == 302, posted.content
    finish = urlsplit(posted["Location"])
    return client.get(f"{finish.path}?{finish.query}", HTTP_HOST=host)


def signed_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def audit_actions(identity) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor=identity)
        .order_by("occurred_at")
        .values_list("action", flat=True)
    )


# Signing in and signing up.


def test_google_creates_a_new_identity_and_signs_it_in(client, providers, platform_host):
    providers.sign_in_as("google", **google_person(email="Grace@Gmail.test"))

    response = social_sign_in(client, providers, "google", host=platform_host)

    identity = User.objects.get(email="grace@gmail.test")
    assert response.status_code == 302
    assert response["Location"] == "/workspaces/new/"  # as after our own sign-up
    assert signed_in_as(client) == identity
    assert not identity.has_usable_password()
    assert (identity.first_name, identity.last_name) == ("Grace", "Hopper")
    account = SocialAccount.objects.get(user=identity)
    assert (account.provider, account.uid) == ("google", "google-uid-1")
    assert audit_actions(identity) == ["auth.social_signed_up", "auth.social_signed_in"]
    signed_in = AuditEvent.objects.get(actor=identity, action="auth.social_signed_in")
    assert signed_in.data == {"provider": "google", "uid": "google-uid-1", "new_identity": True}
    assert signed_in.ip_address == "127.0.0.1"
    # The PKCE verifier went to the token endpoint, and the fake checked it.
    assert providers.token_calls() == ["/google/token"]


def test_a_returning_google_user_signs_in_to_the_same_identity(client, providers, platform_host):
    providers.sign_in_as("google", **google_person())
    social_sign_in(client, providers, "google", host=platform_host)
    client.post("/accounts/sign-out/", HTTP_HOST=platform_host)

    response = social_sign_in(
        client, providers, "google", host=platform_host, next_url="/dashboard/"
    )

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert User.objects.filter(email="grace@gmail.test").count() == 1
    assert SocialAccount.objects.filter(uid="google-uid-1").count() == 1
    assert signed_in_as(client).email == "grace@gmail.test"


def test_a_verified_google_email_signs_in_the_existing_identity(
    client, providers, platform_host, identity
):
    # given an identity that signed up with a password
    providers.sign_in_as("google", **google_person(email=identity.email.upper()))

    # when Google vouches for the same address
    response = social_sign_in(client, providers, "google", host=platform_host)

    # then it is that identity that is signed in, now linked, its password untouched
    assert response.status_code == 302
    assert signed_in_as(client) == identity
    assert SocialAccount.objects.get(uid="google-uid-1").user == identity
    identity.refresh_from_db()
    assert identity.check_password(IDENTITY_PASSWORD)
    assert User.objects.filter(email__iexact=identity.email).count() == 1
    connected = AuditEvent.objects.get(actor=identity, action="auth.social_account_connected")
    assert connected.data == {"provider": "google", "uid": "google-uid-1", "via": "verified_email"}


def test_an_unverified_google_email_does_not_link(client, providers, platform_host, identity):
    providers.sign_in_as("google", **google_person(email=identity.email, email_verified=False))

    response = social_sign_in(client, providers, "google", host=platform_host)

    assert response.status_code == 409
    assert "already exists" in response.content.decode()
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_facebook_never_links_an_existing_email(client, providers, platform_host, identity):
    # Facebook does not say whether it verified an address.
    providers.sign_in_as(
        "facebook", id="fb-1", email=identity.email, first_name="Ann", last_name="Other"
    )

    response = social_sign_in(client, providers, "facebook", host=platform_host)

    page = response.content.decode()
    assert response.status_code == 409
    assert "Sign in to it the way you usually do, then connect Facebook" in page
    assert f'href="{SIGN_IN}?next={SECURITY}"' in page
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email__iexact=identity.email).count() == 1


def test_facebook_creates_a_new_identity_for_a_new_email(client, providers, platform_host):
    providers.sign_in_as(
        "facebook", id="fb-2", email="fay@facebook.test", first_name="Fay", last_name="Book"
    )

    response = social_sign_in(client, providers, "facebook", host=platform_host)

    assert response.status_code == 302
    identity = signed_in_as(client)
    assert identity.email == "fay@facebook.test"
    assert SocialAccount.objects.get(user=identity).uid == "fb-2"
    # The profile was read with the token and its appsecret_proof (the fake checks it).
    assert ("GET", "/facebook/graph/me") in providers.calls


def test_a_provider_that_keeps_the_email_signs_no_one_in(client, providers, platform_host):
    providers.sign_in_as("facebook", id="fb-3", first_name="No", last_name="Email")

    response = social_sign_in(client, providers, "facebook", host=platform_host)

    assert response.status_code == 400
    assert "did not share your email address" in response.content.decode()
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_apple_creates_a_new_identity(client, providers, platform_host):
    providers.sign_in_as(
        "apple", sub="apple-uid-1", email="ann@privaterelay.appleid.test", email_verified="true"
    )

    response = social_sign_in(
        client,
        providers,
        "apple",
        host=platform_host,
        apple_user='{"name": {"firstName": "Ann", "lastName": "Apple"}}',
    )

    # The fake accepted the client secret (an ES256 JWT signed with the configured
    # key) and allauth checked the id_token's signature against the fake's JWKS.
    assert response.status_code == 302
    identity = signed_in_as(client)
    assert identity.email == "ann@privaterelay.appleid.test"
    assert (identity.first_name, identity.last_name) == ("Ann", "Apple")
    assert SocialAccount.objects.get(user=identity).provider == "apple"
    assert ("GET", "/apple/keys") in providers.calls


def test_an_apple_email_verified_by_apple_signs_in_the_existing_identity(
    client, providers, platform_host, identity
):
    providers.sign_in_as("apple", sub="apple-uid-2", email=identity.email, email_verified="true")

    response = social_sign_in(client, providers, "apple", host=platform_host)

    assert response.status_code == 302
    assert signed_in_as(client) == identity


def test_an_inactive_identity_is_refused(client, providers, platform_host, identity):
    SocialAccount.objects.create(user=identity, provider="google", uid="google-uid-1")
    User.objects.filter(pk=identity.pk).update(is_active=False)
    providers.sign_in_as("google", **google_person(email=identity.email))

    response = social_sign_in(client, providers, "google", host=platform_host)

    assert response.status_code == 403
    assert "This account cannot sign in." in response.content.decode()
    assert signed_in_as(client) is None


# Two-factor authentication: no way around the code step.


def test_an_identity_with_two_factor_is_sent_to_the_code_step(
    client, providers, platform_host, identity, clock
):
    # given an identity with an authenticator app, linked to Google
    enrolled = enrol(identity, clock)
    providers.sign_in_as("google", **google_person(email=identity.email))

    # when Google says it is them
    response = social_sign_in(
        client, providers, "google", host=platform_host, next_url="/workspaces/new/"
    )

    # then a code is asked for, and nobody is signed in yet
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert signed_in_as(client) is None
    assert client.get("/dashboard/", HTTP_HOST=platform_host)["Location"].startswith(SIGN_IN)
    code_step = AuditEvent.objects.get(actor=identity, action="auth.social_sign_in_code_step")
    assert code_step.data == {"provider": "google", "uid": "google-uid-1"}
    assert not AuditEvent.objects.filter(action="auth.social_signed_in").exists()

    # and a wrong code does not change that
    wrong = client.post(VERIFY, {"code": "000000"}, HTTP_HOST=platform_host)
    assert wrong.status_code == 400
    assert signed_in_as(client) is None

    # when the right code follows, it signs in and goes where it was going
    done = client.post(VERIFY, {"code": enrolled.next_code()}, HTTP_HOST=platform_host)
    assert done.status_code == 302
    assert done["Location"] == "/workspaces/new/"
    assert signed_in_as(client) == identity


def test_a_returning_linked_identity_with_two_factor_also_gets_the_code_step(
    client, providers, platform_host, identity, clock
):
    SocialAccount.objects.create(user=identity, provider="google", uid="google-uid-1")
    enrol(identity, clock)
    providers.sign_in_as("google", **google_person(email="another@gmail.test"))

    response = social_sign_in(client, providers, "google", host=platform_host)

    assert response["Location"] == VERIFY
    assert signed_in_as(client) is None


# The flow itself: POST to start, state checked.


def test_starting_a_flow_by_get_only_shows_a_button(client, providers, platform_host):
    response = client.get("/accounts/social/google/login/", HTTP_HOST=platform_host)

    assert response.status_code == 200
    assert "Continue with Google" in response.content.decode()
    assert providers.calls == []  # nothing sent to the provider


def test_starting_a_flow_needs_the_csrf_token(providers, platform_host):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        "/accounts/social/google/login/", {"process": "login"}, HTTP_HOST=platform_host
    )

    assert response.status_code == 403


def test_a_tampered_state_is_refused_with_a_clear_page(client, providers, platform_host):
    providers.sign_in_as("google", **google_person())
    start = client.post(
        "/accounts/social/google/login/", {"process": "login"}, HTTP_HOST=platform_host
    )
    consent = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = dict(parse_qsl(urlsplit(consent.headers["Location"]).query))

    response = client.get(
        "/accounts/social/google/login/callback/",
        {"code": callback["code"], "state": callback["state"] + "x"},
        HTTP_HOST=platform_host,
    )

    page = response.content.decode()
    assert response.status_code == 401
    assert "We couldn't sign you in with Google" in page
    assert "been tampered with" in page
    assert providers.token_calls() == []  # the code was never exchanged
    assert signed_in_as(client) is None
    assert not User.objects.filter(email="grace@gmail.test").exists()


def test_a_replayed_callback_is_refused(client, providers, platform_host):
    providers.sign_in_as("google", **google_person())
    start = client.post(
        "/accounts/social/google/login/", {"process": "login"}, HTTP_HOST=platform_host
    )
    consent = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(consent.headers["Location"])
    client.get(f"{callback.path}?{callback.query}", HTTP_HOST=platform_host)
    client.post("/accounts/sign-out/", HTTP_HOST=platform_host)

    replay = client.get(f"{callback.path}?{callback.query}", HTTP_HOST=platform_host)

    assert replay.status_code == 401
    assert signed_in_as(client) is None


def test_cancelling_on_the_provider_signs_no_one_in(client, providers, platform_host):
    # Nobody consents: the fake answers with error=access_denied.
    start = client.post(
        "/accounts/social/google/login/", {"process": "login"}, HTTP_HOST=platform_host
    )
    consent = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(consent.headers["Location"])

    response = client.get(f"{callback.path}?{callback.query}", HTTP_HOST=platform_host, follow=True)

    assert "Sign-in cancelled" in response.content.decode()
    assert signed_in_as(client) is None


# Where the providers appear.


def test_buttons_appear_for_configured_providers_on_the_platform(client, providers, platform_host):
    for path in (SIGN_IN, SIGN_UP):
        page = client.get(path, HTTP_HOST=platform_host).content.decode()

        for provider in ("google", "apple", "facebook"):
            assert f'data-provider="{provider}"' in page
        assert 'action="/accounts/social/google/login/"' in page


def test_only_configured_providers_appear(client, settings, not_configured, platform_host):
    for path in (SIGN_IN, SIGN_UP):
        assert "Continue with" not in client.get(path, HTTP_HOST=platform_host).content.decode()

    configured = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    configured["google"]["APPS"] = [{"client_id": "only-google", "secret": "s"}]
    settings.SOCIALACCOUNT_PROVIDERS = configured
    page = client.get(SIGN_IN, HTTP_HOST=platform_host).content.decode()

    assert 'data-provider="google"' in page
    assert 'data-provider="facebook"' not in page and 'data-provider="apple"' not in page


def test_an_unconfigured_provider_cannot_be_started(client, not_configured, platform_host):
    response = client.post(
        "/accounts/social/google/login/", {"process": "login"}, HTTP_HOST=platform_host
    )

    assert response.status_code == 404


def test_workspace_hosts_never_show_the_buttons(client, providers, alpha):
    for path in (SIGN_IN, SIGN_UP):
        page = client.get(path, HTTP_HOST=host_of(alpha)).content.decode()

        assert "Continue with" not in page
        assert "/accounts/social/" not in page


def test_workspace_hosts_do_not_route_social_urls(client, providers, alpha):
    host = host_of(alpha)
    for path in (
        "/accounts/social/google/login/",
        "/accounts/social/google/login/callback/?code=x&state=y",
        "/accounts/social/apple/login/callback/",
        "/accounts/social/connections/",
    ):
        assert client.get(path, HTTP_HOST=host).status_code == 404, path
        assert client.post(path, {"process": "login"}, HTTP_HOST=host).status_code == 404, path
    assert providers.calls == []


def test_allauths_own_password_pages_are_not_served(client, platform_host):
    # The names allauth reverses lead to our pages...
    sign_in = client.get("/accounts/social/sign-in/?next=/dashboard/", HTTP_HOST=platform_host)
    assert sign_in.status_code == 302
    assert sign_in["Location"] == f"{SIGN_IN}?next=/dashboard/"
    assert client.get("/accounts/social/signup/", HTTP_HOST=platform_host)["Location"] == SIGN_UP
    # ...and its own password views are not routed at all.
    for path in ("/accounts/social/login/", "/accounts/social/password/reset/",
                 "/accounts/social/email/confirm/x/", "/accounts/social/3rdparty/"):  # fmt: skip
        assert client.get(path, HTTP_HOST=platform_host).status_code == 404, path


def test_a_wrong_password_on_a_workspace_host_is_a_form_error(client, providers, alpha):
    # allauth's authentication backend (which reads allauth tables that workspace
    # schemas do not have) must not be in the way of a workspace's own sign-in.
    with tenant_context(alpha):
        IdentityFactory(email="buyer@example.test")

    response = client.post(
        SIGN_IN,
        {"username": "buyer@example.test", "password": "not-the-password"},
        HTTP_HOST=host_of(alpha),
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    right = {"username": "buyer@example.test", "password": IDENTITY_PASSWORD}
    assert client.post(SIGN_IN, right, HTTP_HOST=host_of(alpha)).status_code == 302


# Connected accounts on the security page.


def test_a_signed_in_identity_connects_google(client, providers, platform_host, identity):
    client.force_login(identity)
    providers.sign_in_as("google", **google_person(email="someone.else@gmail.test"))

    response = social_sign_in(
        client, providers, "google", host=platform_host, process="connect", next_url=SECURITY
    )

    assert response.status_code == 302
    assert response["Location"] == SECURITY
    assert SocialAccount.objects.get(uid="google-uid-1").user == identity
    assert signed_in_as(client) == identity
    connected = AuditEvent.objects.get(actor=identity, action="auth.social_account_connected")
    assert connected.data["via"] == "connect"
    page = client.get(SECURITY, HTTP_HOST=platform_host).content.decode()
    assert "Connected accounts" in page
    assert "someone.else@gmail.test" in page
    assert "Disconnect<span" in page


def test_a_google_account_of_another_identity_is_not_connected(
    client, providers, platform_host, identity
):
    other = IdentityFactory()
    SocialAccount.objects.create(user=other, provider="google", uid="google-uid-1")
    client.force_login(identity)
    providers.sign_in_as("google", **google_person())

    response = social_sign_in(client, providers, "google", host=platform_host, process="connect")

    assert response["Location"] == SECURITY
    page = client.get(SECURITY, HTTP_HOST=platform_host).content.decode()
    assert "already connected to a different account" in page
    assert SocialAccount.objects.get(uid="google-uid-1").user == other
    assert not AuditEvent.objects.filter(action="auth.social_account_connected").exists()


def test_the_security_page_offers_to_connect_configured_providers(
    client, providers, platform_host, identity
):
    client.force_login(identity)

    page = client.get(SECURITY, HTTP_HOST=platform_host).content.decode()

    assert page.count('name="process" value="connect"') == 3


def test_the_security_page_has_no_connected_accounts_without_providers(
    client, not_configured, platform_host, identity
):
    client.force_login(identity)

    page = client.get(SECURITY, HTTP_HOST=platform_host).content.decode()

    assert "Connected accounts" not in page


def test_an_identity_with_a_password_disconnects_an_account(
    client, providers, platform_host, identity
):
    account = SocialAccount.objects.create(user=identity, provider="google", uid="google-uid-1")
    client.force_login(identity)

    response = client.post(
        f"/accounts/social/connections/{account.pk}/disconnect/", HTTP_HOST=platform_host
    )

    assert response.status_code == 302
    assert response["Location"] == SECURITY
    assert not SocialAccount.objects.filter(pk=account.pk).exists()
    removed = AuditEvent.objects.get(actor=identity, action="auth.social_account_disconnected")
    assert removed.data == {"provider": "google", "uid": "google-uid-1"}


def test_the_last_way_to_sign_in_cannot_be_disconnected(client, providers, platform_host):
    # given an identity made through Google: no password, one account
    providers.sign_in_as("google", **google_person())
    social_sign_in(client, providers, "google", host=platform_host)
    account = SocialAccount.objects.get(uid="google-uid-1")

    page = client.get(SECURITY, HTTP_HOST=platform_host).content.decode()
    response = client.post(
        f"/accounts/social/connections/{account.pk}/disconnect/",
        HTTP_HOST=platform_host,
        follow=True,
    )

    assert "Your only way to sign in" in page
    assert "only way to sign in: connect another one first" in response.content.decode()
    assert SocialAccount.objects.filter(pk=account.pk).exists()
    assert not AuditEvent.objects.filter(action="auth.social_account_disconnected").exists()


def test_with_two_accounts_one_can_go(client, providers, platform_host):
    providers.sign_in_as("google", **google_person())
    social_sign_in(client, providers, "google", host=platform_host)
    identity = signed_in_as(client)
    apple = SocialAccount.objects.create(user=identity, provider="apple", uid="apple-uid-9")

    client.post(f"/accounts/social/connections/{apple.pk}/disconnect/", HTTP_HOST=platform_host)

    assert not SocialAccount.objects.filter(pk=apple.pk).exists()
    assert SocialAccount.objects.filter(uid="google-uid-1").exists()


def test_someone_elses_account_cannot_be_disconnected(client, providers, platform_host, identity):
    other = IdentityFactory()
    account = SocialAccount.objects.create(user=other, provider="google", uid="google-uid-7")
    client.force_login(identity)

    response = client.post(
        f"/accounts/social/connections/{account.pk}/disconnect/", HTTP_HOST=platform_host
    )

    assert response.status_code == 404
    assert SocialAccount.objects.filter(pk=account.pk).exists()


# allauth's tables are public-schema only, and deleting people respects that.


def test_allauth_tables_exist_in_the_public_schema_only(alpha):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT table_schema FROM information_schema.tables"
            " WHERE table_name IN ('socialaccount_socialaccount', 'account_emailaddress')"
        )
        schemas = {row[0] for row in cursor.fetchall()}

    assert schemas == {"public"}
    assert alpha.schema_name not in schemas


def test_an_identity_with_social_rows_can_be_deleted_in_public(identity):
    SocialAccount.objects.create(user=identity, provider="google", uid="google-uid-1")
    EmailAddress.objects.create(user=identity, email=identity.email, verified=True, primary=True)

    identity.delete()

    assert not User.objects.filter(pk=identity.pk).exists()
    assert not SocialAccount.objects.filter(uid="google-uid-1").exists()
    assert not EmailAddress.objects.filter(email=identity.email).exists()


def test_deleting_a_tenant_user_leaves_public_social_rows_alone(alpha, identity):
    """search_path is "ws_alpha, public": allauth's public tables are visible from the
    workspace, and a customer sharing the identity's pk must not take them along."""
    account = SocialAccount.objects.create(user=identity, provider="google", uid="google-uid-1")
    with tenant_context(alpha):
        customer = IdentityFactory(email="same-pk@example.test")
        User.objects.filter(pk=customer.pk).update(id=identity.pk)
        customer = User.objects.get(email="same-pk@example.test")

        customer.delete()

        assert not User.objects.filter(email="same-pk@example.test").exists()
    assert SocialAccount.objects.filter(pk=account.pk, user=identity).exists()
