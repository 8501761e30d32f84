"""What a role may do through the API: the same model permissions the role groups carry.

Seeing a patient at all is care-team scoping (``bmtrack.accounts.access``, applied in every
queryset); these permissions decide what a role may read or change once it sees one. A board
coordinator reads the record but does not write it; an administrator manages accounts only.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

_ACTION_FOR_METHOD = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class RolePermission(BasePermission):
    """``<app>.view_<model>`` to read, ``add``/``change`` to write.

    A view names its model with ``perm_model = "app_label.model"`` (default: its queryset's model)
    and may override per action with ``action_perms = {"book": ["surveillance.change_dueitem"]}``.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(view, request.method.lower(), None) is None:
            return True  # a method the view does not offer: let it answer 405
        return user.has_perms(self.required(request, view))

    @staticmethod
    def required(request, view) -> list[str]:
        action = getattr(view, "action", None)
        overrides = getattr(view, "action_perms", {})
        if action in overrides:
            return list(overrides[action])
        perm_model = getattr(view, "perm_model", None)
        if perm_model is None:
            meta = view.get_queryset().model._meta
            perm_model = f"{meta.app_label}.{meta.model_name}"
        app_label, model_name = perm_model.split(".")
        verb = "view" if request.method in SAFE_METHODS else _ACTION_FOR_METHOD.get(request.method, "change")
        return [f"{app_label}.{verb}_{model_name}"]
