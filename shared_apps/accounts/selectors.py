from dataclasses import dataclass

from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialAccount
from django.db.models import QuerySet
from django.http import HttpRequest

from config.errors import NotFoundError
from shared_apps.accounts.models import User


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=(email or "").strip()).first()


# Social sign-in (platform identities only; see config/settings/allauth.py).


@dataclass(frozen=True)
class SocialProviderChoice:
    id: str
    name: str
    # Where a POST starts the provider's flow (allauth's login view; CSRF-protected).
    login_url: str


def social_providers_for_request(*, request: HttpRequest) -> list[SocialProviderChoice]:
    """The providers offered on this host: those configured in settings, on the
    platform's own hosts only. A workspace's customers never see them, and neither its
    host nor an agency's routes allauth's URLs."""
    if getattr(request, "workspace", None) is not None or getattr(request, "agency", None):
        return []
    return [
        SocialProviderChoice(id=p.id, name=p.name, login_url=p.get_login_url(request))
        for p in get_social_adapter(request).list_providers(request)
    ]


def social_accounts_for_identity(*, identity: User) -> QuerySet[SocialAccount]:
    return SocialAccount.objects.filter(user=identity).order_by("provider", "date_joined")


def social_account_get_for_identity(*, identity: User, account_id: int) -> SocialAccount:
    """One of the identity's own connected accounts; anyone else's is "not found"."""
    account = social_accounts_for_identity(identity=identity).filter(pk=account_id).first()
    if account is None:
        raise NotFoundError("No such connected account.")
    return account


def social_account_can_disconnect(*, identity: User, account: SocialAccount) -> bool:
    """Whether the identity could still sign in without this account: with a password,
    or with another connected account."""
    if identity.has_usable_password():
        return True
    return social_accounts_for_identity(identity=identity).exclude(pk=account.pk).exists()
