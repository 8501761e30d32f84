"""List filters (django-filter). A bad value is a 400 naming the filter.

Patients are filtered by their public id only: an MRN, a name or a birth date never goes in a URL
(URLs are logged); ``POST /patients/lookup`` finds a patient by MRN.
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from bmtrack.core.clock import utcnow
from bmtrack.patients.models import (
    GPAAssessment,
    Lesion,
    Measurement,
    Patient,
    PrimaryTumour,
    ResponseAssessment,
    Scan,
    StatusObservation,
    Treatment,
    WorkupResult,
)
from bmtrack.patients.models.choices import (
    GpaMoment,
    GpaStatus,
    MeasurementStatus,
    Modality,
    PatientStatus,
    ScanPurpose,
    TreatmentKind,
    TreatmentStatus,
    TumourType,
)
from bmtrack.surveillance.models import OPEN_STATES, DueItem, DueKind, DueState, WatchKind, WatchWindow


class IdFilter(filters.NumberFilter):
    """A row id: a whole number (django-filter's NumberFilter takes any decimal up to 1e50)."""

    field_class = forms.IntegerField


class PatientFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=PatientStatus.choices)
    care_team = IdFilter(field_name="care_team_id", help_text="Care team id")
    responsible_nurse = filters.CharFilter(field_name="responsible_nurse__username", help_text="Username")
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Patient
        fields = ["status", "care_team", "responsible_nurse", "updated_since"]


class ByPatient(filters.FilterSet):
    patient = filters.UUIDFilter(field_name="patient__public_id", help_text="The patient's public id")


class PrimaryFilter(ByPatient):
    type = filters.ChoiceFilter(choices=TumourType.choices)

    class Meta:
        model = PrimaryTumour
        fields = ["patient", "type"]


class TreatmentFilter(ByPatient):
    kind = filters.MultipleChoiceFilter(choices=TreatmentKind.choices)
    status = filters.MultipleChoiceFilter(choices=TreatmentStatus.choices)
    start_after = filters.IsoDateTimeFilter(field_name="start", lookup_expr="gte")
    start_before = filters.IsoDateTimeFilter(field_name="start", lookup_expr="lt")

    class Meta:
        model = Treatment
        fields = ["patient", "kind", "status", "start_after", "start_before"]


class ScanFilter(ByPatient):
    modality = filters.ChoiceFilter(choices=Modality.choices)
    purpose = filters.MultipleChoiceFilter(choices=ScanPurpose.choices)
    measurement_status = filters.ChoiceFilter(choices=MeasurementStatus.choices)
    is_baseline = filters.BooleanFilter()
    at_after = filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    at_before = filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = Scan
        fields = ["patient", "modality", "purpose", "measurement_status", "is_baseline", "at_after", "at_before"]


class LesionFilter(ByPatient):
    label = filters.CharFilter()

    class Meta:
        model = Lesion
        fields = ["patient", "label"]


class MeasurementFilter(filters.FilterSet):
    patient = filters.UUIDFilter(field_name="scan__patient__public_id", help_text="The patient's public id")
    scan = IdFilter(field_name="scan_id")
    lesion = IdFilter(field_name="lesion_id")

    class Meta:
        model = Measurement
        fields = ["patient", "scan", "lesion"]


class ObservationFilter(ByPatient):
    observed_after = filters.DateFilter(field_name="observed_on", lookup_expr="gte")
    observed_before = filters.DateFilter(field_name="observed_on", lookup_expr="lte")

    class Meta:
        model = StatusObservation
        fields = ["patient", "observed_after", "observed_before"]


class WorkupFilter(ByPatient):
    performed_after = filters.DateFilter(field_name="performed_on", lookup_expr="gte")
    performed_before = filters.DateFilter(field_name="performed_on", lookup_expr="lte")

    class Meta:
        model = WorkupResult
        fields = ["patient", "method", "result", "performed_after", "performed_before"]


class DueItemFilter(ByPatient):
    kind = filters.MultipleChoiceFilter(choices=DueKind.choices)
    state = filters.MultipleChoiceFilter(choices=DueState.choices)
    open = filters.BooleanFilter(method="filter_open", help_text="Only open (upcoming, due, overdue) items")
    phase = filters.MultipleChoiceFilter(choices=DueState.choices, method="filter_phase",
                                         help_text="The state now (``state`` as stored may lag until the next sweep)")
    urgent = filters.BooleanFilter()
    due_by_after = filters.DateFilter(field_name="due_by", lookup_expr="gte")
    due_by_before = filters.DateFilter(field_name="due_by", lookup_expr="lte")

    class Meta:
        model = DueItem
        fields = ["patient", "kind", "state", "phase", "open", "urgent", "due_by_after", "due_by_before"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(state__in=OPEN_STATES) if value else queryset.exclude(state__in=OPEN_STATES)

    def filter_phase(self, queryset, name, value):
        return queryset.in_phase(utcnow(), *value) if value else queryset


class WatchWindowFilter(ByPatient):
    kind = filters.ChoiceFilter(choices=WatchKind.choices)
    active_on = filters.DateFilter(method="filter_active_on", help_text="Windows that include this day")

    class Meta:
        model = WatchWindow
        fields = ["patient", "kind", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


class GPAAssessmentFilter(ByPatient):
    variant = filters.CharFilter()
    current = filters.BooleanFilter(help_text="true: each patient's GPA as the record stands now")
    moment = filters.ChoiceFilter(choices=GpaMoment.choices, help_text="diagnosis: at diagnosis of brain "
                                  "metastases; current: today's")
    status = filters.ChoiceFilter(choices=GpaStatus.choices)

    class Meta:
        model = GPAAssessment
        fields = ["patient", "variant", "current", "moment", "status"]


class ResponseAssessmentFilter(ByPatient):
    category = filters.CharFilter()
    scan = IdFilter(field_name="scan_id")

    class Meta:
        model = ResponseAssessment
        fields = ["patient", "category", "scan"]


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, refusing a query parameter the list does not know.

    An unknown parameter is most often a misspelt filter (``?stauts=overdue``): ignoring it would
    answer a different question than the one asked, with a 200 (security review #11).
    """

    # Read by the cursor pagination (bmtrack.api.pagination), not by a filter.
    PAGINATION_PARAMS = frozenset({"cursor", "page_size"})

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(filterset_class.base_filters) if filterset_class else set()
        unknown = sorted(set(request.query_params) - known - self.PAGINATION_PARAMS)
        if unknown:
            allowed = ", ".join(sorted(known | self.PAGINATION_PARAMS))
            raise ValidationError({name: [f"Unknown query parameter. This list accepts: {allowed}."]
                                   for name in unknown})
        return super().filter_queryset(request, queryset, view)
