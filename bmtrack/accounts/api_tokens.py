"""API tokens under the same rules as a signed-in session.

1. A token expires ``API_TOKEN_MAX_AGE_DAYS`` after it was made; a user makes, replaces and revokes
   their own on their account page (``issue_token`` / ``revoke_token``).
2. Two-step sign-in holds for tokens too: a user with an authenticator gets a token only from a
   session that gave its code, and an administrator's token is refused while the admin requires two
   steps (django-otp's middleware runs before DRF's token authentication and could not ask).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp import user_has_device
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from bmtrack.core.clock import utcnow


def expires_at(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)


def issue_token(request) -> Token:
    """A new token for the signed-in user (any old one stops working), if their session may make one."""
    user = request.user
    if user_has_device(user) and not user.is_verified():
        raise PermissionDenied("Sign in with your authenticator code before making an API token.")
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def revoke_token(user) -> None:
    Token.objects.filter(user=user).delete()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if utcnow() >= expires_at(token):
            raise AuthenticationFailed("This token has expired: make a new one on your account page.")
        if user.is_superuser and settings.BMTRACK_ADMIN_REQUIRES_2FA:
            raise AuthenticationFailed("Administrators sign in with two-step verification; tokens are refused.")
        return user, token
