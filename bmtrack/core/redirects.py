"""Where a request may send the browser next: only a path on this site (no open redirect)."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def same_site(request, target: str | None, default: str = "/") -> str:
    """``target`` if it stays on this site (and on HTTPS when the request came over it), else ``default``."""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return default
