"""``ImportRoots.candidates``: the roots an absolute import of a file may resolve from, looked
up per ancestor directory, against its definition (every ``sys.path`` entry whose directory
is above the file, in the order the entries were added), one row per shape of entries."""

from __future__ import annotations

import posixpath

import pytest

from restructure.roots import ImportRoots

PATHS = [
    "top.py",
    "services/a/app/main.py",
    "services/a/tests/test_x.py",
    "services/ab/app/main.py",  # "services/a" is not above it
    "services/b/alembic/env.py",
    "deep/er/still/x.py",
]

ROWS: dict[str, list[tuple[str, str]]] = {
    "none": [],
    "the repository root": [("", "src")],
    "one service": [("services/a", "services/a/app")],
    "nested, added inner first": [("services/a/tests", "services/a"), ("services/a", "services/a/app")],
    "nested, added outer first": [("services/a", "services/a/app"), ("services/a/tests", "services/a")],
    "the same root twice": [("services/a", "services"), ("", "services"), ("services/a", "lib")],
    "a sibling with a common prefix": [("services/ab", "services/ab"), ("services/a", "x")],
    "many services": [(f"services/s{i}", f"services/s{i}/app") for i in range(60)] + [("services/b", "b")],
}


def defined(extra: list[tuple[str, str]], path: str) -> list[str]:
    found: list[str] = []
    directory = posixpath.dirname(path)
    while True:
        found.append(directory)
        if not directory:
            break
        directory = posixpath.dirname(directory)
    by_base: dict[str, list[str]] = {}
    for base, root in extra:
        by_base.setdefault(base, []).append(root)
    for base, roots in by_base.items():
        if not base or path.startswith(base + "/"):
            found.extend(r for r in roots if r not in found)
    return found


@pytest.mark.parametrize("row", list(ROWS), ids=list(ROWS))
def test_candidates_follow_their_definition(row: str) -> None:
    roots = ImportRoots()
    for base, root in ROWS[row]:
        roots.add_extra(base, root)
    assert {p: roots.candidates(p) for p in PATHS} == {p: defined(ROWS[row], p) for p in PATHS}
    more = ("services/a", "late")  # an entry added after the first answers
    roots.add_extra(*more)
    assert {p: roots.candidates(p) for p in PATHS} == {p: defined([*ROWS[row], more], p) for p in PATHS}
