"""The Celery app, wired the standard way (cookiecutter-django's ``celery_app``).

Settings come from Django's under the ``CELERY_`` namespace; tasks are found by autodiscovery
in each app's ``tasks.py``; the beat schedule lives in the database (django-celery-beat), so
it is editable in the admin. Worker and beat run as separate processes (see the README).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bmtrack.settings")

app = Celery("bmtrack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
