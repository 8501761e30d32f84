"""JSON errors for the API: every error names its field, and no input gives a server error."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from bmtrack.clinical.errors import ClinicalInputError


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, ClinicalInputError):
        exc = exceptions.ValidationError(detail={exc.field: [exc.message]})
    elif isinstance(exc, IntegrityError):
        # A database constraint caught what validation missed (a race, or a path without full_clean).
        return Response({"non_field_errors": ["The change conflicts with the record's rules."]},
                        status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
