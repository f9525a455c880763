"""django-allauth's hooks for social sign-in of platform identities.

allauth runs the OAuth flows (state, PKCE, token exchange, id_token checks) and calls
these adapters at the points where our rules differ from its defaults:

- **Linking.** A provider's answer signs in the identity with that email address only
  when the provider vouches for the address (Google and Apple say so per address;
  Facebook does not, so it never links). Otherwise the person is asked to sign in the
  usual way and connect the provider from the account security page.
- **Two-factor authentication.** An identity with an authenticator app goes through
  the same code step as after a password (shared_apps.mfa): no session until the code
  is right.
- **Audit.** Sign-ins, sign-ups and connections through a provider are recorded.

Only the platform host routes allauth's URLs (config/urls_public.py); the guard in
`pre_social_login` keeps it so should they ever be mounted elsewhere.
"""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_email
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django_tenants.utils import get_public_schema_name

from config.views import page_not_found
from shared_apps.accounts.selectors import user_get_by_email
from shared_apps.accounts.throttling import sign_in_succeeded
from shared_apps.mfa.pending import two_factor_pending_start
from shared_apps.mfa.selectors import identity_has_two_factor
from shared_apps.platform.services import audit_record, client_address

logger = logging.getLogger(__name__)

# The backend a social sign-in is recorded under. allauth's own backend is not
# installed: Django's authenticate() tries every backend, and allauth's reads
# account_emailaddress, which only the public schema has.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# Providers whose per-address "verified" claim is trusted to sign in to an existing
# identity with the same email. Facebook's answer has no such claim (allauth marks its
# addresses unverified too), so it is not listed: Facebook never links by email.
EMAIL_VERIFYING_PROVIDERS = frozenset({"google", "apple"})


def _refused(request: HttpRequest, *, provider, message: str, status: int):
    """A page saying why the provider's answer did not sign anyone in."""
    return render(
        request,
        "socialaccount/refused.html",
        {"provider": provider, "message": message},
        status=status,
    )


def _inactive(request: HttpRequest):
    return _refused(request, provider=None, message="This account cannot sign in.", status=403)


def _sociallogin(kwargs: dict):
    return (kwargs.get("signal_kwargs") or {}).get("sociallogin")


def _provider_data(sociallogin) -> dict:
    if sociallogin is None:
        return {}
    return {"provider": sociallogin.account.provider, "uid": sociallogin.account.uid}


class AccountAdapter(DefaultAccountAdapter):
    """The last steps of a sign-in allauth completes (only its social flows are
    routed): the code step when due, then the session, audited."""

    def pre_login(self, request, user, **kwargs):
        # allauth's checks first (an inactive account is turned away).
        response = super().pre_login(request, user, **kwargs)
        if response is not None or not identity_has_two_factor(identity=user):
            return response
        # The same half-way state a correct password leads to: the code step signs in.
        user.backend = MODEL_BACKEND
        two_factor_pending_start(
            request=request,
            user=user,
            redirect_to=kwargs.get("redirect_url") or resolve_url(settings.LOGIN_REDIRECT_URL),
        )
        audit_record(
            action="auth.social_sign_in_code_step",
            actor=user,
            target=user,
            data=_provider_data(_sociallogin(kwargs)),
            request=request,
        )
        return redirect("mfa:sign_in_verify")

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        # As after a password: a completed sign-in clears the account's failed attempts.
        sign_in_succeeded(email=user.email)
        audit_record(
            action="auth.social_signed_in",
            actor=user,
            target=user,
            data={
                **_provider_data(_sociallogin(kwargs)),
                "new_identity": bool(kwargs.get("signup")),
            },
            request=request,
        )
        return response

    def respond_user_inactive(self, request, user):
        # allauth would redirect to its own "inactive" page, which is not routed.
        return _inactive(request)

    def get_client_ip(self, request):
        # The address our audit trail and throttling use (TRUSTED_PROXY_COUNT aware).
        return client_address(request) or super().get_client_ip(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """What a provider's answer may do: which identity it signs in, or why none."""

    def list_apps(self, request, provider=None, client_id=None):
        # Settings (environment variables) are the one source of credentials. A
        # SocialApp row made in the admin would be a second app for the provider,
        # which allauth refuses (MultipleObjectsReturned), and a secret kept in clear.
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        return [app for app in apps if app.pk is None]

    def get_app(self, request, provider, client_id=None):
        # An unconfigured provider is a page that does not exist, not a server error.
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as exc:
            raise Http404("This sign-in provider is not available.") from exc

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # Emails are stored lower-cased, as our sign-up does (User's unique index is
        # on lower(email) and look-ups are case-insensitive).
        user_email(user, (user_email(user) or "").lower())
        return user

    def pre_social_login(self, request, sociallogin):
        if connection.schema_name != get_public_schema_name():
            raise ImmediateHttpResponse(page_not_found(request))
        # A known social account signs in its own identity; connecting (from the
        # security page) attaches it to whoever is signed in; "redirect" signs no one in.
        if sociallogin.is_existing or sociallogin.state.get("process") != AuthProcess.LOGIN:
            return
        provider = sociallogin.provider
        email = user_email(sociallogin.user)
        if not email:
            raise ImmediateHttpResponse(
                _refused(
                    request,
                    provider=provider,
                    message=f"{provider.name} did not share your email address with us. "
                    "Allow it to, or sign up with your email address instead.",
                    status=400,
                )
            )
        identity = user_get_by_email(email=email)
        if identity is None:
            return  # a new identity: allauth signs it up (save_user)
        if not identity.is_active:
            raise ImmediateHttpResponse(_inactive(request))
        if self._email_verified_by_provider(sociallogin, email):
            # Audited as a connection (shared_apps.accounts.signals); the sign-in
            # itself still goes through the code step if the identity has one.
            sociallogin.connect(request, identity)
            return
        raise ImmediateHttpResponse(
            _refused(
                request,
                provider=provider,
                message=f"An account with the email address {email} already exists. "
                "Sign in to it the way you usually do, then connect "
                f"{provider.name} on your account security page.",
                status=409,
            )
        )

    def _email_verified_by_provider(self, sociallogin, email: str) -> bool:
        if sociallogin.provider.id not in EMAIL_VERIFYING_PROVIDERS:
            return False
        return any(
            address.verified and (address.email or "").lower() == email
            for address in sociallogin.email_addresses
        )

    def save_user(self, request, sociallogin, form=None):
        # A new identity with an unusable password: it signs in through the provider
        # (or sets up another provider) until it has a password.
        user = super().save_user(request, sociallogin, form=form)
        audit_record(
            action="auth.social_signed_up",
            actor=user,
            target=user,
            data=_provider_data(sociallogin),
            request=request,
        )
        return user

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("mfa:security")

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        # Logged without the exception's text: it may quote a provider's response.
        logger.info(
            "Social sign-in with %s failed: %s (%s).",
            getattr(provider, "id", provider),
            error,
            type(exception).__name__ if exception else "no exception",
        )
