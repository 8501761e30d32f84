"""Derived state, read-only: due items (with the nurse's book/waive actions), watch windows, GPA, RANO-BM."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from bmtrack.api import filters
from bmtrack.api.serializers.derived import (
    BookSerializer,
    DueItemSerializer,
    GPAAssessmentSerializer,
    ResponseAssessmentSerializer,
    UnwaiveSerializer,
    WaiveSerializer,
    WatchWindowSerializer,
)
from bmtrack.api.views.base import PatientScopedViewSet
from bmtrack.core.clock import utcnow
from bmtrack.patients.models import GPAAssessment, ResponseAssessment
from bmtrack.surveillance import actions
from bmtrack.surveillance.models import DueItem, WatchWindow
from bmtrack.surveillance.needs import needs_by_item


class DueItemViewSet(PatientScopedViewSet):
    """Scans and follow-ups owed, derived from the record; a nurse books or waives them
    (``bmtrack.surveillance.actions``)."""

    queryset = DueItem.objects.select_related("patient", "acted_by", "fulfilled_by")
    serializer_class = DueItemSerializer
    filterset_class = filters.DueItemFilter

    def get_serializer(self, *args, **kwargs):
        """Items with their needs: the needs of a page's patients are read once (one query)."""
        instance = args[0] if args else kwargs.get("instance")
        if instance is not None:
            now = utcnow()
            rows = list(instance) if isinstance(instance, (list, tuple, QuerySet)) else [instance]
            kwargs["context"] = {**self.get_serializer_context(), "now": now, "needs": needs_by_item(rows, now)}
        return super().get_serializer(*args, **kwargs)

    action_perms = {"book": ["surveillance.change_dueitem"], "waive": ["surveillance.change_dueitem"],
                    "unwaive": ["surveillance.change_dueitem"]}

    @extend_schema(request=BookSerializer, responses=DueItemSerializer, summary=(
        "Book the scan for a date and time; outside its limits only with a reason (then flagged)"))
    @action(detail=True, methods=["post"])
    def book(self, request, pk=None):
        item = self.get_object()
        serializer = BookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actions.book_item(item, booked_at=data.get("booked_at"), booked_for=data.get("booked_for"),
                          booking_reason=data.get("booking_reason", ""), user=request.user)
        return Response(DueItemSerializer(self.get_queryset().get(pk=item.pk)).data)

    @extend_schema(request=UnwaiveSerializer, responses=DueItemSerializer,
                   summary="Undo a waiver: the item opens again")
    @action(detail=True, methods=["post"])
    def unwaive(self, request, pk=None):
        item = self.get_object()
        UnwaiveSerializer(data=request.data).is_valid(raise_exception=True)  # a body, if any, is read and checked
        actions.unwaive_item(item, user=request.user)
        return Response(DueItemSerializer(self.get_queryset().get(pk=item.pk)).data)

    @extend_schema(request=WaiveSerializer, responses=DueItemSerializer, summary="Waive the item, saying why")
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        item = self.get_object()
        serializer = WaiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.waive_item(item, reason=serializer.validated_data["reason"], user=request.user)
        return Response(DueItemSerializer(self.get_queryset().get(pk=item.pk)).data)


class WatchWindowViewSet(PatientScopedViewSet):
    """Windows in which enlargement may be pseudoprogression or radiation necrosis."""

    queryset = WatchWindow.objects.select_related("patient")
    serializer_class = WatchWindowSerializer
    filterset_class = filters.WatchWindowFilter


class GPAAssessmentViewSet(PatientScopedViewSet):
    """Stored GPA results with the inputs as used (a new row whenever an input changed).

    Two moments per patient (record.md): ``diagnosis`` (at the diagnosis of brain metastases)
    and ``current``; ``status`` is ``scored``, or ``not_scorable`` / ``not_applicable`` with the
    reason in ``message``.
    ``current`` marks each patient's GPA as the record stands now (``?current=true``); an older
    row, or one a later correction left the record without, has ``current`` false."""

    queryset = GPAAssessment.objects.select_related("patient")
    serializer_class = GPAAssessmentSerializer
    filterset_class = filters.GPAAssessmentFilter
    # Derived from the patient's record: readable by whoever may read the patient.
    perm_model = "patients.patient"


class ResponseAssessmentViewSet(PatientScopedViewSet):
    """RANO-BM (iRANO on immunotherapy) category of each follow-up MRI, with the numbers behind it."""

    queryset = ResponseAssessment.objects.select_related("patient")
    serializer_class = ResponseAssessmentSerializer
    filterset_class = filters.ResponseAssessmentFilter
    perm_model = "patients.patient"
