"""A space relabelled for another compose service, and the tree's own space, answer every
lookup as a fresh space does; only the label (which messages name) differs."""

from __future__ import annotations

from restructure.resolve import Space
from restructure.trees import FileTree

TEXTS = {
    "svc/app/__init__.py": "",
    "svc/app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    "svc/app/models.py": "class Cohort: ...\n",
    "svc/app/ns/thing.py": "X = 1\n",
    "svc/tools/run.sh": "echo\n",
}
IMAGE = {
    "app/__init__.py": "svc/app/__init__.py",
    "app/main.py": "svc/app/main.py",
    "app/models.py": "svc/app/models.py",
}
QUESTIONS = [("", "app"), ("", "app.main"), ("", "app.ns"), ("", "nothing"), ("svc", "app.ns.thing"), ("app", "main")]
NAMES = [("", "app.main", "app"), ("", "app.models", "Cohort"), ("", "app", "main"), ("", "app.models", "Missing")]


def tree() -> FileTree:
    return FileTree(frozenset(TEXTS), TEXTS.get)


def answers(space: Space) -> tuple[object, ...]:
    return (
        [space.module(r, d) for r, d in QUESTIONS],
        [space.has_name(r, m, n) for r, m, n in NAMES],
        space.module_files,
        space.dirs,
        [space.names(p) for p in sorted(space.files or TEXTS)],
    )


def test_a_relabelled_image_space_answers_as_a_fresh_one() -> None:
    files_tree = tree()
    shared = Space(files_tree, dict(IMAGE), "the image of svc/Dockerfile")
    before = answers(shared)  # the shared space has answered (and cached) first
    twin = shared.relabelled("the image of compose service api")
    fresh = Space(files_tree, dict(IMAGE), "the image of compose service api")
    assert twin.label == fresh.label != shared.label
    assert answers(twin) == answers(fresh) == before


def test_the_trees_own_space_computes_its_module_files_once_per_tree() -> None:
    files_tree = tree()
    first, second = Space(files_tree), Space(files_tree)
    assert first.module_files is second.module_files
    assert answers(first) == answers(Space(tree()))
    assert "svc/app" in first.module_files and "svc/app/main" in first.module_files
    assert "svc/tools/run" not in first.module_files
