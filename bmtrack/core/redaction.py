"""Secrets that travel in a URL path (the calendar feed's token) are cut from every log line.

Calendar apps cannot sign in, so the feed's token is in its path; the web server's access log and
Django's "Not Found" warnings would otherwise keep it. ``redact`` is applied by the gunicorn access
logger (``GunicornLogger``) and by a logging filter on Django's request loggers (settings.LOGGING).
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

_CALENDAR_TOKEN = re.compile(r"(/calendar/)[^/\s\"?]+(\.ics)")


def redact(text: str) -> str:
    return _CALENDAR_TOKEN.sub(r"\1…\2", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class GunicornLogger(Logger):
    """gunicorn's logger with the request line and path of each access-log line redacted."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "{raw_uri}e", "{path_info}e", "{request_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
