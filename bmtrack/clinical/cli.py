"""The CLI contract of DESIGN.md: ``python -m bmtrack.clinical <command>``.

One JSON object on standard input, one on standard output. Invalid input exits with status 2
and ``{"error": "...", "field": "..."}`` naming the field. Commands are imported lazily so that
start-up stays well under a second.
"""

from __future__ import annotations

import importlib
import json
import sys

from bmtrack.clinical.errors import ClinicalInputError

# command -> (module, function): each function takes the parsed JSON object and returns a dict.
COMMANDS = {
    "gpa": ("bmtrack.clinical.gpa", "run"),
    "rano": ("bmtrack.clinical.rano", "run"),
    "schedule": ("bmtrack.clinical.schedule", "run"),
    "screening": ("bmtrack.clinical.screening", "run"),
    "protocol": ("bmtrack.clinical.protocol", "run"),
}

USAGE = "usage: python -m bmtrack.clinical {" + "|".join(COMMANDS) + "} < input.json"


def run_command(command: str, payload) -> dict:
    module_name, function_name = COMMANDS[command]
    function = getattr(importlib.import_module(module_name), function_name)
    if not isinstance(payload, dict):
        raise ClinicalInputError("input", "must be a JSON object")
    return function(payload)


def main(argv: list[str] | None = None, stdin=None, stdout=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if len(argv) != 1 or argv[0] not in COMMANDS:
        _emit(stdout, {"error": USAGE, "field": "command"})
        return 2
    try:
        payload = json.load(stdin)
    except json.JSONDecodeError as exc:
        _emit(stdout, {"error": f"input: not valid JSON ({exc.msg} at line {exc.lineno})", "field": "input"})
        return 2
    try:
        result = run_command(argv[0], payload)
    except ClinicalInputError as exc:
        _emit(stdout, exc.as_dict())
        return 2
    _emit(stdout, result)
    return 0


def _emit(stdout, obj: dict) -> None:
    json.dump(obj, stdout, ensure_ascii=False, indent=2)
    stdout.write("\n")
