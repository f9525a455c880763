"""Template tags for social sign-in: which providers to offer, and an identity's
connected accounts. Both answer nothing on a workspace host."""

from django import template

from shared_apps.accounts.selectors import (
    social_account_can_disconnect,
    social_accounts_for_identity,
    social_providers_for_request,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def social_providers(context) -> list:
    """`{% social_providers as providers %}`: the configured providers, platform host only."""
    request = context.get("request")
    return social_providers_for_request(request=request) if request is not None else []


@register.simple_tag(takes_context=True)
def social_connections(context) -> list[dict]:
    """`{% social_connections as connections %}`: one row per configured provider, with
    the signed-in identity's accounts there and whether each can be disconnected."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    providers = social_providers_for_request(request=request)
    if not providers:
        return []
    identity = request.user
    accounts = list(social_accounts_for_identity(identity=identity))
    return [
        {
            "provider": provider,
            "accounts": [
                {
                    "account": account,
                    # The provider's own name for it (an email address, a name).
                    "label": _label(account, request),
                    "can_disconnect": social_account_can_disconnect(
                        identity=identity, account=account
                    ),
                }
                for account in accounts
                if account.provider == provider.id
            ],
        }
        for provider in providers
    ]


def _label(account, request) -> str:
    account.get_provider(request)  # the configured provider, cached on the account
    return str(account.get_provider_account())
