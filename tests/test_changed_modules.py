"""Which module lookups a change can answer differently: ``ChangedModules.hit`` against its
definition (the lookup's path, or the path of a leading part of it, is a changed base), one
row per shape of root and change."""

from __future__ import annotations

import posixpath

import pytest

from restructure.resolve import ChangedModules, join, looked_at
from restructure.trees import FileTree


def tree(*paths: str) -> FileTree:
    return FileTree(frozenset(paths), lambda _path: "")


OLD = tree("svc/app/main.py", "svc/app/models.py", "svc/app/__init__.py", "lib/util.py", "top.py")

ROWS = {
    "a moved module": (OLD, tree("svc/app/__init__.py", "svc/main.py", "svc/app/models.py", "lib/util.py", "top.py")),
    "a package's __init__ gone": (OLD, tree("svc/app/main.py", "svc/app/models.py", "lib/util.py", "top.py")),
    "a top-level module gone": (OLD, tree(*(p for p in OLD.paths if p != "top.py"))),
    "a new directory": (OLD, tree(*OLD.paths, "svc/app/routers/members.py")),
}

ROOTS = ["", "svc", "svc/app", "lib", "svc/./app", "other", "svc/app/routers"]
DOTTED = ["app", "app.main", "app.models.Cohort", "main", "routers.members", "util", "top", "svc.app.main", "x"]


def defined_hit(bases: frozenset[str], root: str, dotted: str) -> bool:
    parts = dotted.split(".")
    return any(join(root, posixpath.join(*parts[:cut])) in bases for cut in range(1, len(parts) + 1))


@pytest.mark.parametrize("row", list(ROWS), ids=list(ROWS))
def test_hit_follows_its_definition_for_every_root(row: str) -> None:
    old, new = ROWS[row]
    changes = ChangedModules.between(old, new)
    assert changes.bases, "the row changes something"
    wrong = [
        (root, dotted)
        for root in ROOTS
        for dotted in DOTTED
        if changes.hit(root, dotted) != defined_hit(changes.bases, root, dotted)
    ]
    assert not wrong
    assert any(changes.hit(root, dotted) for root in ROOTS for dotted in DOTTED), "some lookup is touched"


def test_a_root_with_nothing_changed_below_it_is_never_hit() -> None:
    changes = ChangedModules.between(OLD, ROWS["a moved module"][1])
    assert not any(changes.hit("lib", dotted) for dotted in DOTTED)


NAMES = [(), ("main",), ("models", "Cohort"), ("members",), ("x", "util")]
ROOT_SETS = [("",), ("svc",), ("svc/app", "lib"), ("other",), ("svc/./app",), ("", "svc/app/routers")]


@pytest.mark.parametrize("row", list(ROWS), ids=list(ROWS))
def test_touches_follows_its_definition(row: str) -> None:
    """``touches``: any root's lookup of ``dotted`` or of ``dotted.name`` is hit (its shortcut
    for the names must agree)."""
    old, new = ROWS[row]
    changes = ChangedModules.between(old, new)
    wrong = []
    touched = 0
    for roots in ROOT_SETS:
        for dotted in [*DOTTED, ""]:
            for names in NAMES:
                lookups = [dotted, *(f"{dotted}.{n}" for n in names if dotted)]  # no ".name" path
                expected = any(defined_hit(changes.bases, r, d) for r in roots for d in lookups)
                touched += expected
                if changes.touches(roots, dotted, names) != expected:
                    wrong.append((roots, dotted, names))
    assert not wrong
    assert touched, "some lookup is touched"


@pytest.mark.parametrize("row", list(ROWS), ids=list(ROWS))
def test_the_bases_a_lookup_reads_give_touches(row: str) -> None:
    """``looked_at`` + ``reads_changed`` (kept per answer by the import roots, per file by the
    gate) against ``touches`` for every root, name and module of the table; also as one set
    for several lookups, as the gate asks it for a whole file."""
    old, new = ROWS[row]
    changes = ChangedModules.between(old, new)
    wrong = []
    for roots in ROOT_SETS:
        for dotted in [*DOTTED, ""]:
            for names in NAMES:
                read = frozenset(b for r in roots for b in looked_at(r, dotted, names))
                if changes.reads_changed(read) != changes.touches(roots, dotted, names):
                    wrong.append((roots, dotted, names))
    assert not wrong
    whole_file = [(("svc",), "app.models", ("Cohort",)), (("", "lib"), "util", ()), (("svc/app",), "main", ())]
    read = frozenset(b for roots, d, n in whole_file for r in roots for b in looked_at(r, d, n))
    assert changes.reads_changed(read) == any(changes.touches(*lookup) for lookup in whole_file)


def test_looked_at_lists_every_leading_part_and_each_name() -> None:
    assert looked_at("svc", "app.models", ("Cohort", "Base")) == (
        "svc/app/models",
        "svc/app",
        "svc/app/models/Cohort",
        "svc/app/models/Base",
    )
    assert looked_at("", "top") == ("top",)
    assert looked_at("svc/./app", "", ("x",)) == ("svc/app",)  # ``.x`` is no module path
