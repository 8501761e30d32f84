"""The bmtrack WSGI application plus one trivial view, for the throughput benchmark only.

The trivial view goes through the same middleware stack and the same gunicorn workers as the
API, so the ratio of the two throughputs is the cost of the API view itself.
"""

import os

import django
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bmtrack.settings")
django.setup()

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "benchmarks.urls"
application = get_wsgi_application()

from bmtrack.core.startup import freeze_startup_objects  # noqa: E402

freeze_startup_objects()  # as bmtrack/wsgi.py does
