"""The secret vault: Fernet-encrypted at rest, masked, rotated, never shown again."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from shared_apps.platform.errors import (
    SecretInvalidError,
    SecretUnreadableError,
    VaultNotConfiguredError,
)
from shared_apps.platform.models import AuditEvent, Secret
from shared_apps.platform.vault import (
    key_fingerprint,
    secret_delete,
    secret_get,
    secret_set,
    vault_rotate,
)

STRIPE_KEY = "sk_test_51Hx9ExampleSecretValue0042"
KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def test_a_secret_is_stored_encrypted_and_read_back(db, identity):
    secret = secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=identity)

    stored = Secret.objects.get(pk=secret.pk)
    assert STRIPE_KEY not in stored.value_encrypted
    assert stored.value_encrypted.startswith("gAAAA")  # a Fernet token
    assert secret_get("stripe_secret_key") == STRIPE_KEY


def test_a_secret_shows_only_its_last_four_characters(db, identity):
    secret = secret_set(name="openai_api_key", value="sk-proj-abcdefgh1234WXYZ", actor=identity)

    assert secret.masked_hint == "WXYZ"
    assert secret.masked == "••••WXYZ"


def test_a_short_secret_shows_no_characters_at_all(db, identity):
    secret = secret_set(name="smtp_password", value="hunter22", actor=identity)

    assert secret.masked_hint == ""
    assert "hunter" not in secret.masked and "22" not in secret.masked


def test_an_unknown_secret_is_none(db):
    assert secret_get("nothing_here") is None


def test_reading_a_secret_records_its_use_at_most_once_a_minute(db, identity):
    secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=identity)

    secret_get("stripe_secret_key")
    first = Secret.objects.get(name="stripe_secret_key").last_used_at
    assert first is not None

    # a read within the minute writes nothing
    recent = timezone.now() - timedelta(seconds=30)
    Secret.objects.filter(name="stripe_secret_key").update(last_used_at=recent)
    secret_get("stripe_secret_key")
    assert Secret.objects.get(name="stripe_secret_key").last_used_at == recent

    # a read after it does
    older = timezone.now() - timedelta(minutes=2)
    Secret.objects.filter(name="stripe_secret_key").update(last_used_at=older)
    secret_get("stripe_secret_key")
    assert Secret.objects.get(name="stripe_secret_key").last_used_at > older


def test_a_read_within_the_minute_costs_one_query(db, identity, django_assert_num_queries):
    secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=identity)
    secret_get("stripe_secret_key")

    with django_assert_num_queries(2):  # the read, and the conditional update (no row)
        assert secret_get("stripe_secret_key") == STRIPE_KEY


def test_setting_again_replaces_the_value_and_audits_without_it(db, identity):
    secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=identity)
    secret_set(name="stripe_secret_key", value="sk_test_ReplacementValue9876", actor=identity)

    assert secret_get("stripe_secret_key") == "sk_test_ReplacementValue9876"
    assert Secret.objects.count() == 1
    events = AuditEvent.objects.filter(action__startswith="console.secret_").order_by("occurred_at")
    assert [e.action for e in events] == ["console.secret_created", "console.secret_replaced"]
    for event in events:
        assert event.actor == identity
        assert STRIPE_KEY not in str(event.data)
        assert "9876" not in str(event.data)


def test_names_must_look_like_setting_names(db, identity):
    with pytest.raises(SecretInvalidError):
        secret_set(name="Stripe Key!", value=STRIPE_KEY, actor=identity)
    with pytest.raises(SecretInvalidError):
        secret_set(name="stripe_secret_key", value="", actor=identity)

    assert not Secret.objects.exists()


def test_deleting_a_secret_is_audited(db, identity):
    secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=identity)

    assert secret_delete(name="stripe_secret_key", actor=identity) is True

    assert secret_get("stripe_secret_key") is None
    assert AuditEvent.objects.filter(action="console.secret_deleted").count() == 1
    assert secret_delete(name="stripe_secret_key", actor=identity) is False


def test_without_vault_keys_nothing_can_be_stored(db, identity):
    with override_settings(VAULT_KEYS=[]), pytest.raises(VaultNotConfiguredError) as error:
        secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=identity)

    assert "VAULT_KEYS" in error.value.message
    assert "Fernet.generate_key()" in error.value.message
    assert isinstance(error.value, ImproperlyConfigured)
    assert not Secret.objects.exists()


def test_without_vault_keys_a_stored_secret_is_a_clear_error(db, identity):
    secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=identity)

    with override_settings(VAULT_KEYS=[]), pytest.raises(VaultNotConfiguredError):
        secret_get("stripe_secret_key")


def test_without_vault_keys_a_missing_secret_is_still_just_none(db):
    # Callers fall back to settings (STRIPE_SECRET_KEY) when the vault holds nothing.
    with override_settings(VAULT_KEYS=[]):
        assert secret_get("stripe_secret_key") is None


def test_a_malformed_key_is_named_by_position_never_echoed(db, identity):
    with (
        override_settings(VAULT_KEYS=[KEY_A, "not-a-key-at-all"]),
        pytest.raises(VaultNotConfiguredError) as error,
    ):
        secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=identity)

    assert "entry 2" in error.value.message
    assert "not-a-key-at-all" not in error.value.message


def test_rotation_re_encrypts_every_secret_with_the_newest_key(db, identity):
    # given secrets made with key A
    with override_settings(VAULT_KEYS=[KEY_A]):
        secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=identity)
        secret_set(name="smtp_password", value="hunter22", actor=identity)
    old_tokens = dict(Secret.objects.values_list("name", "value_encrypted"))

    # when key B is put first, A still opens them (before rotation)
    with override_settings(VAULT_KEYS=[KEY_B, KEY_A]):
        assert secret_get("stripe_secret_key") == STRIPE_KEY
        assert set(Secret.objects.values_list("key_id", flat=True)) == {key_fingerprint(KEY_A)}

        # and the rotation runs
        assert vault_rotate(actor=identity) == 2

    # then every secret is on B, with a new token, and A is no longer needed
    for secret in Secret.objects.all():
        assert secret.key_id == key_fingerprint(KEY_B)
        assert secret.value_encrypted != old_tokens[secret.name]
        assert secret.rotated_at is not None
    with override_settings(VAULT_KEYS=[KEY_B]):
        assert secret_get("stripe_secret_key") == STRIPE_KEY
        assert secret_get("smtp_password") == "hunter22"
    with override_settings(VAULT_KEYS=[KEY_A]), pytest.raises(SecretUnreadableError):
        secret_get("stripe_secret_key")
    event = AuditEvent.objects.get(action="console.vault_rotated")
    assert event.data == {"secrets": 2, "key_id": key_fingerprint(KEY_B)}


def test_rotation_changes_nothing_when_one_secret_opens_with_no_key(db, identity):
    with override_settings(VAULT_KEYS=[KEY_A]):
        secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=identity)
    with override_settings(VAULT_KEYS=[KEY_B]):
        secret_set(name="smtp_password", value="hunter22", actor=identity)
    before = dict(Secret.objects.values_list("name", "value_encrypted"))

    # key A was dropped before rotating: the Stripe key cannot be opened
    with override_settings(VAULT_KEYS=[KEY_B]), pytest.raises(SecretUnreadableError) as error:
        vault_rotate(actor=identity)

    assert "stripe_secret_key" in error.value.message
    assert dict(Secret.objects.values_list("name", "value_encrypted")) == before


def test_the_vault_rotate_command(db, platform_owner, capsys):
    with override_settings(VAULT_KEYS=[KEY_A]):
        secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=platform_owner)

    with override_settings(VAULT_KEYS=[KEY_B, KEY_A]):
        call_command("vault_rotate", actor=platform_owner.email)
        assert secret_get("stripe_secret_key") == STRIPE_KEY

    assert "Re-encrypted 1 secret(s)" in capsys.readouterr().out
    assert Secret.objects.get().key_id == key_fingerprint(KEY_B)
    assert AuditEvent.objects.get(action="console.vault_rotated").actor == platform_owner


# The console pages -----------------------------------------------------------------------


def test_the_console_stores_a_secret_and_never_shows_it_again(console):
    response = console.post(
        "/admin/platform/secret/add/",
        {"name": "stripe_secret_key", "description": "Live key", "value": STRIPE_KEY},
        follow=True,
    )

    assert response.status_code == 200
    secret = Secret.objects.get(name="stripe_secret_key")
    assert secret_get("stripe_secret_key") == STRIPE_KEY
    for url in (
        "/admin/platform/secret/",
        f"/admin/platform/secret/{secret.pk}/change/",
        f"/admin/platform/secret/{secret.pk}/history/",
        "/admin/platform/auditevent/",
    ):
        html = console.get(url).content.decode()
        assert STRIPE_KEY not in html, url
        assert secret.value_encrypted not in html, url
    change = console.get(f"/admin/platform/secret/{secret.pk}/change/").content.decode()
    assert "••••0042" in change
    event = AuditEvent.objects.get(action="console.secret_created")
    assert event.ip_address == "203.0.113.7"
    assert event.user_agent == "console-test"


def test_a_form_with_an_error_does_not_echo_the_value(console):
    response = console.post(
        "/admin/platform/secret/add/",
        {"name": "Not A Name", "description": "", "value": STRIPE_KEY},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert STRIPE_KEY not in response.content.decode()
    assert not Secret.objects.exists()


def test_the_console_replaces_a_value_or_keeps_it(console, platform_owner):
    secret = secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=platform_owner)
    url = f"/admin/platform/secret/{secret.pk}/change/"

    # an empty "replace with" keeps the value and changes only the description
    console.post(url, {"description": "Test mode", "value": ""})
    assert secret_get("stripe_secret_key") == STRIPE_KEY
    assert Secret.objects.get().description == "Test mode"

    # a new value replaces it
    console.post(url, {"description": "Test mode", "value": "sk_test_NewValue00001111"})
    assert secret_get("stripe_secret_key") == "sk_test_NewValue00001111"
    assert Secret.objects.get().masked_hint == "1111"
    actions = list(
        AuditEvent.objects.filter(action__startswith="console.secret_")
        .order_by("occurred_at")
        .values_list("action", flat=True)
    )
    assert actions == [
        "console.secret_created",
        "console.secret_described",
        "console.secret_replaced",
    ]


def test_the_console_refuses_to_store_without_vault_keys(console):
    with override_settings(VAULT_KEYS=[]):
        response = console.post(
            "/admin/platform/secret/add/", {"name": "stripe_secret_key", "value": STRIPE_KEY}
        )
        listing = console.get("/admin/platform/secret/").content.decode()

    assert response.status_code == 200
    assert "VAULT_KEYS" in response.content.decode()
    assert not Secret.objects.exists()
    assert "The vault has no key" in listing


def test_the_console_deletes_a_secret_with_an_audit_row(console, platform_owner):
    secret = secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=platform_owner)

    console.post(f"/admin/platform/secret/{secret.pk}/delete/", {"post": "yes"})

    assert not Secret.objects.exists()
    assert AuditEvent.objects.get(action="console.secret_deleted").actor == platform_owner


def test_the_console_re_encrypts_with_the_newest_key(console, platform_owner):
    with override_settings(VAULT_KEYS=[KEY_A]):
        secret_set(name="stripe_secret_key", value=STRIPE_KEY, actor=platform_owner)

    with override_settings(VAULT_KEYS=[KEY_B, KEY_A]):
        listing = console.get("/admin/platform/secret/").content.decode()
        assert "older key" in listing
        assert console.get("/admin/platform/secret/rotate/").status_code == 405
        response = console.post("/admin/platform/secret/rotate/")

    assert response.status_code == 302
    assert Secret.objects.get().key_id == key_fingerprint(KEY_B)
    assert AuditEvent.objects.get(action="console.vault_rotated").ip_address == "203.0.113.7"
