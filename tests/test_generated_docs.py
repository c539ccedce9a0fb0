"""Generated documents state facts: only paths that exist, the check's real result, the
document where the repository keeps it. One row per way a document used to claim too much."""

from __future__ import annotations

from pathlib import Path

import pytest

from restructure import docs
from restructure.editset import VirtualTree
from restructure.plan import load_plan
from restructure.report import DONE, FAILED, NOT_FOUND, PhaseReport

PLAN = """\
version: 1
services: [alpha]
line_limit: 10
exceptions:
  - {path: services/alpha_service/models.py, rule: 2, reason: kept whole on purpose}
  - {path: services/alpha_service/gone.py, rule: 2, reason: a phase that found nothing to do}
phases:
  - phase: 1
    title: docs
    scope: repo
    steps:
      - {op: docs-layout-section, file: ARCHITECTURE.md}
"""

LONG = "".join(f"x{i} = {i}\n" for i in range(40))
BASE = {
    "pyproject.toml": "[project]\nname = 'x'\n",
    "services/alpha_service/__init__.py": "",
    "services/alpha_service/main.py": "app = None\n",
    "services/alpha_service/models.py": LONG,
}


def _tree(extra: dict[str, str]) -> VirtualTree:
    files = {**BASE, **extra}
    return VirtualTree(Path("/nonexistent"), {p: p for p in files}, dict(files))


@pytest.fixture
def plan(tmp_path: Path):
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN)
    return load_plan(path)


def test_only_existing_exception_paths_are_written(plan) -> None:
    tree, report = _tree({}), PhaseReport(15, "docs")
    docs.write_conventions(plan, tree, {"file": "CONVENTIONS.md"}, report)
    for text in (tree.read("CONVENTIONS.md"), tree.read("pyproject.toml")):
        assert "services/alpha_service/models.py" in text
        assert "gone.py" not in text
    assert any("gone.py" in n and "does not exist" in n for n in report.notes)


@pytest.mark.parametrize(
    ("extra", "violations"),
    [
        ({}, []),  # the long file is an accepted exception
        ({"services/alpha_service/schemas.py": LONG}, ["services/alpha_service/schemas.py"]),
        (
            {"services/alpha_service/app/main.py": "", "services/alpha_service/schemas.py": LONG},
            ["services/alpha_service/app", "services/alpha_service/schemas.py"],
        ),
    ],
)
def test_conventions_step_states_the_checks_result(plan, extra: dict[str, str], violations: list[str]) -> None:
    """No violation: the document says so. Violations nobody accepted: the step fails (verify's
    layout step would), names each one, and says how the plan accepts it; no document claims
    anything."""
    tree, report = _tree(extra), PhaseReport(15, "docs")
    outcome, detail = docs.write_conventions(plan, tree, {"file": "CONVENTIONS.md"}, report)
    if not violations:
        assert outcome == DONE
        assert "reports no violation" in tree.read("CONVENTIONS.md")
        return
    assert outcome == FAILED
    assert detail.startswith(f"{len(report.needs_human)} convention violation(s) would remain")
    assert "`exceptions:`" in detail
    assert sorted({item.path for item in report.needs_human}) == violations
    assert not tree.exists("CONVENTIONS.md")


@pytest.mark.parametrize(
    ("files", "outcome", "where"),
    [
        ({"ARCHITECTURE.md": "# A\n"}, DONE, "ARCHITECTURE.md"),
        ({"docs/ARCHITECTURE.md": "# A\n"}, DONE, "docs/ARCHITECTURE.md"),
        ({"docs/ARCHITECTURE.md": "# A\n", "docs/old/ARCHITECTURE.md": "# B\n"}, DONE, "docs/ARCHITECTURE.md"),
        ({}, NOT_FOUND, "no ARCHITECTURE.md in the repository"),
    ],
)
def test_doc_sections_find_the_document(plan, files: dict[str, str], outcome: str, where: str) -> None:
    tree, report = _tree(files), PhaseReport(15, "docs")
    result, detail = docs.layout_section(plan, tree, {"file": "ARCHITECTURE.md"}, report)
    assert result == outcome and where in detail
    if outcome == DONE:
        assert "<!-- restructure:standard-layout -->" in tree.read(where)
