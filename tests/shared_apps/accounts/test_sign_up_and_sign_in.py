"""Platform sign-up, sign-in and sign-out on the platform host."""

import pytest

from shared_apps.accounts.models import User

SIGN_UP = "/accounts/sign-up/"
SIGN_IN = "/accounts/sign-in/"


def sign_up_data(**overrides):
    data = {
        "first_name": "Nia",
        "last_name": "Ng",
        "email": "Nia@Example.test",
        "password": "a-long-unusual-passphrase",
        "password_confirm": "a-long-unusual-passphrase",
    }
    return data | overrides


def test_sign_up_creates_an_identity_signs_in_and_goes_to_create_workspace(
    client, db, platform_host
):
    response = client.post(SIGN_UP, sign_up_data(), HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"] == "/workspaces/new/"
    user = User.objects.get(email="nia@example.test")
    assert user.check_password("a-long-unusual-passphrase")
    assert user.identity_id is None
    assert client.get("/dashboard/", HTTP_HOST=platform_host).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"password_confirm": "something-else-entirely"}, "password_confirm"),
        ({"password": "short", "password_confirm": "short"}, "password"),
        ({"password": "12345678901", "password_confirm": "12345678901"}, "password"),
    ],
)
def test_sign_up_with_bad_input_is_a_400_with_the_field_error(
    client, db, platform_host, overrides, field
):
    response = client.post(SIGN_UP, sign_up_data(**overrides), HTTP_HOST=platform_host)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not User.objects.filter(email__iexact="nia@example.test").exists()


def test_sign_up_with_a_taken_email_in_any_case_is_refused(client, identity, platform_host):
    data = sign_up_data(email=identity.email.upper())

    response = client.post(SIGN_UP, data, HTTP_HOST=platform_host)

    assert response.status_code == 400
    assert "already exists" in str(response.context["form"].errors["email"])
    assert User.objects.filter(email__iexact=identity.email).count() == 1


def test_sign_in_and_sign_out(client, identity, password, platform_host):
    response = client.post(
        SIGN_IN, {"username": identity.email, "password": password}, HTTP_HOST=platform_host
    )
    assert response.status_code == 302
    assert client.get("/dashboard/", HTTP_HOST=platform_host).status_code == 200

    response = client.post("/accounts/sign-out/", HTTP_HOST=platform_host)

    assert response.status_code == 302
    dashboard = client.get("/dashboard/", HTTP_HOST=platform_host)
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith("/accounts/sign-in/")


def test_sign_in_is_case_insensitive_on_email(client, identity, password, platform_host):
    response = client.post(
        SIGN_IN,
        {"username": identity.email.upper(), "password": password},
        HTTP_HOST=platform_host,
    )

    assert response.status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"username": "person@example.test", "password": "wrong-password"},
        {"username": "", "password": ""},
        {"username": "not-an-email", "password": "x"},
    ],
)
def test_sign_in_with_bad_credentials_shows_an_error(client, identity, platform_host, data):
    response = client.post(SIGN_IN, data, HTTP_HOST=platform_host)

    assert response.status_code == 200  # Django's LoginView re-renders the form
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_sign_in_page_renders(client, db, platform_host):
    response = client.get(SIGN_IN, HTTP_HOST=platform_host)

    assert response.status_code == 200
    assert b'name="username"' in response.content
