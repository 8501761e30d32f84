"""Django's model backend, reading a user's permissions and roles in one query.

Every page asks what the reader may do (``perms``: her own permissions and her roles', Django's group
permissions) and which roles she holds (``roles.works_in_admin`` for the account menu): as Django ships,
three queries each request, two of them on the same membership rows. Here one query reads her own
permissions, her role names and their permissions, all remembered on the user object, which lives for
one request (as Django caches permissions).
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Value

from bmtrack.accounts import roles


class RoleBackend(ModelBackend):
    def get_user_permissions(self, user_obj, obj=None):
        if not self._reads_rows(user_obj, obj):
            return super().get_user_permissions(user_obj, obj)
        self._load(user_obj)
        return user_obj._user_perm_cache

    def get_group_permissions(self, user_obj, obj=None):
        if not self._reads_rows(user_obj, obj):
            return super().get_group_permissions(user_obj, obj)
        self._load(user_obj)
        return user_obj._group_perm_cache

    @staticmethod
    def _reads_rows(user_obj, obj) -> bool:
        """Django's own answers stand for the inactive, the anonymous, object permissions and superusers."""
        return user_obj.is_active and not user_obj.is_anonymous and obj is None and not user_obj.is_superuser

    @staticmethod
    def _load(user_obj) -> None:
        if hasattr(user_obj, "_group_perm_cache") and hasattr(user_obj, "_user_perm_cache"):
            return
        # Unordered: a set is made of them (Permission's default ordering sorted the second half, joins
        # and all, and cost its compilation on every request).
        from_roles = Group.objects.filter(user=user_obj).order_by().values_list(
            Value(True), "name", "permissions__content_type__app_label", "permissions__codename")
        own = Permission.objects.filter(user=user_obj).order_by().values_list(
            Value(False), Value(""), "content_type__app_label", "codename")
        rows = list(from_roles.union(own, all=True))
        roles.remember_role_names(user_obj, {name for role, name, _, _ in rows if role})
        user_obj._group_perm_cache = {f"{app}.{codename}" for role, _, app, codename in rows if role and codename}
        user_obj._user_perm_cache = {f"{app}.{codename}" for role, _, app, codename in rows if not role}
