"""A fake of Google's, Apple's and Facebook's OAuth endpoints, served over real HTTP on
loopback, so that django-allauth's own provider code runs unchanged against it.

What it serves, per provider, is what allauth calls (or sends the browser to):

- Google: `/google/authorize`; `POST /google/token` (PKCE checked); `/google/userinfo`
  and `/google/certs` (X.509 PEM).
- Apple: `/apple/authorize`; `POST /apple/token` (the client secret, an ES256 JWT,
  checked); `/apple/keys` (JWKS).
- Facebook: `/facebook/dialog/oauth`; `GET /facebook/graph/oauth/access_token`;
  `/facebook/graph/me` (appsecret_proof checked).

A test says who consents next (`sign_in_as`). The browser's trip to the provider is
driven by the test: it reads the authorize URL allauth redirected to, asks this server
for it, and gets a redirect back to allauth's callback with a single-use `code` and
the `state` it was given. Apple answers with a form POST in real life; here the test
POSTs the same fields to allauth's callback itself.

ID tokens are signed with an RSA key made for the run (RS256), whose public half the
certs and JWKS endpoints publish. Every code is bound to the client, the callback URL
and the PKCE challenge it was issued for, and works once.
"""

import base64
import datetime
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

KEY_ID = "fake-signing-key"
GOOGLE_ISSUER = "https://accounts.google.com"
APPLE_ISSUER = "https://appleid.apple.com"


@cache
def _signing_key() -> rsa.RSAPrivateKey:
    # One key per test run: generating RSA keys is the slow part of this fake.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate_pem(key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-oauth-provider")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


@dataclass
class Client:
    client_id: str
    secret: str = ""
    # Apple: the client secret is a JWT signed with this key's private half.
    team_id: str = ""
    key_id: str = ""
    public_key: object = None


@dataclass
class Grant:
    provider: str
    client_id: str
    redirect_uri: str
    profile: dict
    code_challenge: str = ""


@dataclass
class FakeOAuthProvider:
    clients: dict[str, Client] = field(default_factory=dict)
    # The profile of whoever consents next, per provider (set by `sign_in_as`).
    next_profile: dict[str, dict] = field(default_factory=dict)
    # Every request served: (method, path), for tests that check what was (not) asked.
    calls: list[tuple[str, str]] = field(default_factory=list)
    _codes: dict[str, Grant] = field(default_factory=dict)
    _tokens: dict[str, Grant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # Lifecycle.

    def start(self) -> "FakeOAuthProvider":
        handler = type("Handler", (_Handler,), {"fake": self})
        # Port 0: the system picks a free port.
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # What tests say and ask.

    def sign_in_as(self, provider: str, **profile) -> None:
        self.next_profile[provider] = profile

    def token_calls(self) -> list[str]:
        return [path for _, path in self.calls if "token" in path]

    # Endpoint logic (called from the handler thread).

    def authorize(self, provider: str, query: dict) -> tuple[int, dict]:
        client = self.clients.get(provider)
        if client is None or query.get("client_id") != client.client_id:
            return 400, {"error": "invalid_client"}
        if not query.get("redirect_uri") or not query.get("state"):
            return 400, {"error": "invalid_request"}
        if query.get("code_challenge") and query.get("code_challenge_method") != "S256":
            return 400, {"error": "invalid_request", "error_description": "S256 only"}
        profile = self.next_profile.get(provider)
        if profile is None:
            # Nobody to sign in: the person cancelled on the provider's page.
            location = _with_query(
                query["redirect_uri"], error="access_denied", state=query["state"]
            )
            return 302, {"Location": location}
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = Grant(
                provider=provider,
                client_id=client.client_id,
                redirect_uri=query["redirect_uri"],
                profile=dict(profile),
                code_challenge=query.get("code_challenge", ""),
            )
        location = _with_query(query["redirect_uri"], code=code, state=query["state"])
        return 302, {"Location": location}

    def exchange(self, provider: str, params: dict) -> tuple[int, dict]:
        with self._lock:
            grant = self._codes.pop(params.get("code", ""), None)  # single use
        if grant is None or grant.provider != provider:
            return 400, {"error": "invalid_grant"}
        client = self.clients[provider]
        if params.get("client_id") != client.client_id or not self._client_secret_ok(
            provider, client, params.get("client_secret", "")
        ):
            return 401, {"error": "invalid_client"}
        if params.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        if grant.code_challenge and not _pkce_ok(
            params.get("code_verifier", ""), grant.code_challenge
        ):
            return 400, {"error": "invalid_grant", "error_description": "code_verifier"}
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[access_token] = grant
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 3600}
        if provider == "google":
            body["id_token"] = self._id_token(GOOGLE_ISSUER, grant)
            body["scope"] = "openid email profile"
        elif provider == "apple":
            body["id_token"] = self._id_token(APPLE_ISSUER, grant)
            body["refresh_token"] = secrets.token_urlsafe(24)
        return 200, body

    def profile_for(self, provider: str, access_token: str) -> dict | None:
        with self._lock:
            grant = self._tokens.get(access_token)
        if grant is None or grant.provider != provider:
            return None
        return grant.profile

    def facebook_proof_ok(self, access_token: str, proof: str) -> bool:
        secret = self.clients["facebook"].secret.encode()
        expected = hmac.new(secret, access_token.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, proof)

    def certificates(self) -> dict:
        return {KEY_ID: _certificate_pem(_signing_key())}

    def jwks(self) -> dict:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(_signing_key().public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}

    def _client_secret_ok(self, provider: str, client: Client, secret: str) -> bool:
        if provider != "apple":
            return hmac.compare_digest(secret, client.secret)
        # Apple's client secret: an ES256 JWT from the team, about this client, signed
        # with the key whose id is in its header.
        try:
            if jwt.get_unverified_header(secret).get("kid") != client.key_id:
                return False
            claims = jwt.decode(
                secret,
                client.public_key,
                algorithms=["ES256"],
                audience=APPLE_ISSUER,
                issuer=client.team_id,
            )
        except jwt.PyJWTError:
            return False
        return claims.get("sub") == client.client_id

    def _id_token(self, issuer: str, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            **grant.profile,
            "iss": issuer,
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 600,
        }
        return jwt.encode(claims, _signing_key(), algorithm="RS256", headers={"kid": KEY_ID})


def _pkce_ok(verifier: str, challenge: str) -> bool:
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return bool(verifier) and hmac.compare_digest(expected, challenge)


def _with_query(url: str, **params) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOAuthProvider  # set on the subclass made by FakeOAuthProvider.start

    def do_GET(self):  # http.server's naming
        self._dispatch("GET", parse_qs(urlsplit(self.path).query))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        self._dispatch("POST", parse_qs(body))

    def _dispatch(self, method: str, raw: dict) -> None:
        fake = self.fake
        path = urlsplit(self.path).path
        fake.calls.append((method, path))
        params = {key: values[-1] for key, values in raw.items()}
        routes = {
            ("GET", "/google/authorize"): lambda: fake.authorize("google", params),
            ("POST", "/google/token"): lambda: fake.exchange("google", params),
            ("GET", "/google/userinfo"): lambda: self._profile("google", self._bearer()),
            ("GET", "/google/certs"): lambda: (200, fake.certificates()),
            ("GET", "/apple/authorize"): lambda: fake.authorize("apple", params),
            ("POST", "/apple/token"): lambda: fake.exchange("apple", params),
            ("GET", "/apple/keys"): lambda: (200, fake.jwks()),
            ("GET", "/facebook/dialog/oauth"): lambda: fake.authorize("facebook", params),
            ("GET", "/facebook/graph/oauth/access_token"): lambda: fake.exchange(
                "facebook", params
            ),
            ("GET", "/facebook/graph/me"): lambda: self._facebook_me(params),
        }
        route = routes.get((method, path))
        status, body = route() if route else (404, {"error": "not_found"})
        if status == 302:
            self.send_response(302)
            self.send_header("Location", body["Location"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _bearer(self) -> str:
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        return token if scheme.lower() == "bearer" else ""

    def _profile(self, provider: str, access_token: str) -> tuple[int, dict]:
        profile = self.fake.profile_for(provider, access_token)
        return (200, profile) if profile is not None else (401, {"error": "invalid_token"})

    def _facebook_me(self, params: dict) -> tuple[int, dict]:
        token = params.get("access_token", "")
        if not self.fake.facebook_proof_ok(token, params.get("appsecret_proof", "")):
            return 400, {"error": {"message": "Invalid appsecret_proof", "code": 100}}
        status, profile = self._profile("facebook", token)
        if status != 200:
            return status, profile
        fields = set(params.get("fields", "").split(","))
        return 200, {key: value for key, value in profile.items() if key in fields}

    def log_message(self, format, *args):  # quiet: pytest shows failures, not traffic
        pass


def point_allauth_at(fake: FakeOAuthProvider, monkeypatch) -> None:
    """Send allauth's real provider code to the fake instead of the real endpoints.

    allauth reads these URLs into class attributes and module constants when its
    provider modules are imported (at start-up), so they are patched there.
    """
    from allauth.socialaccount.providers.apple.views import AppleOAuth2Adapter
    from allauth.socialaccount.providers.facebook import flows as facebook_flows
    from allauth.socialaccount.providers.facebook.views import FacebookOAuth2Adapter
    from allauth.socialaccount.providers.google import views as google_views
    from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter

    base = fake.base_url
    monkeypatch.setattr(GoogleOAuth2Adapter, "authorize_url", f"{base}/google/authorize")
    monkeypatch.setattr(GoogleOAuth2Adapter, "access_token_url", f"{base}/google/token")
    monkeypatch.setattr(GoogleOAuth2Adapter, "identity_url", f"{base}/google/userinfo")
    monkeypatch.setattr(google_views, "CERTS_URL", f"{base}/google/certs")
    monkeypatch.setattr(AppleOAuth2Adapter, "authorize_url", f"{base}/apple/authorize")
    monkeypatch.setattr(AppleOAuth2Adapter, "access_token_url", f"{base}/apple/token")
    monkeypatch.setattr(AppleOAuth2Adapter, "public_key_url", f"{base}/apple/keys")
    monkeypatch.setattr(FacebookOAuth2Adapter, "authorize_url", f"{base}/facebook/dialog/oauth")
    monkeypatch.setattr(
        FacebookOAuth2Adapter, "access_token_url", f"{base}/facebook/graph/oauth/access_token"
    )
    monkeypatch.setattr(facebook_flows, "GRAPH_API_URL", f"{base}/facebook/graph")
