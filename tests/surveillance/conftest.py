"""Fixtures for surveillance: a real SMTP server (aiosmtpd) that can refuse or stall on demand,
and helpers that build clinical histories through the real services."""

from __future__ import annotations

import email
import threading
import time
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from tests.support.processes import free_port


class RecordingHandler:
    """Keeps every message accepted; can refuse (421) for a while, or stall before accepting one."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.refusing = False
        self.refused = 0
        self.bad_addresses: set[str] = set()
        self.stall_on: int | None = None      # stall when this many messages are already accepted
        self.stall_seconds = 0.0
        self.stalled = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refusing:
            self.refused += 1
            return "421 4.3.2 Service not available, try again later"
        if address in self.bad_addresses:
            return "550 5.1.1 No such user"
        if self.stall_on is not None and len(self.messages) == self.stall_on and not self.stalled.is_set():
            self.stalled.set()
            time.sleep(self.stall_seconds)  # blocks this server: the client waits mid-conversation
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.original_content, policy=default_policy)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp():
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp):
    """Send through the real SMTP server in this process."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    settings.EMAIL_TIMEOUT = 5
    return smtp
