"""The one admin base for rows that belong to a patient: everything it shows or accepts is scoped
through ``access.py``, as on the web and the API.

A row of another care team is a 404 on every admin URL (change, delete, history, a history
version, and their POSTs); the choices of every foreign key (dropdowns, autocomplete, raw-id
lookups, many-to-many pickers) are the rows the user may see, so an "add" cannot attach a row to
another team's patient. Old versions are read-only: a revert would bypass the services, which are
the only writers. There is no bulk delete: a deletion is one row at a time, through ``delete_model``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_model_for_model

from bmtrack.accounts.models import CareTeam, User
from bmtrack.patients.scoping import colleagues_for, scope, teams_for


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to what the user may see."""

    def _choices(self, model, request):
        try:
            target = self.admin_site.get_model_admin(model)
        except NotRegistered:
            target = None
        if isinstance(target, ScopedAdmin):
            return target.get_queryset(request)
        if model is CareTeam:
            return teams_for(request.user)
        if model is User:
            return colleagues_for(request.user)
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = self._choices(db_field.related_model, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        choices = self._choices(db_field.related_model, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Rows reached through ``patient_path`` ("patient", "scan__patient", or "id" for patients)."""

    patient_path = "patient"

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, self.patient_path)

    def get_object(self, request, object_id, from_field=None):
        # Django redirects to the index for a missing row; a 404 tells no more than "not yours".
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such row")
        return obj

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ScopedHistoryAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """A scoped admin whose model keeps its history (django-simple-history): the history list and each
    old version are scoped like the row, and shown read-only."""

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # The history of a deleted row is still scoped by the patient it belonged to.
        return scope(super().get_history_queryset(request, history_manager, pk_name, object_id), request.user,
                     self.patient_path)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history = get_history_model_for_model(self.model)
        try:
            version = history.objects.filter(**{self.model._meta.pk.attname: unquote(object_id),
                                                "history_id": version_id})
            visible = scope(version, request.user, self.patient_path).exists()
        except (ValueError, ValidationError):
            visible = False
        if not visible:
            raise Http404("No such version")
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class RefusalAsMessage:
    """For admins that write through a service: its ``ValidationError`` comes back as a message naming the
    field, and nothing is saved (the change view is one transaction)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for field, texts in errors.items():
                where = f"{field.replace('_', ' ')}: " if field else ""
                self.message_user(request, where + " ".join(texts), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ScopedInline(ScopedChoicesMixin, admin.TabularInline):
    """A patient's rows shown on its page, read-only: they are written through their own admin (services)."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
