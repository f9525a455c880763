"""Sealing TOTP secrets at rest, and keyed digests of recovery codes.

A TOTP secret is a shared key: whoever reads it can make valid codes forever. It is
therefore stored sealed with a key the database does not hold (derived from Django's
SECRET_KEY), so a leaked backup or a read-only SQL injection does not hand out second
factors.

The sealing is encrypt-then-MAC with HMAC-SHA256 as the only primitive, because this
project pins no cipher library (`cryptography` is not a dependency and Python's
standard library has no block cipher):

- keystream: HMAC-SHA256(k_enc, nonce || counter) blocks, XORed with the plaintext
  (counter mode over a pseudo-random function; a fresh 128-bit random nonce per seal);
- tag: HMAC-SHA256(k_mac, version || nonce || ciphertext), checked in constant time
  before anything is decrypted;
- k_enc and k_mac are derived separately from the key with Django's salted_hmac.

Key rotation follows Django's: SECRET_KEY seals, SECRET_KEY_FALLBACKS still open, and
`open_sealed` says when a value was opened with a fallback so the caller can re-seal
it. When `cryptography` becomes a dependency, Fernet can replace this behind the same
two functions (a new version prefix keeps old values readable).

Recovery codes are random (about 59 bits each), so a keyed HMAC is enough to store
them: without the key a leaked digest cannot even be brute-forced offline.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

_VERSION = b"v1"
_PREFIX = "v1$"
_NONCE_BYTES = 16
_TAG_BYTES = 32
_BLOCK = hashlib.sha256().digest_size


class SealedValueInvalid(Exception):
    """The value was tampered with, or sealed with a key that is no longer configured."""


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _derive(purpose: str, secret: str) -> bytes:
    return salted_hmac(f"shared_apps.mfa.crypto.{purpose}", b"", secret=secret).digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (length + _BLOCK - 1) // _BLOCK
    return b"".join(
        hmac.new(key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest()
        for counter in range(blocks)
    )[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _tag(key: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    return hmac.new(key, _VERSION + nonce + ciphertext, hashlib.sha256).digest()


def seal(plaintext: str) -> str:
    secret = _secrets()[0]
    nonce = secrets.token_bytes(_NONCE_BYTES)
    data = plaintext.encode()
    ciphertext = _xor(data, _keystream(_derive("seal.encrypt", secret), nonce, len(data)))
    tag = _tag(_derive("seal.authenticate", secret), nonce, ciphertext)
    return _PREFIX + base64.urlsafe_b64encode(nonce + ciphertext + tag).decode()


def open_sealed(sealed: str) -> tuple[str, bool]:
    """The plaintext, and whether it was sealed with a fallback key (re-seal it)."""
    if not sealed.startswith(_PREFIX):
        raise SealedValueInvalid("Unknown format.")
    try:
        raw = base64.urlsafe_b64decode(sealed[len(_PREFIX) :].encode())
    except ValueError as exc:
        raise SealedValueInvalid("Not base64.") from exc
    if len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise SealedValueInvalid("Too short.")
    nonce, ciphertext, tag = (
        raw[:_NONCE_BYTES],
        raw[_NONCE_BYTES:-_TAG_BYTES],
        raw[-_TAG_BYTES:],
    )
    for index, secret in enumerate(_secrets()):
        expected = _tag(_derive("seal.authenticate", secret), nonce, ciphertext)
        if hmac.compare_digest(expected, tag):
            stream = _keystream(_derive("seal.encrypt", secret), nonce, len(ciphertext))
            return _xor(ciphertext, stream).decode(), index > 0
    raise SealedValueInvalid("The value does not authenticate with any configured key.")


def code_digest(code: str, *, secret: str | None = None) -> str:
    """Keyed digest of a (normalised) recovery code."""
    key = _derive("recovery-code", secret if secret is not None else _secrets()[0])
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def code_digests(code: str) -> list[str]:
    """The code's digest under the current key and under every fallback key."""
    return [code_digest(code, secret=secret) for secret in _secrets()]
