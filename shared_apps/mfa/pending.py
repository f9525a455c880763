"""The half-way state of a two-factor sign-in: the password was right, a code is due.

Kept in the (still anonymous) session as a short-lived marker: who, until when, with
which authentication backend, and where to go afterwards. The marker also carries the
identity's session hash, so a password change or "sign out everywhere" in the
meantime voids it, like any other session.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

SESSION_KEY = "mfa_pending_sign_in"


@dataclass(frozen=True)
class PendingSignIn:
    user: object
    backend: str
    redirect_to: str


def two_factor_pending_start(*, request: HttpRequest, user, redirect_to: str) -> None:
    # A new session key: the marker proves a password was typed, so it must not sit
    # in a session whose key someone else could have planted (session fixation).
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "hash": user.get_session_auth_hash(),
        "expires_at": int(time.time()) + settings.TWO_FACTOR_PENDING_SECONDS,
        "redirect_to": redirect_to,
    }


def two_factor_pending_get(*, request: HttpRequest) -> PendingSignIn | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    if data.get("expires_at", 0) < time.time() or data.get("backend") not in (
        settings.AUTHENTICATION_BACKENDS
    ):
        two_factor_pending_clear(request=request)
        return None
    user = get_user_model().objects.filter(pk=data.get("user_id"), is_active=True).first()
    if user is None or not constant_time_compare(
        data.get("hash", ""), user.get_session_auth_hash()
    ):
        two_factor_pending_clear(request=request)
        return None
    return PendingSignIn(user=user, backend=data["backend"], redirect_to=data["redirect_to"])


def two_factor_pending_clear(*, request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
