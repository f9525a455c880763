"""Audit rows for accounts connected through django-allauth.

allauth attaches a provider's account to an identity in two places of its own flows
(connecting from the security page, and our adapter's link by verified email); its
`social_account_added` signal is the one point both pass through.
"""

from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.signals import social_account_added
from django.dispatch import receiver

from shared_apps.platform.services import audit_record


@receiver(social_account_added, dispatch_uid="accounts.audit_social_account_added")
def _audit_social_account_added(sender, request, sociallogin, **kwargs):
    identity = sociallogin.user
    connected_by_identity = sociallogin.state.get("process") == AuthProcess.CONNECT
    audit_record(
        action="auth.social_account_connected",
        actor=identity,
        target=identity,
        data={
            "provider": sociallogin.account.provider,
            "uid": sociallogin.account.uid,
            # "connect": from the security page, signed in; "verified_email": a
            # sign-in whose provider vouched for the identity's address.
            "via": "connect" if connected_by_identity else "verified_email",
        },
        request=request,
    )
