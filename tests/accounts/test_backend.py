"""accounts.backends.RoleBackend: Django's ModelBackend answers, read in one query per request."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bmtrack.accounts.models import User
from bmtrack.accounts.roles import role_names, works_in_admin


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)  # a new request's user: nothing remembered


def test_roles_and_both_kinds_of_permission_in_one_query(alice, dana):
    own = Permission.objects.get(content_type__app_label="boards", codename="add_meeting")
    alice.user_permissions.add(own)
    user = fresh(alice)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("patients.view_patient")  # her role's
        assert user.has_perm("boards.add_meeting")  # her own
        assert not user.has_perm("auth.change_user")
        assert role_names(user) == {"nurse"}
        assert not works_in_admin(user)
        assert user.get_user_permissions() == {"boards.add_meeting"}
        assert "boards.add_meeting" not in user.get_group_permissions()
    assert len(queries) == 1
    assert works_in_admin(fresh(dana)) and fresh(dana).has_perm("patients.view_patient")


def test_answers_equal_djangos_model_backend(alice, bob, dora, dana):
    from django.contrib.auth.backends import ModelBackend

    alice.user_permissions.add(Permission.objects.get(content_type__app_label="boards", codename="add_meeting"))
    for person in (alice, bob, dora, dana):
        ours, django = fresh(person), fresh(person)
        assert ours.get_all_permissions() == ModelBackend().get_all_permissions(django)
        assert ours.get_group_permissions() == ModelBackend().get_group_permissions(fresh(person))
        assert ours.get_user_permissions() == ModelBackend().get_user_permissions(fresh(person))


def test_the_inactive_and_the_superuser_keep_djangos_answers(alice, db):
    alice.is_active = False
    alice.save()
    assert not fresh(alice).has_perm("patients.view_patient")
    root = User.objects.create_superuser("root", "root@example.org", "x" * 20)
    assert fresh(root).has_perm("auth.change_user")
