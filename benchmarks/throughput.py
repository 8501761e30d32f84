"""Patient-detail API throughput under gunicorn with concurrent clients, beside a trivial view.

Starts gunicorn on 127.0.0.1 (``benchmarks.wsgi``: the app plus ``/bench/trivial/``), then runs
wrk (Debian's package) for a bounded time against each URL, with the nurse's API token; the
API requests rotate over 200 of the nurse's patients. Prints requests/s, latency and the ratio
API / trivial. Loopback only; everything started here is stopped here.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.common import busiest_nurse, cohort_size

DURATION = os.environ.get("BENCH_WRK_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_WRK_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "2"))
LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, headers: dict, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} in {seconds} s")


def wrk(url: str, token: str, script: Path | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-H", f"Authorization: Token {token}"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, timeout=120, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non_2xx": int(errors.group(1)) if errors else 0}


def main() -> None:
    from rest_framework.authtoken.models import Token

    from bmtrack.accounts.access import patients_for

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    nurse = busiest_nurse()
    if nurse is None:
        raise SystemExit("no generated cohort here: run manage.py generate_cohort first")
    token, _ = Token.objects.get_or_create(user=nurse)
    ids = list(patients_for(nurse).order_by("pk").values_list("public_id", flat=True)[:200])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "benchmarks.wsgi:application", "-b", f"127.0.0.1:{port}",
         "-w", str(WORKERS), "--log-level", "warning"],
        env={**os.environ, "LOG_LEVEL": "WARNING"}, start_new_session=True)
    try:
        headers = {"Authorization": f"Token {token.key}"}
        wait_until_up(f"{base}/bench/trivial/", headers)
        wait_until_up(f"{base}/api/v1/patients/{ids[0]}", headers)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA % ", ".join(f'"/api/v1/patients/{i}"' for i in ids))
        trivial = wrk(f"{base}/bench/trivial/", token.key)
        detail = wrk(f"{base}/api/v1/patients/{ids[0]}", token.key, Path(script.name))
        os.unlink(script.name)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(f"cohort {cohort_size()} patients; gunicorn {WORKERS} sync workers, wrk 2 threads x {CONNECTIONS} "
          f"connections for {DURATION} each, loopback; load average {os.getloadavg()[0]:.1f}")
    for name, result in (("trivial view (/bench/trivial/)", trivial), ("patient-detail API", detail)):
        print(f"{name:42} {result['rps']:8.0f} req/s  latency p50 {result['p50']:>8}  p99 {result['p99']:>8}"
              f"  non-2xx {result['non_2xx']}", flush=True)
    print(f"{'ratio patient-detail / trivial':42} {detail['rps'] / trivial['rps']:8.2f}", flush=True)


if __name__ == "__main__":
    main()
