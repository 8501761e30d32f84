"""Interactive API docs (Swagger UI) served from our own static files, under a strict policy of their own.

The Swagger UI assets come from drf-spectacular-sidecar (``SWAGGER_UI_DIST = "SIDECAR"``), so the
page loads nothing from a CDN. The split view serves its start-up script as a separate file, so no
inline script is needed; the one inline ``<style>`` of drf-spectacular's template is the only
relaxation (the site policy in ``bmtrack.core.middleware`` leaves /api/v1/docs/ to this view).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView

DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)


class SwaggerView(SpectacularSwaggerSplitView):
    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CSP
        return response
