"""The five roles of bmtrack, as Django groups, and what each may do.

Group names are stable identifiers (data migrations and tests use them). Seeing a patient at all
is a matter of care-team membership (``access.py``); the permissions below decide what a role may
change once it sees one.
"""

NURSE = "nurse"
PHYSICIAN = "physician"
BOARD_COORDINATOR = "board_coordinator"
DATA_MANAGER = "data_manager"
ADMINISTRATOR = "administrator"

ALL_ROLES = (NURSE, PHYSICIAN, BOARD_COORDINATOR, DATA_MANAGER, ADMINISTRATOR)
# The roles that work in the Django admin (``accounts.admin_site``), staff status or not.
ADMIN_ROLES = (DATA_MANAGER, ADMINISTRATOR)


def role_names(user) -> frozenset[str]:
    """The names of the user's roles, read once per user object (a request's; ``backends.RoleBackend``
    reads them with her permissions). A change of roles shows from her next request on."""
    names = getattr(user, "_role_names", None)
    if names is None:
        names = remember_role_names(user, user.groups.values_list("name", flat=True))
    return names


def remember_role_names(user, names) -> frozenset[str]:
    user._role_names = frozenset(names)
    return user._role_names


def works_in_admin(user) -> bool:
    """Whether ``user`` may enter the admin: active staff, or active in a role of ``ADMIN_ROLES``."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_staff or not role_names(user).isdisjoint(ADMIN_ROLES)


def has_role(user, role: str) -> bool:
    return user.is_authenticated and role in role_names(user)

_CLINICAL_WRITE = [
    ("patients", "patient", ("view", "add", "change")),
    ("patients", "primarytumour", ("view", "add", "change")),
    ("patients", "markerresult", ("view", "add", "change")),
    ("patients", "treatment", ("view", "add", "change")),
    ("patients", "scan", ("view", "add", "change")),
    ("patients", "lesion", ("view", "add", "change")),
    ("patients", "measurement", ("view", "add", "change")),
    ("patients", "statusobservation", ("view", "add", "change")),
    ("patients", "workupresult", ("view", "add", "change")),
    ("surveillance", "dueitem", ("view", "change")),
    ("surveillance", "watchwindow", ("view",)),
]
_VIEW_ONLY_CLINICAL = [(app, model, ("view",)) for app, model, _ in _CLINICAL_WRITE]
# The PACS connection (bmtrack.pacs): readers see the SR drafts they confirm; the data manager
# resolves the study queue and keeps the sequence mapping.
_PACS_READ = [("pacs", "measurementdraft", ("view",))]
_PACS_MANAGE = [
    ("pacs", "pacsstudy", ("view", "change")),
    ("pacs", "unmatchedstudy", ("view", "change")),
    ("pacs", "sequencemapping", ("view", "add", "change", "delete")),
    ("pacs", "measurementdraft", ("view",)),
    ("pacs", "pollstate", ("view",)),
]

# role -> [(app_label, model, actions)]
ROLE_PERMISSIONS = {
    NURSE: _CLINICAL_WRITE + _PACS_READ,
    PHYSICIAN: _CLINICAL_WRITE + _PACS_READ,
    BOARD_COORDINATOR: _VIEW_ONLY_CLINICAL
    + [
        ("boards", "board", ("view", "add", "change")),
        ("boards", "meeting", ("view", "add", "change")),
        ("boards", "boardcase", ("view", "add", "change", "delete")),
    ],
    DATA_MANAGER: [(app, model, ("view", "add", "change", "delete")) for app, model, _ in _CLINICAL_WRITE]
    + _PACS_MANAGE,
    ADMINISTRATOR: [
        ("accounts", "user", ("view", "add", "change")),
        ("accounts", "careteam", ("view", "add", "change")),
        ("core", "accesslog", ("view",)),
    ],
}


def sync_role_groups(sender=None, using="default", **kwargs) -> None:
    """Create the role groups and give each exactly its permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            wanted.extend(
                Permission.objects.using(using).filter(content_type__app_label=app_label, codename__in=codenames)
            )
        group.permissions.set(wanted)
