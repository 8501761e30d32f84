"""Cross-cutting HTTP concerns: idle session timeout, no caching of pages, the content security policy."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control

_LAST_SEEN = "bmtrack_last_seen"
_REFRESH_SECONDS = 60


def refresh_seconds(timeout: int) -> int:
    """How stale the stored last-seen time may get: a minute, or a tenth of a short timeout."""
    return max(1, min(_REFRESH_SECONDS, timeout // 10))

# No inline scripts or styles: every asset is served from static/ (htmx vendored).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)


class IdleTimeoutMiddleware:
    """Signs a user out after ``SESSION_IDLE_TIMEOUT_SECONDS`` without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN, now)
            timeout = settings.SESSION_IDLE_TIMEOUT_SECONDS
            refresh = refresh_seconds(timeout)
            # last_seen may lag the last request by up to ``refresh``: an active user is never signed out.
            if now - last_seen > timeout + refresh:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(settings.LOGIN_URL)
            # Refresh at most once a minute: writing the session on every request costs an UPDATE each.
            if now - last_seen >= refresh or _LAST_SEEN not in request.session:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing the app renders is kept by a browser or a proxy cache: every page and JSON answer may carry
    patient data (static files are served before this, by WhiteNoise). A view that sets its own
    Cache-Control keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The interactive API docs (Swagger UI) need their own relaxed policy; everything else is strict.
        if not request.path.startswith("/api/v1/docs/"):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
