"""The migration-document rule, table-driven against its definition.

:func:`restructure.text.migration.find_migration_document` looks each pair's old end up
where it occurs in the text instead of testing every pair on every line. The definition
(kept here) tests every pair on every line of ``text.splitlines()``. Each row is a document
shaped by one hazard; both must give the same finding (lines, relocations, example) or none.
"""

from __future__ import annotations

import pytest

from restructure.text import migration
from restructure.text.migration import Finding, _key, _names_pair, _tail

PAIRS = {
    ("services/academy_service/app/main.py", "services/academy_service/main.py"),
    ("app/main.py", "main.py"),
    ("app.main", "main"),
    ("services/academy_service/models.py", "services/academy_service/models"),
    ("services.academy_service.models", "services.academy_service.models"[:-1] + "s_pkg"),
    ("app/tests", "tests"),
    ("router.py", "routers"),
}


def by_definition(text: str, pairs: set[tuple[str, str]]) -> Finding | None:
    present = sorted((old, new) for old, new in pairs if old in text and _tail(new) in text)
    if not present:
        return None
    lines = 0
    named: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        on_line = [(o, n) for o, n in present if o in line and _tail(n) in line and _names_pair(line, o, n)]
        if on_line:
            lines += 1
            for old, new in on_line:
                named.setdefault(_key(old), (old, new))
    if lines < migration.MIN_PAIR_LINES or len(named) < migration.MIN_RELOCATIONS:
        return None
    old, new = next((pair for pair in named.values() if "/" in pair[0]), next(iter(named.values())))
    return Finding(lines, len(named), f"`{old}` -> `{new}`")


PLAN_COPY = """\
# Plan
- move `app/main.py` -> `main.py` in every service
- `services/academy_service/app/main.py` becomes `services/academy_service/main.py`
- split `services/academy_service/models.py` into `services/academy_service/models/`
- `app/tests` moves to `tests`; `router.py` becomes `routers/`
- `app.main:app` is served as `main:app`
"""

ROWS = [
    ("a plan copy", PLAN_COPY),
    ("a single note about one move", "We moved `app/main.py` to `main.py`.\n"),
    ("pairs on too few lines", "`app/main.py` -> `main.py`, `app/tests` -> `tests`\n"),
    ("old ends in prose, no new end", "The file app/main.py starts the app.\nSee app/tests too.\n" * 3),
    ("several occurrences of one old end on a line", "`app/main.py`, `app/main.py` and `main.py`\n" * 4),
    ("the new end only inside the old one", "`services/academy_service/app/main.py` alone\n" * 4),
    ("CRLF line ends", PLAN_COPY.replace("\n", "\r\n")),
    ("lone CR line ends", PLAN_COPY.replace("\n", "\r")),
    ("form feed and unicode line separators", PLAN_COPY.replace("\n", "\x0c", 2).replace("\n", "\u2028", 2)),
    ("no newline at the end", PLAN_COPY.rstrip("\n")),
    ("an old end at the very end of the text", PLAN_COPY + "`main.py` from `app/main.py`"),
    ("empty lines and a first line with a pair", "`app/main.py` -> `main.py`\n\n\n" + PLAN_COPY),
    ("unicode text before the pairs", "Ünïcödé — " + PLAN_COPY),
    ("a word that only looks like an end", "mainframe app/mainly tests_app\n" * 5),
    ("nothing of the plan", "# Readme\nNothing here.\n"),
]


@pytest.mark.parametrize(("hazard", "text"), ROWS, ids=[r[0] for r in ROWS])
def test_the_finding_is_the_definitions(hazard: str, text: str) -> None:
    assert migration.find_migration_document(text, PAIRS) == by_definition(text, PAIRS)


def test_the_table_holds_findings_and_refusals() -> None:
    found = [hazard for hazard, text in ROWS if by_definition(text, PAIRS) is not None]
    assert "a plan copy" in found and "CRLF line ends" in found
    assert len(found) < len(ROWS)
