"""``perms`` in templates asks each permission once per render (a worklist asks per row)."""

from __future__ import annotations

import pytest

from bmtrack.core.context_processors import RememberingPermWrapper

pytestmark = pytest.mark.django_db


def test_each_permission_is_asked_once_and_answered_as_django_would(alice, monkeypatch):
    calls = []
    has_perm = type(alice).has_perm

    def counting(user, perm, obj=None):
        calls.append(perm)
        return has_perm(user, perm, obj)

    monkeypatch.setattr(type(alice), "has_perm", counting)
    perms = RememberingPermWrapper(alice)
    answers = [perms["surveillance"]["change_dueitem"] for _ in range(30)]
    assert answers == [alice.has_perm("surveillance.change_dueitem")] * 30 and answers[0] is True
    assert perms["accounts"]["delete_careteam"] is False
    assert calls.count("surveillance.change_dueitem") == 2  # the wrapper's one question, and the check above
    assert "surveillance.change_dueitem" in perms
