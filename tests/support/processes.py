"""Start real background processes (Celery worker, beat, web) for integration tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def env_for_test_database(**extra) -> dict:
    """The environment of a child process that must see the test database, not the real one."""
    from django.db import connection

    settings = connection.settings_dict
    env = dict(os.environ)
    if connection.vendor == "postgresql":
        user = settings["USER"] or ""
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        env["DATABASE_URL"] = f"postgres://{auth}{host}/{settings['NAME']}"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = log.open("ab")
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                            start_new_session=True)


def start_worker(env: dict, log: Path, *, queues: str = "celery", concurrency: int = 1) -> subprocess.Popen:
    return start([str(VENV_BIN / "celery"), "-A", "bmtrack", "worker", "--loglevel=INFO", "-Q", queues,
                  f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                 env, log)


def stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 20) -> None:
    """Stop the process and everything it started (its session's process group)."""
    with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, sig)
        process.wait(timeout)
    # Children (a worker in warm shutdown) may outlive their parent: nothing of the test survives it.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.wait(5)


def wait_until(predicate, timeout: float = 30, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")
