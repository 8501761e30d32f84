"""The test personas, written once (healthchecks' hc/test.py is the model): two care teams, and people
on them whose roles and teams say what each may see and do.

* alice: nurse on team A; the user most tests act as.
* bob: physician on team A, Alice's teammate and the team's responsible physician.
* charlie: nurse on team B: the outsider, who must see nothing of team A's.
* dora: tumour-board coordinator on team A: reads the record, writes none of it.
* erik: tumour-board coordinator on team B: must see nothing of team A's patients.
* dana: data manager on team A: works in the admin (with a second step).

Fixtures (tests/conftest.py, tests/web/conftest.py) are thin wrappers around these functions.
"""

from __future__ import annotations

PASSWORD = "correct horse battery staple"
TEAM_NAMES = ("Neuro-oncology A", "Neuro-oncology B")

# name -> (team: 0 = A, 1 = B, role)
PERSONAS = {
    "alice": (0, "nurse"),
    "bob": (0, "physician"),
    "charlie": (1, "nurse"),
    "dora": (0, "board_coordinator"),
    "erik": (1, "board_coordinator"),
    "dana": (0, "data_manager"),
}


def create_teams():
    """Team A and team B."""
    from bmtrack.accounts.models import CareTeam

    return tuple(CareTeam.objects.create(name=name) for name in TEAM_NAMES)


def member(username, team, role):
    """A user in ``role`` on ``team``, signing in with ``PASSWORD``."""
    from django.contrib.auth.models import Group

    from bmtrack.accounts.models import User
    from bmtrack.accounts.roles import sync_role_groups

    sync_role_groups()
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, first_name=username.title())
    team.members.add(user)
    user.groups.add(Group.objects.get(name=role))
    return user


def create(name, teams):
    """The persona ``name`` (a key of ``PERSONAS``) on its team of ``teams``; Bob also becomes team A's
    responsible physician."""
    team_index, role = PERSONAS[name]
    user = member(name, teams[team_index], role)
    if name == "bob":
        teams[0].responsible_physician = user
        teams[0].save(update_fields=["responsible_physician"])
    return user


def create_all(teams) -> dict:
    """Every persona, by name."""
    return {name: create(name, teams) for name in PERSONAS}
