"""JSON errors for the API: every error names its field, and no input gives a server error.

The services raise Django's ``ValidationError`` with field names ("measurements[2].longest_diameter_mm"),
the clinical core raises ``ClinicalInputError(field, message)``; both become a 400 whose body maps
each field to its messages, like DRF's own validation errors. A database constraint that catches
what validation missed is a 409.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from bmtrack.clinical.errors import ClinicalInputError


def validation_detail(exc: DjangoValidationError) -> dict:
    """A Django ValidationError as ``{field: [messages]}`` (``__all__`` becomes ``non_field_errors``)."""
    detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    return {(api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key): list(messages)
            for key, messages in detail.items()}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=validation_detail(exc))
    elif isinstance(exc, ClinicalInputError):
        exc = exceptions.ValidationError(detail={exc.field: [exc.message]})
    elif isinstance(exc, IntegrityError):
        # A database constraint caught what validation missed (a race, or a path without full_clean).
        return Response({api_settings.NON_FIELD_ERRORS_KEY: ["The change conflicts with the record's rules."]},
                        status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, RequestDataTooBig):
        return Response({"detail": f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."},
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    elif isinstance(exc, DataError | OverflowError):
        # A value the database or the calendar cannot hold (validation bounds should have caught it).
        exc = exceptions.ValidationError(
            detail={api_settings.NON_FIELD_ERRORS_KEY: ["A value is out of the range that can be stored."]}
        )
    return drf_exception_handler(exc, context)


def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a JSON 404, never Django's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)
