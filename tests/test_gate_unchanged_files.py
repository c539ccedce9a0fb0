"""The reference gate skips the files a change cannot break, and only those.

A phase leaves most files of a monorepo as they were; the gate does not scan an unchanged
Python file whose every reference resolves only through unchanged files
(:func:`restructure.check_references.unaffected`). Each row is a way an *unchanged* file can
still break: the change happens elsewhere (a module moved, a name dropped from a module's
text, a namespace directory gone, a sibling of a relative import moved, a patch or ASGI
target rewritten, a file loaded by a path built in code moved). For every row the gate must
report what a full scan of both trees reports, and the row's break in particular; the last
rows change something unrelated, and the file is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from restructure import check_references, trees
from restructure import roots as import_roots
from restructure.editset import VirtualTree
from tests.conftest import make_repo

BASE = {
    "pkg/__init__.py": "",
    "pkg/mod.py": "NAME = 1\n\n\ndef func():\n    return NAME\n",
    "pkg/sub.py": "VALUE = 2\n",
    "pkg/main.py": "app = object()\n",
    "nspkg/sub/leaf.py": "LEAF = 3\n",
    "other/__init__.py": "",
    "other/x.py": "X = 4\n",
}
LOADER = (
    "import importlib.util\nfrom pathlib import Path\n\n"
    'SPEC = importlib.util.spec_from_file_location("m", Path(__file__).parent / "pkg" / "sub.py")\n'
)
Change = Callable[[VirtualTree], None]


def _move(source: str, dest: str) -> Change:
    return lambda tree: tree.move(source, dest) and None


def _write(path: str, text: str) -> Change:
    return lambda tree: tree.write(path, text)


def _delete(*paths: str) -> Change:
    def change(tree: VirtualTree) -> None:
        for path in paths:
            tree.delete(path)

    return change


# (hazard, the unchanged file and its text, the change, the break the gate must find: "path:line" or None)
ROWS: list[tuple[str, dict[str, str], Change, str | None]] = [
    (
        "a module an import names moves away",
        {"use.py": "import pkg.mod\n"},
        _move("pkg/mod.py", "pkg/moved.py"),
        "use.py:1",
    ),
    (
        "a name dropped from a module's text",
        {"use.py": "from pkg.mod import NAME\n"},
        _write("pkg/mod.py", "OTHER = 1\n"),
        "use.py:1",
    ),
    (
        "a submodule imported from its package moves",
        {"use.py": "from pkg import sub\n"},
        _move("pkg/sub.py", "other/sub.py"),
        "use.py:1",
    ),
    (
        "a namespace package's directory goes",
        {"use.py": "from nspkg.sub import leaf\n"},
        _move("nspkg/sub/leaf.py", "nspkg/leaf.py"),
        "use.py:1",
    ),
    (
        "a module a from-import names is deleted",
        {"use.py": "from pkg.sub import VALUE\n"},
        _delete("pkg/sub.py"),
        "use.py:1",
    ),
    (
        "a relative import's sibling moves",
        {"pkg/rel.py": "from .sub import VALUE\n"},
        _move("pkg/sub.py", "other/sub.py"),
        "pkg/rel.py:1",
    ),
    (
        "a package re-export loses its source",
        {"pkg/__init__.py": "from .sub import VALUE\n", "use.py": "from pkg import VALUE\n"},
        _write("pkg/sub.py", "OTHER = 2\n"),
        "pkg/__init__.py:1",
    ),
    (
        "a patch target's function is dropped",
        {"test_use.py": 'from unittest import mock\n\n\n@mock.patch("pkg.mod.func")\ndef test(m):\n    pass\n'},
        _write("pkg/mod.py", "NAME = 1\n"),
        "test_use.py:4",
    ),
    (
        "an ASGI target's object is dropped",
        {"run.py": 'import uvicorn\n\nuvicorn.run("pkg.main:app")\n'},
        _write("pkg/main.py", "application = object()\n"),
        "run.py:3",
    ),
    (
        "a file loaded by a path built in code moves",
        {"load.py": LOADER},
        _move("pkg/sub.py", "other/sub.py"),
        "load.py:4",
    ),
    ("an unrelated module moves", {"use.py": "from pkg.mod import NAME\n"}, _move("other/x.py", "other/y.py"), None),
    ("an unrelated module is rewritten", {"use.py": "import pkg.sub\n"}, _write("other/x.py", "X = 5\n"), None),
]


@pytest.mark.parametrize(("hazard", "files", "change", "broken"), ROWS, ids=[r[0] for r in ROWS])
def test_the_gate_finds_what_a_full_scan_finds(
    tmp_path: Path, hazard: str, files: dict[str, str], change: Change, broken: str | None
) -> None:
    repo = make_repo(tmp_path / "repo", {**BASE, **files})
    original = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts)
    old = trees.from_disk(repo, original)
    roots = import_roots.infer(old)
    tree = VirtualTree.from_paths(repo, original)
    change(tree)

    gated = check_references.gate(repo, original, tree, roots)
    full = check_references.compare(trees.from_disk(repo, original), trees.from_virtual(tree), roots=roots)

    assert gated.lines() == full.lines(), hazard
    places = [f"{f.reference.path}:{f.reference.line}" for f in gated.broken]
    if broken is not None:
        assert broken in places, f"{hazard}: {gated.lines()}"
    else:
        assert places == []
        unchanged = frozenset(p for p, o in tree.files.items() if o == p and p not in tree.texts)
        skipped = check_references.unaffected(old, trees.from_virtual(tree), roots, unchanged)
        assert set(files) <= skipped, f"{hazard}: the unchanged file was scanned although nothing it names changed"
