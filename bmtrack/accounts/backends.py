"""Django's model backend, reading a user's roles with her roles' permissions.

Every page asks both what the reader may do (``perms``, Django's group permissions) and which roles
she holds (``roles.works_in_admin`` for the account menu): as Django ships, two queries on the same
membership rows each request. Here one query reads the role names and their permissions, and both
are remembered on the user object, which lives for one request (as Django caches permissions).
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group

from bmtrack.accounts import roles


class RoleBackend(ModelBackend):
    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or user_obj.is_superuser:
            return super().get_group_permissions(user_obj, obj)
        if not hasattr(user_obj, "_group_perm_cache"):
            rows = Group.objects.filter(user=user_obj).values_list(
                "name", "permissions__content_type__app_label", "permissions__codename")
            roles.remember_role_names(user_obj, {name for name, _, _ in rows})
            user_obj._group_perm_cache = {f"{app}.{codename}" for _, app, codename in rows if codename}
        return user_obj._group_perm_cache
