"""bmtrack's REST API, /api/v1/ (Django REST framework), its OpenAPI schema and FHIR R4 exchange.

Map:
- ``urls.py``: every route. Resources (list with filters and cursor pages, detail, create, PATCH):
  patients, primaries (+ markers), treatments, scans (+ measurements), lesions, measurements,
  observations; read-only: due-items (+ book, waive), watch-windows, gpa-assessments,
  response-assessments, boards, meetings, board-cases. Calculators: gpa, rano, screening, protocol,
  schedule. FHIR: patients/<id>/fhir (export), fhir/import. schema/ (OpenAPI 3), docs/ (Swagger UI).
- ``views/``: viewsets (scoped by ``bmtrack.accounts.access``; writes handed to the services).
- ``serializers/``: shapes and types per resource group; ``fields.py``: shared fields.
- ``filters.py``, ``pagination.py``, ``permissions.py`` (role permissions), ``errors.py`` (JSON errors
  naming the field), ``schema.py`` (error responses in the schema), ``docs.py`` (local Swagger UI).
- ``fhir/``: ``codes.py`` (systems, mCODE profiles), ``export.py``, ``importer.py``.

Authentication: ``Authorization: Token <key>`` (tokens from the admin or ``manage.py drf_create_token``)
or the web session (with its CSRF token). Patients are identified by their public UUID only.
"""
