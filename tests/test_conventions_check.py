"""The conventions checker on disk and on a tree held in memory: one row per rule and per
hazard of reading the files (line ends, order, skipped directories).

``invoke conventions`` and the verify harness read the repository on disk; the conventions
document a phase writes states what the same check says of the tree the phase holds in memory.
Each row is written to disk and checked both ways: the violations must be the same, and the
row's rules must be among them (so that a row that stopped finding anything fails)."""

from __future__ import annotations

from pathlib import Path

import pytest

from restructure.conventions import MemoryFiles, check_repo

S = "services/academy_service"
OK = {f"{S}/main.py": "app = 1\n", f"{S}/__init__.py": ""}
MODEL = "from x import Base\n\n\nclass Course(Base):\n    pass\n"
LONG = "x = 1\n" * 12
LIMIT_3 = "[tool.restructure.conventions]\nline-limit = 3\n"
LIMIT_10 = "[tool.restructure.conventions]\nline-limit = 10\n"

ROWS: list[tuple[str, dict[str, str], set[int]]] = [
    ("a service that holds every rule", OK, set()),
    ("app/ wrapper, no main.py", {f"{S}/app/main.py": "app = 1\n"}, {1, 4}),
    ("tests nested in app/", {**OK, f"{S}/app/tests/test_a.py": "def test(): pass\n"}, {4, 5}),
    ("a variant directory name", {**OK, f"{S}/schema/x.py": "A = 1\n"}, {7}),
    ("a layer file over the limit", {**OK, f"{S}/models.py": LONG}, {2}),
    ("over the limit, CRLF line ends", {**OK, f"{S}/models.py": LONG.replace("\n", "\r\n")}, {2}),
    ("over the limit, lone CR line ends", {**OK, f"{S}/models.py": LONG.replace("\n", "\r")}, {2}),
    ("no final newline counts the last line", {**OK, f"{S}/models.py": LONG + "y = 2"}, {2}),
    ("a test file over the limit is not a layer file", {**OK, f"{S}/tests/models.py": LONG}, set()),
    ("a model class in a router", {**OK, f"{S}/routers/courses.py": MODEL}, {3}),
    ("a schema class in a *_router.py", {**OK, f"{S}/x_router.py": "class A(BaseModel):\n    pass\n"}, {3}),
    ("models/__init__ without __all__", {**OK, f"{S}/models/__init__.py": "", f"{S}/models/a.py": MODEL}, {6}),
    (
        "a public name not re-exported",
        {**OK, f"{S}/models/__init__.py": "__all__ = ['Other']\n", f"{S}/models/a.py": MODEL},
        {6},
    ),
    ("alembic is skipped", {**OK, f"{S}/alembic/versions/models.py": LONG, f"{S}/alembic/api/x.py": ""}, set()),
    ("__pycache__ is skipped", {**OK, f"{S}/__pycache__/router.py": MODEL}, set()),
    ("a file that does not parse", {**OK, f"{S}/broken.py": "def f(:\n"}, {1}),
    ("a hidden .py and a '..py' file", {**OK, f"{S}/.hidden.py": "def f(:\n", f"{S}/..py": "x = (\n"}, {1}),
    (
        "order by path parts, not by string ('a-b' sorts after 'a/b')",
        {**OK, f"{S}/a-b.py": "def f(:\n", f"{S}/a/b.py": "def f(:\n", f"{S}/a/router.py": MODEL},
        {1, 3},
    ),
    ("a directory that is not a service", {**OK, "services/shared/models.py": LONG}, set()),
    (
        "accepted exceptions in pyproject.toml",
        {
            **OK,
            f"{S}/models.py": LONG,
            f"{S}/routers/a.py": MODEL,
            "pyproject.toml": f'[tool.restructure.conventions]\nline-limit = 5\nallow-long = ["{S}/models.py"]\n'
            f'allow = ["{S}/routers/a.py:CONV3"]\n',
        },
        set(),
    ),
    ("the limit from pyproject.toml", {**OK, f"{S}/schemas.py": "x = 1\n" * 4, "pyproject.toml": LIMIT_3}, {2}),
    (
        "two services, in name order",
        {**OK, "services/b_service/app/x.py": "", "services/a_service/app/y.py": ""},
        {1, 4},
    ),
]


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode("utf-8"))  # line ends as given


@pytest.mark.parametrize(("label", "files", "rules"), ROWS, ids=[r[0] for r in ROWS])
def test_memory_and_disk_report_the_same_violations(
    label: str, files: dict[str, str], rules: set[int], tmp_path: Path
) -> None:
    limited = files if "pyproject.toml" in files else {**files, "pyproject.toml": LIMIT_10}
    _write(tmp_path, limited)
    on_disk = [str(v) for v in check_repo(tmp_path)]
    in_memory = [str(v) for v in check_repo(MemoryFiles(limited))]
    assert in_memory == on_disk
    assert {v.rule for v in check_repo(MemoryFiles(limited))} == rules, on_disk
