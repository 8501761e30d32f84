"""Tumour boards, read-only through the API (boards are run from the web app's board pages)."""

from __future__ import annotations

import django_filters as filters
from rest_framework import mixins, viewsets

from bmtrack.api.filters import IdFilter
from bmtrack.api.serializers.boards import BoardCaseSerializer, BoardSerializer, MeetingSerializer
from bmtrack.api.views.base import ApiMixin, PatientScopedViewSet
from bmtrack.boards.models import Board, BoardCase, Meeting


class MeetingFilter(filters.FilterSet):
    board = IdFilter(field_name="board_id")
    date_after = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["board", "date_after", "date_before"]


class BoardCaseFilter(filters.FilterSet):
    patient = filters.UUIDFilter(field_name="patient__public_id", help_text="The patient's public id")
    meeting = IdFilter(field_name="meeting_id")
    decided = filters.BooleanFilter(method="filter_decided")

    class Meta:
        model = BoardCase
        fields = ["patient", "meeting", "decided"]

    def filter_decided(self, queryset, name, value):
        return queryset.exclude(decision="") if value else queryset.filter(decision="")


class BoardViewSet(ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tumour boards and the care teams whose patients they discuss."""

    queryset = Board.objects.prefetch_related("care_teams")
    serializer_class = BoardSerializer


class MeetingViewSet(ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Meetings of the boards (the cases discussed are under /board-cases?meeting=<id>)."""

    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter


class BoardCaseViewSet(PatientScopedViewSet):
    """Cases of patients the user may see; another team's case is not shown."""

    queryset = BoardCase.objects.select_related("patient", "presenter", "decided_by")
    serializer_class = BoardCaseSerializer
    filterset_class = BoardCaseFilter


def register(router) -> None:
    router.register("boards", BoardViewSet, basename="board")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("board-cases", BoardCaseViewSet, basename="boardcase")
