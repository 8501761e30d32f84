"""``manage.py load_demo_data``: demo patients (``patients.demo``) and a demo tumour board
(``boards.demo``). It lives in boards, the higher of the two apps it loads (patients does not
import boards)."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bmtrack.accounts.models import User
from bmtrack.boards.demo import load_demo_board
from bmtrack.core.clock import utcnow
from bmtrack.patients.demo import load_demo_data


class Command(BaseCommand):
    help = "Load ~40 realistic demo patients and demo users (refuses if users already exist)."

    def add_arguments(self, parser):
        parser.add_argument("--write-credentials", metavar="FILE",
                            help="Also write the demo logins to FILE (mode 600).")

    def handle(self, *args, write_credentials=None, **options):
        if User.objects.exists():
            raise CommandError("Users already exist: demo data is only loaded into an empty database.")
        now = utcnow()
        logins = load_demo_data(now)
        load_demo_board(now)
        lines = [f"{login.username:8} {login.password:24} {login.role} — team: {login.team}" for login in logins]
        if write_credentials:
            path = Path(write_credentials)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(lines) + "\n")
            os.chmod(path, 0o600)
        self.stdout.write("Demo data loaded. Logins:")
        for line in lines:
            self.stdout.write(f"  {line}")
