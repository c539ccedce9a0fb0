"""``left_alone`` decides on CPython's parse what the LibCST rewrite of an import would do.

Every import row is checked in every context (the file moved or not, the relocation moving a
module, a package, a submodule or a symbol): when ``left_alone`` says True, the LibCST
rewrite must leave the statement as it is. Rows that must be left alone are listed too, so
the predicate cannot pass by always saying False."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from restructure.python.imports import ImportContext, left_alone, rewrite_import, rewrite_import_from
from restructure.python.modules import ModuleLocation
from restructure.relocation import RelocationMap


def _relocation() -> RelocationMap:
    relocation = RelocationMap()
    relocation.modules["svc.app.main"] = "svc.main"  # a module moves
    relocation.packages["svc.app.api"] = "svc.routers"  # a package moves
    relocation.symbols["svc.app.models.Cohort"] = "svc.app.models.cohort"  # a split's symbol
    return relocation


IMPORTS = {
    "unrelated absolute from": "from fastapi import FastAPI",
    "unrelated import": "import pytest",
    "unrelated dotted import": "import os.path",
    "unrelated import as": "import numpy as np",
    "star from an unrelated module": "from os.path import *",
    "moved module from": "from svc.app.main import app",
    "moved module import": "import svc.app.main",
    "moved module import as": "import svc.app.main as entry",
    "moved package below": "from svc.app.api.items import router",
    "moved package itself": "from svc.app import api",
    "moved module as a name": "from svc.app import main",
    "split symbol": "from svc.app.models import Cohort",
    "other name of a split module": "from svc.app.models import Member",
    "star from a moved module": "from svc.app.main import *",
    "relative sibling": "from .models import Member",
    "relative sibling, split symbol": "from .models import Cohort",
    "relative to a moved module": "from .main import app",
    "relative parent package": "from .. import app",
    "relative star": "from .models import *",
    "relative beyond the top": "from ....... import x",
}

CONTEXTS = {
    "file stays": ("svc/app/worker.py", "svc/app/worker.py"),
    "file moves": ("svc/app/worker.py", "svc/worker.py"),
    "file in another package": ("svc/tests/test_x.py", "svc/tests/test_x.py"),
    "no module location": (None, None),
}

MUST_BE_LEFT_ALONE = {
    ("unrelated absolute from", "file stays"),
    ("unrelated import", "file moves"),
    ("unrelated dotted import", "file stays"),
    ("unrelated import as", "file stays"),
    ("star from an unrelated module", "file moves"),
    ("other name of a split module", "file stays"),
    ("relative sibling", "file stays"),
    ("relative star", "file stays"),
    ("relative sibling", "no module location"),
    ("relative beyond the top", "file stays"),
}


def _context(old: str | None, new: str | None) -> ImportContext:
    return ImportContext(
        _relocation(), ModuleLocation.of(old) if old else None, ModuleLocation.of(new) if new else None
    )


def _cst_unchanged(source: str, ctx: ImportContext) -> bool:
    small = cst.parse_statement(source + "\n").body[0]  # type: ignore[attr-defined]
    if isinstance(small, cst.Import):
        return rewrite_import(small, ctx) is None
    replaced = rewrite_import_from(small, ctx)
    return replaced is None or (len(replaced) == 1 and replaced[0].deep_equals(small))


@pytest.mark.parametrize("context", list(CONTEXTS), ids=list(CONTEXTS))
@pytest.mark.parametrize("row", list(IMPORTS), ids=list(IMPORTS))
def test_left_alone_only_when_the_rewrite_leaves_it(row: str, context: str) -> None:
    ctx = _context(*CONTEXTS[context])
    node = ast.parse(IMPORTS[row]).body[0]
    assert isinstance(node, ast.Import | ast.ImportFrom)
    decided = left_alone(node, ctx)
    if decided:
        assert _cst_unchanged(IMPORTS[row], ctx)
    if (row, context) in MUST_BE_LEFT_ALONE:
        assert decided


def test_changed_rows_exist_in_every_context() -> None:
    """The table holds imports the rewrite changes, where ``left_alone`` must say False."""
    for context in CONTEXTS:
        ctx = _context(*CONTEXTS[context])
        changed = [row for row, source in IMPORTS.items() if not _cst_unchanged(source, ctx)]
        if context != "no module location":
            assert len(changed) >= 5, context
        for row in changed:
            node = ast.parse(IMPORTS[row]).body[0]
            assert not left_alone(node, ctx), (row, context)  # type: ignore[arg-type]
