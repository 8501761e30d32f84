"""A demo tumour board for the demo data (``patients.demo``): one board over every care team, its
coordinators and physicians as standing members, and a meeting next Wednesday whose suggestions
come from the demo histories."""

from __future__ import annotations

import datetime as dt

from bmtrack.accounts.models import CareTeam, User
from bmtrack.accounts.roles import BOARD_COORDINATOR, PHYSICIAN
from bmtrack.boards import services
from bmtrack.boards.models import Board, Meeting
from bmtrack.core.clock import local_date

WEDNESDAY = 2


def load_demo_board(now: dt.datetime) -> Meeting:
    board, _ = Board.objects.get_or_create(name="Neuro-oncology tumour board")
    board.care_teams.set(CareTeam.objects.all())
    board.members.set(User.objects.filter(groups__name__in=[BOARD_COORDINATOR, PHYSICIAN]).distinct())
    day = local_date(now)
    day += dt.timedelta(days=(WEDNESDAY - day.weekday()) % 7 or 7)
    existing = Meeting.objects.filter(board=board, date=day).first()
    return existing or services.create_meeting(board, date=day, starts_at=dt.time(16, 0), location="Room 4.12")
