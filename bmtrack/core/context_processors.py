from django.conf import settings
from django.contrib.auth.context_processors import PermLookupDict, PermWrapper


def site(request):
    return {"SITE_URL": settings.SITE_URL, "SITE_TIME_ZONE": settings.TIME_ZONE}


class _RememberingLookup(PermLookupDict):
    def __init__(self, user, app_label, answers: dict):
        super().__init__(user, app_label)
        self._answers = answers

    def __getitem__(self, perm_name):
        key = f"{self.app_label}.{perm_name}"
        if key not in self._answers:
            self._answers[key] = self.user.has_perm(key)
        return self._answers[key]


class RememberingPermWrapper(PermWrapper):
    """Django's ``perms`` that asks the authentication backends once per permission and render: a
    worklist asks the same two questions on every row."""

    def __init__(self, user):
        super().__init__(user)
        self._answers: dict[str, bool] = {}

    def __getitem__(self, app_label):
        return _RememberingLookup(self.user, app_label, self._answers)


def perms(request):
    """Replaces ``perms`` of ``django.contrib.auth.context_processors.auth`` (listed after it)."""
    return {"perms": RememberingPermWrapper(request.user)}
