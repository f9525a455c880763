"""allauth's social sign-in URLs, platform host only (config/urls_public.py mounts them
under /accounts/social/).

Only the provider flows (start, callback) and the pages they end on are routed.
allauth's own password sign-in, sign-up, reset and email pages are not: the names its
code reverses point at redirects to our pages instead, so a link to one of them lands
on ours. The providers' "login by token" endpoints (Google One Tap, Facebook's
JavaScript SDK) are left out too: nothing of ours uses them.
"""

from allauth.socialaccount import views as social_views
from allauth.socialaccount.providers.apple.provider import AppleProvider
from allauth.socialaccount.providers.apple.views import oauth2_finish_login
from allauth.socialaccount.providers.facebook.provider import FacebookProvider
from allauth.socialaccount.providers.google.provider import GoogleProvider
from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns
from django.urls import path
from django.views.generic import RedirectView

from shared_apps.accounts import views


def _to(pattern_name: str):
    return RedirectView.as_view(pattern_name=pattern_name, query_string=True)


urlpatterns = [
    # Each provider: login/ (a POST starts the flow) and login/callback/.
    *default_urlpatterns(GoogleProvider),
    *default_urlpatterns(FacebookProvider),
    *default_urlpatterns(AppleProvider),
    # Apple answers with a cross-site POST (no session cookie), which allauth turns
    # into a GET here.
    path(
        f"{AppleProvider.get_slug()}/login/callback/finish/",
        oauth2_finish_login,
        name="apple_finish_callback",
    ),
    path("login/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("login/error/", social_views.login_error, name="socialaccount_login_error"),
    path(
        "connections/<int:account_id>/disconnect/",
        views.social_disconnect,
        name="social_disconnect",
    ),
    # Names allauth reverses, pointed at our own pages.
    path("connections/", _to("mfa:security"), name="socialaccount_connections"),
    path("signup/", _to("accounts:sign_up"), name="socialaccount_signup"),
    path("sign-in/", _to("accounts:login"), name="account_login"),
    path("sign-up/", _to("accounts:sign_up"), name="account_signup"),
    path("email/", _to("mfa:security"), name="account_email"),
]
