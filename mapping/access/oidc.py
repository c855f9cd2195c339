"""Signing in with the organisation's identity provider: OpenID Connect's authorization code
flow with PKCE, through mozilla-django-oidc (a small, well-kept library that does only this,
with state, nonce and PKCE kept in the session; django-allauth would bring accounts, email
confirmation and a dozen providers Weave does not need).

Configured from the environment (WEAVE_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _BUTTON): the
provider's endpoints and keys are read from its discovery document when someone signs in,
never at start-up, so a provider that is down stops nobody signing in with a password. On
top of the library: the ID token's issuer, audience, expiry and issue time are checked (the
library checks only the signature and nonce); an email is required; accounts are made on
first sign-in; and with WEAVE_OIDC_ROLES_CLAIM the site-wide role follows the provider's
groups at every sign-in (WEAVE_OIDC_ROLE_MAP), so that someone removed from a group loses
the role the next time they sign in.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from mapping.access.logins import account_name
from mapping.access.people import NO_ROLE, change_role, free_username
from mapping.core import environment

logger = logging.getLogger("weave.logins")
DISCOVERY_SECONDS = 3600
RANKED = list(environment.SITE_ROLES)


class ProviderDown(Exception):
    """The identity provider did not answer, or not as a provider should."""


class SignInRefused(Exception):
    """The provider answered, but Weave cannot sign this person in: the reason, in words."""


def enabled() -> bool:
    return bool(settings.WEAVE_OIDC_ISSUER)


def discovery() -> dict:
    """The provider's discovery document, read once an hour."""
    issuer = settings.WEAVE_OIDC_ISSUER
    key = f"weave:oidc-discovery:{issuer}"
    found = cache.get(key)
    if found is None:
        try:
            response = requests.get(f"{issuer}/.well-known/openid-configuration",
                                    timeout=settings.OIDC_TIMEOUT)  # fmt: skip
            response.raise_for_status()
            found = response.json()
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(found.get(name), str):
                    raise ValueError(f"no {name}")
        except (requests.RequestException, ValueError) as error:
            logger.warning("The identity provider at %s cannot be reached: %s", issuer, error)
            raise ProviderDown from error
        cache.set(key, found, DISCOVERY_SECONDS)
    return found


def audience() -> str:
    """Whom the provider's ID tokens must be for: this site's client."""
    return settings.OIDC_RP_CLIENT_ID


def role_map() -> dict[str, str]:
    """WEAVE_OIDC_ROLE_MAP, "group=role,group=role", as a dict (read once at start-up, so
    that a pair that cannot be read stops it: mapping/core/environment.py)."""
    return environment.role_map(settings.WEAVE_OIDC_ROLE_MAP)


def role_from(claims: dict) -> str | None:
    """The highest role the provider's groups give, or None when the claims give none."""
    groups = claims.get(settings.WEAVE_OIDC_ROLES_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    given = [role_map().get(str(group)) for group in groups]
    ranked = [RANKED.index(role) for role in given if role]
    return RANKED[max(ranked)] if ranked else None


class PasswordBackend(ModelBackend):
    """Django's username and password, unless the site has switched passwords off; the
    username in any case, or the account's email address (logins.account_name)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.WEAVE_PASSWORD_LOGIN:
            return None
        return super().authenticate(request, username=account_name(username),
                                    password=password, **kwargs)  # fmt: skip


class ProviderBackend(OIDCAuthenticationBackend):
    """The library's code flow, with the checks it leaves out and Weave's accounts."""

    def __init__(self, *args, **kwargs) -> None:  # the endpoints come from discovery()
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if request is None or not enabled() or "code" not in request.GET:
            return None  # a password sign-in, or no provider
        found = discovery()
        self.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = found.get("userinfo_endpoint", "")
        self.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else 0
            if status and status < 500:  # the provider refused the code: used, expired, …
                raise SignInRefused(
                    "The identity provider refused this sign-in (the code was "
                    "used already, or has expired). Try signing in again."
                ) from error
            raise ProviderDown from error
        except requests.RequestException as error:
            raise ProviderDown from error

    def retrieve_matching_jwk(self, token):
        """The provider's signing key for this token: the one its kid names, or the only
        one of its algorithm where the provider names no kids."""
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        header = jwt.get_unverified_header(token)
        keys = [key for key in response.json().get("keys", [])
                if key.get("use", "sig") == "sig" and key.get("alg", header.get("alg"))
                == header.get("alg")]  # fmt: skip
        if header.get("kid"):
            keys = [key for key in keys if key.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise SuspiciousOperation("No one signing key of the provider matches the token.")
        return jwt.PyJWK(keys[0])

    def _verify_jws(self, payload, key):
        try:
            return jwt.decode(
                payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=audience(), issuer=settings.WEAVE_OIDC_ISSUER,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]}, leeway=60,
            )  # fmt: skip
        except jwt.InvalidAudienceError as error:
            raise SignInRefused("The identity provider's token was made for another "
                                "application, not for Weave.") from error  # fmt: skip
        except jwt.InvalidIssuerError as error:
            raise SignInRefused("The token came from another identity provider than the one "
                                "this site trusts.") from error  # fmt: skip
        except jwt.ExpiredSignatureError as error:
            raise SignInRefused("The identity provider's token has expired. Try signing in "
                                "again.") from error  # fmt: skip
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"The ID token was refused: {error}") from error

    def get_user(self, user_id):
        """The signed-in person for each request, as Django's own backend has it: none once
        they are deactivated, which ends a session begun through the provider too."""
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def verify_claims(self, claims) -> bool:
        if not claims.get("email"):
            raise SignInRefused("Your identity provider did not tell Weave your email address, "
                                "which Weave needs to know who you are. Ask your IT team to "
                                "release the email claim to Weave.")  # fmt: skip
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email__iexact=claims["email"])

    def create_user(self, claims):
        email = claims["email"].lower()
        user = self.UserModel.objects.create_user(
            free_username(email), email, first_name=str(claims.get("given_name", ""))[:150],
            last_name=str(claims.get("family_name", ""))[:150],
        )  # fmt: skip
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        if settings.WEAVE_OIDC_ROLES_CLAIM:
            _follow_groups(user, role_from(claims))
        return user


def _follow_groups(user, role: str | None) -> None:
    """The site-wide role the provider's groups give (none: no site-wide role)."""
    try:
        change_role(user, role or NO_ROLE, None, by=None,
                    reason="From the identity provider's groups, at sign-in.")  # fmt: skip
    except ValidationError as error:  # the site's last administrator stays one
        logger.warning("Kept %s's role: %s", user.get_username(), " ".join(error.messages))
