"""Every URL pattern refuses an anonymous request (a redirect to sign-in, 401 or 403), except
the few that are public on purpose."""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Public on purpose: signing in, liveness, and feeds whose secret token is the credential.
PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/admin/login/",
    "/admin/logout/",
    "/health/",
    "/static/",
)
# Token-authenticated feeds answer an unknown token with 404, which refuses just the same.
TOKEN_FEEDS = ("/calendar/", "/feeds/")

SAMPLES = {"uuid": str(uuid.uuid4()), "int": "1", "slug": "x", "str": "x", "path": "x"}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + _render(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + _render(pattern.pattern)


def _render(pattern) -> str:
    route = getattr(pattern, "_route", None)
    if route is None:  # a regex pattern (admin): fill groups with samples
        import re

        regex = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
        regex = re.sub(r"\(\?P<\w+>[^)]*\)", "1", regex)
        regex = re.sub(r"\([^)]*\)", "x", regex)
        return regex.replace("\\", "").replace("?", "")
    for converter, sample in SAMPLES.items():
        import re

        route = re.sub(rf"<{converter}:\w+>", sample, route)
    import re

    return re.sub(r"<\w+>", "x", route)


def all_urls() -> list[str]:
    return sorted({"/" + url for url in _walk(get_resolver().url_patterns)})


def test_the_walk_finds_the_main_pages():
    urls = all_urls()
    assert "/" in urls and any(url.startswith("/api/v1/") for url in urls)
    assert any(url.startswith("/admin/") for url in urls)


@pytest.mark.parametrize("url", all_urls())
def test_an_anonymous_request_is_refused(client, url):
    if url.startswith(PUBLIC_PREFIXES) or url.endswith(".*"):
        return  # public on purpose, or the API's JSON 404 for unknown paths
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if url.startswith(TOKEN_FEEDS) and response.status_code == 404:
            continue
        refused = response.status_code in (401, 403, 405) or (
            response.status_code == 302 and "login" in response["Location"])
        assert refused, f"{method.upper()} {url} answered {response.status_code} to an anonymous user"
