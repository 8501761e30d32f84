"""The shape of the code (docs/architecture.md) holds: citations resolve inside the repository and no
module reaches into another app's private names. (The layers themselves: import-linter, pyproject.toml.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bmtrack"

# Private names of another app still used across the boundary, until issue 15 step 3 gives the
# synthetic cohort a public planning seam. The test fails when one of these goes away, so the list
# only ever shrinks.
KNOWN_PRIVATE_USES: set[tuple[str, str]] = set()  # none left: the planning seam is public (surveillance.plan)


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _private_uses(path: Path) -> set[str]:
    """``module._name`` of another app that ``path`` imports or reads through a module alias."""
    own = _app(_module_of(path))
    tree = ast.parse(path.read_text(), filename=str(path))
    aliases: dict[str, str] = {}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bmtrack."):
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                if _app(node.module) != own and alias.name.startswith("_"):
                    found.add(target)
                aliases[alias.asname or alias.name] = target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("bmtrack.") and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr.startswith("_")
                and not node.attr.startswith("__") and node.value.id in aliases):
            module = aliases[node.value.id]
            if _app(module) != own:
                found.add(f"{module}.{node.attr}")
    return found


def test_no_module_uses_another_apps_private_names():
    uses = {(str(path.relative_to(ROOT)), name) for path in _sources() for name in _private_uses(path)}
    assert uses - KNOWN_PRIVATE_USES == set(), "private names of another app: make them public or move the code"
    assert KNOWN_PRIVATE_USES - uses == set(), "a known private use is gone: remove it from KNOWN_PRIVATE_USES"


def test_the_private_name_check_sees_an_import_and_an_alias():
    probe = PACKAGE / "web" / "_probe_for_test.py"
    probe.write_text("from bmtrack.surveillance.services import _settle\n"
                     "from bmtrack.patients import services as s\n"
                     "s._check_day\n")
    try:
        assert _private_uses(probe) == {"bmtrack.surveillance.services._settle", "bmtrack.patients.services._check_day"}
    finally:
        probe.unlink()


CITED_PAGE = re.compile(r"\b(?:docs/)?(?:clinical/)?([a-z][a-z0-9-]*\.md)\b")
CITED_PATH = re.compile(r"\bdocs/[A-Za-z0-9_/.*-]*[A-Za-z0-9_*]")


def _cited_files():
    for path in [*_sources(), *sorted((ROOT / "templates").rglob("*.html"))]:
        text = path.read_text()
        for match in CITED_PATH.finditer(text):
            yield path, match.group(0)


def test_every_docs_path_cited_in_the_code_exists_in_the_repository():
    missing = sorted({(str(path.relative_to(ROOT)), cited) for path, cited in _cited_files()
                      if not list(ROOT.glob(cited))})
    assert not missing, f"citations that do not resolve: {missing}"


def test_every_clinical_page_named_in_the_code_is_in_docs_clinical():
    pages = {match.group(1) for path in _sources() for match in CITED_PAGE.finditer(path.read_text())}
    missing = sorted(page for page in pages
                     if not (ROOT / "docs" / "clinical" / page).exists() and not (ROOT / "docs" / page).exists())
    assert not missing, f"pages cited but not in docs/ or docs/clinical/: {missing}"


def test_no_citation_points_outside_the_repository():
    outside = sorted({str(path.relative_to(ROOT)) for path in [*_sources(), *(ROOT / "templates").rglob("*.html")]
                      if "shared/clinical" in path.read_text()})
    assert not outside, f"cite docs/clinical/, not the design notes outside the repository: {outside}"
