"""Paths built in code for loaders: what each form evaluates to, and how it is rewritten.

One row per form: the location expression (in a loader call of a file at a given path),
the repository path it names, and after ``services/a/app/main.py`` -> ``services/a/main.py``
(the file itself possibly moving) the expression as rewritten: only literal tokens change.
"""

from __future__ import annotations

import pytest

from restructure.python import file_paths

MOVES = {"services/a/app/main.py": "services/a/main.py"}
ROOT = "ROOT = Path(__file__).resolve().parents[1]\n"

# (form, prelude, location, file before, file after, target, location after)
ROWS = [
    ("slash chain from a root name", ROOT, 'ROOT / "services" / "a" / "app" / "main.py"', "tests/t.py", "tests/t.py",
     "services/a/app/main.py", 'ROOT / "services" / "a" / "main.py"'),
    ("one literal holding slashes", ROOT, 'ROOT / "services/a/app/main.py"', "tests/t.py", "tests/t.py",
     "services/a/app/main.py", 'ROOT / "services/a/main.py"'),
    ("parents[n] inline", "", 'Path(__file__).parents[1] / "services" / "a" / "app" / "main.py"', "tests/t.py",
     "tests/t.py", "services/a/app/main.py", 'Path(__file__).parents[1] / "services" / "a" / "main.py"'),
    ("os.path.join with '..'", "", "os.path.join(os.path.dirname(__file__), '..', 'app', 'main.py')",
     "services/a/tests/t.py", "services/a/tests/t.py", "services/a/app/main.py",
     "os.path.join(os.path.dirname(__file__), '..', 'main.py')"),
    ("joinpath", "", 'Path(__file__).parent.parent.joinpath("app", "main.py")', "services/a/tests/t.py",
     "services/a/tests/t.py", "services/a/app/main.py", 'Path(__file__).parent.parent.joinpath("main.py")'),
    ("str() around it", "", 'str(Path(__file__).parent / "app" / "main.py")', "services/a/conftest.py",
     "services/a/conftest.py", "services/a/app/main.py", 'str(Path(__file__).parent / "main.py")'),
    ("the loading file moves with the target: unchanged", "", 'Path(__file__).parent.parent / "main.py"',
     "services/a/app/tests/t.py", "services/a/tests/t.py", "services/a/app/main.py",
     'Path(__file__).parent.parent / "main.py"'),
    ("the loading file moves, the target stays: a component more", "", 'Path(__file__).parent.parent / "config.py"',
     "services/a/app/tests/t.py", "services/a/tests/t.py", "services/a/app/config.py",
     'Path(__file__).parent.parent / "app" / "config.py"'),
    ("a target nothing moves: unchanged", ROOT, 'ROOT / "libs" / "db.py"', "tests/t.py", "tests/t.py",
     "libs/db.py", 'ROOT / "libs" / "db.py"'),
]  # fmt: skip


def _source(prelude: str, location: str) -> str:
    return (
        "import importlib.util\nimport os\nfrom pathlib import Path\n\n"
        + prelude
        + f'SPEC = importlib.util.spec_from_file_location("m", {location})\n'
    )


@pytest.mark.parametrize(("prelude", "location", "before", "after", "target", "rewritten"), [r[1:] for r in ROWS],
                         ids=[r[0] for r in ROWS])  # fmt: skip
def test_a_loader_path_names_where_its_file_went(
    prelude: str, location: str, before: str, after: str, target: str, rewritten: str
) -> None:
    source = _source(prelude, location)
    (found,) = file_paths.find(source, before)
    assert found.target == target
    moved = {**MOVES, "services/a/app/tests/t.py": "services/a/tests/t.py"}
    text, count = file_paths.rewrite(source, before, source, after, moved.get)
    assert text == _source(prelude, rewritten)
    assert count == (0 if rewritten == location else 1)
    (now,) = file_paths.find(text, after)
    assert now.target == moved.get(target, target)


@pytest.mark.parametrize(
    "location",
    [
        'ROOT / f"services/a/app/main.py"',  # an f-string: not a literal
        "ROOT / name / 'main.py'",  # a name bound nowhere
        '"/opt/app/main.py"',  # outside the repository
    ],
)
def test_a_path_that_cannot_be_evaluated_is_not_a_reference(location: str) -> None:
    assert file_paths.find(_source(ROOT, location), "tests/t.py") == []


# (form, assignment, file before, file after, assignment after): a module-level path built
# from ``__file__`` keeps naming the same file when the file holding it moves
ANCHORED_ROWS = [
    ("os.path.join with '..': the test moves one level up",
     "COMMITTED = os.path.join(os.path.dirname(__file__), '..', '..', 'openapi.json')",
     "services/a/app/tests/t.py", "services/a/tests/t.py",
     "COMMITTED = os.path.join(os.path.dirname(__file__), '..', 'openapi.json')"),
    ("Path parents: a component more", 'DATA = Path(__file__).parent.parent / "schema.sql"',
     "services/a/app/tests/t.py", "services/a/tests/t.py",
     'DATA = Path(__file__).parent.parent / "app" / "schema.sql"'),
    ("the file does not move: unchanged", 'DATA = Path(__file__).parent / "data.json"',
     "services/a/tests/t.py", "services/a/tests/t.py", 'DATA = Path(__file__).parent / "data.json"'),
    ("no literal component: nothing to rewrite", "HERE = Path(__file__).parent",
     "services/a/app/tests/t.py", "services/a/tests/t.py", "HERE = Path(__file__).parent"),
]  # fmt: skip


@pytest.mark.parametrize(("assignment", "before", "after", "rewritten"), [r[1:] for r in ANCHORED_ROWS],
                         ids=[r[0] for r in ANCHORED_ROWS])  # fmt: skip
def test_a_path_built_from_file_names_the_same_file_after_a_move(
    assignment: str, before: str, after: str, rewritten: str
) -> None:
    head = "import os\nfrom pathlib import Path\n\n"
    text, count = file_paths.rewrite(head + assignment + "\n", before, head + assignment + "\n", after, {}.get)
    assert text == head + rewritten + "\n"
    assert count == (0 if rewritten == assignment else 1)


def test_a_loader_path_bound_to_a_name_is_rewritten_once() -> None:
    source = (
        "import importlib.util\nfrom pathlib import Path\n\n"
        'LOCATION = Path(__file__).parent.parent / "main.py"\n'
        'SPEC = importlib.util.spec_from_file_location("m", LOCATION)\n'
    )
    text, count = file_paths.rewrite(source, "services/a/app/tests/t.py", source, "services/a/tests/t.py", {}.get)
    assert count == 1
    assert 'LOCATION = Path(__file__).parent.parent / "app" / "main.py"\n' in text
