"""Social sign-in (django-allauth) for platform identities: Google, Apple, Facebook.

Only the social half of allauth is used. Our own pages stay the sign-in, sign-up,
password and two-factor pages; allauth's URLs are mounted on the platform host only,
under /accounts/social/ (shared_apps/accounts/social_urls.py), and none of its password
pages is routed. A provider is offered only when its credentials are set: without
them it has no app, so allauth neither lists nor serves it.
"""

from config.settings.env import env_str

GOOGLE_CLIENT_ID = env_str("GOOGLE_CLIENT_ID", "")
GOOGLE_CLIENT_SECRET = env_str("GOOGLE_CLIENT_SECRET", "")
FACEBOOK_CLIENT_ID = env_str("FACEBOOK_CLIENT_ID", "")
FACEBOOK_CLIENT_SECRET = env_str("FACEBOOK_CLIENT_SECRET", "")
# Sign in with Apple: the Services ID, the team (App ID prefix), and the id and PEM
# text of the private key that signs the client secret (a short-lived ES256 JWT).
APPLE_CLIENT_ID = env_str("APPLE_CLIENT_ID", "")
APPLE_TEAM_ID = env_str("APPLE_TEAM_ID", "")
APPLE_KEY_ID = env_str("APPLE_KEY_ID", "")
# Environment files often hold a PEM on one line with literal "\n"s.
APPLE_PRIVATE_KEY = env_str("APPLE_PRIVATE_KEY", "").replace("\\n", "\n")

# Provider-level options are always present; "APPS" (the credentials) only for the
# providers that are configured. Credentials live in settings only, never in SocialApp
# rows (the adapter ignores those; see shared_apps/accounts/adapters.py).
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {
    "google": {
        "SCOPE": ["openid", "profile", "email"],
        "AUTH_PARAMS": {"access_type": "online", "prompt": "select_account"},
        "OAUTH_PKCE_ENABLED": True,
    },
    "apple": {"SCOPE": ["name", "email"]},
    "facebook": {"METHOD": "oauth2", "SCOPE": ["email", "public_profile"]},
}
if GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET:
    SOCIALACCOUNT_PROVIDERS["google"]["APPS"] = [
        {"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET}
    ]
if FACEBOOK_CLIENT_ID and FACEBOOK_CLIENT_SECRET:
    SOCIALACCOUNT_PROVIDERS["facebook"]["APPS"] = [
        {"client_id": FACEBOOK_CLIENT_ID, "secret": FACEBOOK_CLIENT_SECRET}
    ]
if APPLE_CLIENT_ID and APPLE_TEAM_ID and APPLE_KEY_ID and APPLE_PRIVATE_KEY:
    # allauth's names for Apple's values: `secret` is the key id (the JWT's `kid`),
    # `key` the team id (its `iss`), `certificate_key` the private key itself.
    SOCIALACCOUNT_PROVIDERS["apple"]["APPS"] = [
        {
            "client_id": APPLE_CLIENT_ID,
            "secret": APPLE_KEY_ID,
            "key": APPLE_TEAM_ID,
            "settings": {"certificate_key": APPLE_PRIVATE_KEY},
        }
    ]

ACCOUNT_ADAPTER = "shared_apps.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "shared_apps.accounts.adapters.SocialAccountAdapter"

# Email is the login; the User model has no username.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# The platform does not verify addresses at sign-up (neither does our own form), and
# allauth's verification pages are not served. Whether a provider vouches for an
# address decides linking instead (SocialAccountAdapter.pre_social_login).
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_EMAIL_NOTIFICATIONS = False
# Where a brand-new identity goes: creating its first workspace, as after our sign-up.
ACCOUNT_SIGNUP_REDIRECT_URL = "workspaces:create"

# Starting a flow is a POST (CSRF-protected); a GET shows a page with a button.
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_REQUIRED = True  # also asks the providers for the address
SOCIALACCOUNT_AUTO_SIGNUP = True
# Off: allauth's own email matching would wipe the password of an identity whose
# address has no verified EmailAddress row (none of ours has one). The adapter links
# by verified email itself.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
# Provider access tokens are not needed after sign-in; not keeping them is safer.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 5
