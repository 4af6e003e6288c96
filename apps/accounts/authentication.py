"""`Authorization: Bearer <token>` authentication for API clients."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from apps.accounts import token_cache
from apps.accounts.models import ApiToken
from apps.accounts.scopes import scope_allows


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization header must be 'Bearer <token>'.")
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Token contains invalid characters.") from exc
        token = token_cache.lookup(raw)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        self._check_scope(request, token)
        now = timezone.now()
        # Touch last_used at most once a minute so hot clients don't write on every call.
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token_cache.note_used(token, now)
        return token.user, token

    @staticmethod
    def _check_scope(request, token: ApiToken) -> None:
        """Refuse (403) a call outside the token's scopes. Checked here, where every API view
        authenticates, so no view's own permission classes can forget it."""
        match = getattr(request._request, "resolver_match", None)
        route = match.url_name if match else None
        if not scope_allows(set(token.scopes), route=route, method=request.method):
            raise exceptions.PermissionDenied(
                f"This token's scopes ({', '.join(token.scopes)}) do not allow {request.method} on this endpoint."
            )

    def authenticate_header(self, request) -> str:
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Created by `manage.py create_api_token`."}
