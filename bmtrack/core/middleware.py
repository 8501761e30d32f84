"""Cross-cutting HTTP concerns: idle session timeout and the content security policy."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

_LAST_SEEN = "bmtrack_last_seen"
_REFRESH_SECONDS = 60

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
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(settings.LOGIN_URL)
            # Refresh at most once a minute: writing the session on every request costs an UPDATE each.
            if now - last_seen >= _REFRESH_SECONDS or _LAST_SEEN not in request.session:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The interactive API docs (Swagger UI) need their own relaxed policy; everything else is strict.
        if not request.path.startswith("/api/v1/docs/"):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
