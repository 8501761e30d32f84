"""What every API view shares: JSON in and out, role permissions, care-team scoping.

``PatientScopedViewSet`` is the shape of every clinical resource: its queryset is the model's rows
whose patient the user may see (``scope``), so another team's row is absent from a list; a detail URL
is reached through ``access_row`` (404 for another team's row, optional lock, access log), and a
list notes each patient on its page (``note_rows``): one access-log row per patient shown.
Writes never go through ``serializer.save()``: ``perform_create`` and ``perform_update`` hand the
validated data to the service (``create_record`` / ``update_record``).
"""

from __future__ import annotations

from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated

from bmtrack.accounts.access import access_row, note_rows, scope
from bmtrack.api.permissions import RolePermission


class ApiMixin:
    permission_classes = [IsAuthenticated, RolePermission]
    lookup_value_regex = "[^/]+"


# Read access to one model's rows of the patients the user may see. (Comments, not docstrings, on
# these bases: drf-spectacular would show an inherited docstring as each operation's description.)
class PatientScopedViewSet(ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):

    # Path from the model to its Patient, for scoping.
    patient_path = "patient"
    # Serializer for PATCH (defaults to serializer_class).
    update_serializer_class = None

    def get_queryset(self):
        return scope(self.queryset.all(), self.request.user, self.patient_path)

    def get_object(self):
        queryset = self.filter_queryset(self.queryset.all())
        row = access_row(self.request.user, queryset, patient_path=self.patient_path,
                         **{self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]})
        self.check_object_permissions(self.request, row)
        return row

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        note_rows(page if page is not None else queryset, self.patient_path)
        return page

    def get_serializer_class(self):
        if self.action == "partial_update" and self.update_serializer_class is not None:
            return self.update_serializer_class
        return super().get_serializer_class()


# POST: the validated data goes to the viewset's ``create_record`` (a service call).
class CreateMixin(mixins.CreateModelMixin):

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        patient = data.pop("patient")
        serializer.instance = self.create_record(patient, data, user=self.request.user)

    def create_record(self, patient, data: dict, *, user):  # pragma: no cover - always overridden
        raise NotImplementedError


# PATCH only: a partial change of the fields given goes to ``update_record`` (PUT is not offered).
class UpdateMixin(mixins.UpdateModelMixin):

    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = self.update_record(serializer.instance, dict(serializer.validated_data),
                                                 user=self.request.user)

    def update_record(self, instance, data: dict, *, user):  # pragma: no cover - always overridden
        raise NotImplementedError
