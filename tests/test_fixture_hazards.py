"""HAZARDS.md of each fixture is a contract: every row's anchor is on the line it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

ROW = re.compile(
    r"^\|\s*(?P<id>[\w-]+)\s*\|(?P<hazard>.*?)\|\s*(?P<where>[^|\s]+):(?P<line>\d+)\s*\|(?P<anchor>(?:[^|\\]|\\.)*)\|"
)


def rows(fixture: Path) -> list[tuple[str, str, int, str]]:
    found = []
    for line in (fixture / "HAZARDS.md").read_text().splitlines():
        match = ROW.match(line)
        if match:
            anchor = match["anchor"].strip().replace("\\|", "|")
            found.append((match["id"], match["where"], int(match["line"]), anchor))
    return found


FIXTURE_ROWS = [
    (fixture.name, *row)
    for fixture in sorted(FIXTURES.iterdir())
    if (fixture / "HAZARDS.md").exists()
    for row in rows(fixture)
]


def test_every_fixture_lists_its_hazards() -> None:
    names = {row[0] for row in FIXTURE_ROWS}
    assert {"monorepo", "harbour", "legacy", "allotment"} <= names
    # every table row that names a place (path:line) is read: none is skipped by the pattern
    for fixture in {row[0] for row in FIXTURE_ROWS}:
        text = (FIXTURES / fixture / "HAZARDS.md").read_text()
        placed = [line for line in text.splitlines() if re.match(r"^\|[^|]*\|[^|]*\|\s*[^|\s]+:\d+\s*\|", line)]
        assert sum(1 for row in FIXTURE_ROWS if row[0] == fixture) == len(placed) > 0, fixture


@pytest.mark.parametrize(
    ("fixture", "hazard", "path", "line", "anchor"), FIXTURE_ROWS, ids=[f"{r[0]}:{r[1]}" for r in FIXTURE_ROWS]
)
def test_hazard_anchor_is_on_its_line(fixture: str, hazard: str, path: str, line: int, anchor: str) -> None:
    lines = (FIXTURES / fixture / path).read_text().splitlines()
    assert 1 <= line <= len(lines), f"{hazard}: {path} has {len(lines)} lines"
    assert anchor in lines[line - 1], f"{hazard}: {path}:{line} is {lines[line - 1]!r}"
