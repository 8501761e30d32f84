import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bmtrack.settings")
application = get_asgi_application()

from bmtrack.core.startup import freeze_startup_objects  # noqa: E402 - needs the app loaded

freeze_startup_objects()
