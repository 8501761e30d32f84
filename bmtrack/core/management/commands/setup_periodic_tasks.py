from django.core.management.base import BaseCommand

from bmtrack.core.periodic import sync_periodic_tasks


class Command(BaseCommand):
    help = "Create bmtrack's periodic tasks in django-celery-beat (idempotent; admin edits are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Restore every task's default interval.")

    def handle(self, *args, reset=False, **options):
        created = sync_periodic_tasks(reset=reset)
        self.stdout.write(f"periodic tasks: {len(created)} created")
