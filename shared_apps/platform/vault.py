"""The secret vault: third-party credentials encrypted at rest (Fernet, `cryptography`).

Keys come from the environment, never the database: `VAULT_KEYS` is a comma-separated
list of Fernet keys. The first one encrypts; every one of them decrypts (MultiFernet).
Rotating is therefore: put a new key first, deploy, run `manage.py vault_rotate` (which
re-encrypts every secret with it), then drop the old key. Generate a key with

    python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"

Code reads a secret with `secret_get("stripe_secret_key")`: the value, or None when it
is not stored (callers fall back to settings). Values are never logged, never rendered
and never put in audit rows: audits say which secret changed, by whom, from where.
"""

import hashlib
from datetime import timedelta
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.platform.errors import (
    SecretInvalidError,
    SecretUnreadableError,
    VaultNotConfiguredError,
)
from shared_apps.platform.models import Secret
from shared_apps.platform.services import audit_record

# last_used_at is touched at most once a minute per secret: a secret read on every
# request must not turn every request into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Shorter values get no hint at all: four characters of an eight-character password
# would give half of it away.
MASK_MIN_LENGTH = 12
MASK_VISIBLE_CHARS = 4

_GENERATE_HINT = (
    'Generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


def key_fingerprint(key: str) -> str:
    """A short, non-secret name for a key (shown in the admin, stored per secret)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


@lru_cache(maxsize=8)
def _keyring(keys: tuple[str, ...]) -> tuple[MultiFernet, str]:
    if not keys:
        raise VaultNotConfiguredError(
            "The secret vault has no key: set the VAULT_KEYS environment variable to one "
            "or more comma-separated Fernet keys (the first one encrypts). " + _GENERATE_HINT,
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except (ValueError, TypeError) as exc:
            # Never echo the value: it is (meant to be) a key.
            raise VaultNotConfiguredError(
                f"VAULT_KEYS entry {position} is not a Fernet key (32 url-safe "
                f"base64-encoded bytes). {_GENERATE_HINT}",
            ) from exc
    return MultiFernet(fernets), key_fingerprint(keys[0])


def _vault() -> tuple[MultiFernet, str]:
    """The key ring and the fingerprint of the key that encrypts; raises a clear
    VaultNotConfiguredError when VAULT_KEYS is missing or malformed."""
    return _keyring(tuple(getattr(settings, "VAULT_KEYS", None) or ()))


def vault_is_configured() -> bool:
    try:
        _vault()
    except VaultNotConfiguredError:
        return False
    return True


def primary_key_id() -> str:
    return _vault()[1]


def mask_hint(value: str) -> str:
    return value[-MASK_VISIBLE_CHARS:] if len(value) >= MASK_MIN_LENGTH else ""


def encrypt(value: str) -> tuple[str, str]:
    """A Fernet token of `value` under the current key, and that key's fingerprint."""
    ring, key_id = _vault()
    return ring.encrypt(value.encode()).decode(), key_id


def decrypt(token: str, *, name: str = "") -> str:
    ring, _ = _vault()
    try:
        return ring.decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadableError(
            f"The secret {name or '(unnamed)'} cannot be decrypted with any key in "
            "VAULT_KEYS. Was a key removed before `manage.py vault_rotate` re-encrypted "
            "every secret with the newer one?",
        ) from exc


def _touch_last_used(secret: Secret) -> None:
    now = timezone.now()
    # One conditional UPDATE: concurrent readers within the same minute write nothing.
    Secret.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION),
        pk=secret.pk,
    ).update(last_used_at=now)


def secret_get(name: str) -> str | None:
    """The decrypted value of the secret `name`, or None if none is stored.

    Raises VaultNotConfiguredError if a value is stored but VAULT_KEYS is missing, and
    SecretUnreadableError if no configured key opens it. Records the use (last_used_at).
    """
    secret = Secret.objects.filter(name=name).only("pk", "value_encrypted", "last_used_at").first()
    if secret is None:
        return None
    value = decrypt(secret.value_encrypted, name=name)
    _touch_last_used(secret)
    return value


def _validated_name(name: str) -> str:
    field = Secret._meta.get_field("name")
    try:
        field.run_validators(name)
        field.validate(name, None)
    except ValidationError as exc:
        raise SecretInvalidError(
            "; ".join(exc.messages), fields={"name": list(exc.messages)}
        ) from exc
    return name


@transaction.atomic
def secret_set(
    *,
    name: str,
    value: str,
    actor: User | None,
    request: HttpRequest | None = None,
    description: str | None = None,
) -> Secret:
    """Store (or replace) the secret `name`. Audited without the value."""
    name = _validated_name(name.strip())
    if not value:
        raise SecretInvalidError("Enter the secret's value.", fields={"value": ["Required."]})
    token, key_id = encrypt(value)
    secret = Secret.objects.select_for_update().filter(name=name).first()
    created = secret is None
    if created:
        secret = Secret(name=name, created_by=actor if _is_person(actor) else None)
    secret.value_encrypted = token
    secret.key_id = key_id
    secret.masked_hint = mask_hint(value)
    secret.updated_by = actor if _is_person(actor) else None
    if description is not None:
        secret.description = description
    if created:
        secret.save()
    else:
        fields = ["value_encrypted", "key_id", "masked_hint", "updated_by", "updated_at"]
        secret.save(update_fields=[*fields, *(["description"] if description is not None else [])])
    audit_record(
        action="console.secret_created" if created else "console.secret_replaced",
        actor=actor,
        target=secret,
        data={"name": name, "key_id": key_id},
        request=request,
    )
    return secret


@transaction.atomic
def secret_describe(
    *, secret: Secret, description: str, actor: User | None, request: HttpRequest | None = None
) -> Secret:
    """Change only a secret's description (the value stays as it is)."""
    if secret.description == description:
        return secret
    secret.description = description
    secret.updated_by = actor if _is_person(actor) else None
    secret.save(update_fields=["description", "updated_by", "updated_at"])
    audit_record(
        action="console.secret_described",
        actor=actor,
        target=secret,
        data={"name": secret.name},
        request=request,
    )
    return secret


@transaction.atomic
def secret_delete(*, name: str, actor: User | None, request: HttpRequest | None = None) -> bool:
    """Remove the secret `name`; False if there was none."""
    secret = Secret.objects.select_for_update().filter(name=name).first()
    if secret is None:
        return False
    audit_record(
        action="console.secret_deleted",
        actor=actor,
        target=secret,
        data={"name": name},
        request=request,
    )
    secret.delete()
    return True


@transaction.atomic
def vault_rotate(*, actor: User | None, request: HttpRequest | None = None) -> int:
    """Re-encrypt every secret with the first of VAULT_KEYS (MultiFernet.rotate keeps
    each value and its original timestamp). Returns how many were re-encrypted.

    All or nothing: if one token opens with no configured key, nothing is changed, so
    the old key can be put back and the rotation run again.
    """
    ring, key_id = _vault()
    now = timezone.now()
    rotated = []
    for secret in Secret.objects.select_for_update().order_by("pk"):
        try:
            secret.value_encrypted = ring.rotate(secret.value_encrypted.encode()).decode()
        except InvalidToken as exc:
            raise SecretUnreadableError(
                f"The secret {secret.name} opens with no key in VAULT_KEYS; nothing was "
                "rotated. Put the key it was made with back in VAULT_KEYS and run again.",
            ) from exc
        secret.key_id = key_id
        secret.rotated_at = now
        rotated.append(secret)
    Secret.objects.bulk_update(rotated, ["value_encrypted", "key_id", "rotated_at"])
    audit_record(
        action="console.vault_rotated",
        actor=actor,
        data={"secrets": len(rotated), "key_id": key_id},
        request=request,
    )
    return len(rotated)


def _is_person(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))
