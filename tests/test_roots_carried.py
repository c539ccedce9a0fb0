"""Import roots inferred right after another tree's keep that tree's answers only where no
lookup changed: each row infers a tree, changes it one way, and the second inference must
say exactly what an inference from scratch says."""

from __future__ import annotations

import pytest

from restructure import roots
from restructure.trees import FileTree

BASE = {
    "services/a/app/__init__.py": "",
    "services/a/app/main.py": "from app.models import Cohort\nfrom app import routes\n",
    "services/a/app/models.py": "Cohort = 1\n",
    "services/a/app/routes.py": "import app.models\n",
    "services/a/app/worker.py": "from app import jobs\n",  # no such module yet
    "services/a/tests/test_main.py": "from app.main import app\nfrom services.a.app.models import Cohort\n",
    "services/b/main.py": "from models import Member\n",
    "services/b/models.py": "Member = 1\n",
    "tests/test_all.py": "from services.b.models import Member\n",
}


def moved(files: dict[str, str], old: str, new: str) -> dict[str, str]:
    out = dict(files)
    out[new] = out.pop(old)
    return out


ROWS = {
    "nothing changed": BASE,
    "a module moved out of its package": moved(BASE, "services/a/app/models.py", "services/a/models.py"),
    "a name dropped from a module": {**BASE, "services/a/app/models.py": "Other = 1\n"},
    "a package's __init__ deleted": {k: v for k, v in BASE.items() if k != "services/a/app/__init__.py"},
    "a new module where an import looked": {**BASE, "services/b/app.py": "X = 1\n"},
    "a new directory shadows a name": {**BASE, "services/b/models/__init__.py": ""},
    "a submodule a from-import names appears": {**BASE, "services/a/app/jobs.py": "X = 1\n"},
    "a whole service gone": {k: v for k, v in BASE.items() if not k.startswith("services/b/")},
}


def tree(files: dict[str, str]) -> FileTree:
    return FileTree(frozenset(files), files.get)


@pytest.mark.parametrize("row", list(ROWS), ids=list(ROWS))
def test_a_second_inference_says_what_one_from_scratch_says(row: str) -> None:
    roots._LAST_ANSWERS.clear()
    scratch = roots.describe(roots.infer(tree(ROWS[row])))
    roots._LAST_ANSWERS.clear()
    roots.infer(tree(BASE))
    assert roots._LAST_ANSWERS, "the first inference left its answers"
    after = roots.describe(roots.infer(tree(ROWS[row])))
    assert after == scratch


def test_the_rows_catch_answers_carried_without_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Carrying every answer over, changed lookups included, must break some row."""

    def everything(_tree: FileTree) -> tuple[roots.Answers, roots.Readers]:
        return (dict(roots._LAST_ANSWERS[0][1]), roots._LAST_ANSWERS[0][2]) if roots._LAST_ANSWERS else ({}, {})

    monkeypatch.setattr(roots, "_carried_answers", everything)
    differ = []
    for row, files in ROWS.items():
        roots._LAST_ANSWERS.clear()
        scratch = roots.describe(roots.infer(tree(files)))
        roots._LAST_ANSWERS.clear()
        roots.infer(tree(BASE))
        if roots.describe(roots.infer(tree(files))) != scratch:
            differ.append(row)
    assert "a module moved out of its package" in differ and "a name dropped from a module" in differ
