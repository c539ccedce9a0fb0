"""A Python file is searched only for the needles that can change it: a service's relative
forms (``app.main``, ``app/router.py``) count in that service's files, or after a ``cd``, and
a dotted name written from one of the file's import roots counts less that root.

Each row rewrites one file twice, with every needle and with the file's own, and the two
results must be equal (the narrowing never changes what is written); the rows marked
"narrower" must also parse fewer statements (the narrowing is not a no-op)."""

from __future__ import annotations

import pytest

from restructure.engine import _PythonNeedles
from restructure.python.references import rewrite_python_source
from restructure.relocation import RelocationMap
from restructure.text.references import TextRewriter

SERVICE = "services/alpha_service"


def _relocation() -> RelocationMap:
    relocation = RelocationMap()
    relocation.add_file_move(f"{SERVICE}/app/main.py", f"{SERVICE}/main.py", SERVICE)
    relocation.add_file_move(f"{SERVICE}/app/router.py", f"{SERVICE}/routers/core.py", SERVICE)
    relocation.add_file_move(f"{SERVICE}/app/api/items.py", f"{SERVICE}/app/routers/items.py", SERVICE)
    return relocation


ROWS = {
    "another service's generated docstring": (
        "services/beta_service/routers/core.py",
        'import uuid\n\nX = uuid.uuid4()\n\n\ndef f():\n    """Split from app/router.py: list_items."""\n',
        True,
    ),
    "another service's comment naming its own app/main.py": (
        "services/beta_service/tests/test_app.py",
        "import os\n\nA = os.sep\n# start with uvicorn app.main:app, see app/main.py\nB = 1\n",
        True,
    ),
    "another service's string app.main:app": (
        "services/beta_service/run.py",
        'import uvicorn\n\nA = 1\nTARGET = "app.main:app"\n',
        True,
    ),
    "the service's own comment": (
        f"{SERVICE}/tests/test_app.py",
        "# see app/main.py\nimport os\n\nA = os.sep\n",
        False,
    ),
    "the service's own string": (f"{SERVICE}/run.py", 'import uvicorn\n\nTARGET = "app.main:app"\n', False),
    "a cd into the service from elsewhere": (
        "scripts/serve.py",
        'import subprocess\n\nsubprocess.run("cd services/alpha_service && uvicorn app.main:app", shell=True)\n',
        False,
    ),
    "the full path from anywhere": ("tests/test_layout.py", f'PATH = "{SERVICE}/app/main.py"\n', False),
    "the dotted module from anywhere": (
        "tests/test_import.py",
        "from services.alpha_service.app.main import app\n\nA = app\n",
        False,
    ),
}

# rows whose file imports from roots (dotted): a name written from a root is its needle there
PREFIXES = {
    "a root-level test reading the service as a root": ("services.alpha_service",),
    "a root-level test reading the app package as a root": ("services.alpha_service.app",),
}
ROWS |= {
    "a root-level test reading the service as a root": (
        "tests/test_root.py",
        'import os\n\nA = os.sep\nTARGET = "app.main"\n',
        False,
    ),
    "a root-level test reading the app package as a root": (
        "tests/test_app_root.py",
        'import os\n\nA = os.sep\nwith mock.patch("api.items.helper"):\n    pass\n',
        False,
    ),
}


@pytest.mark.parametrize(("path", "text", "narrower"), list(ROWS.values()), ids=list(ROWS))
def test_own_needles_write_what_every_needle_writes(path: str, text: str, narrower: bool) -> None:
    prefixes = next((p for name, p in PREFIXES.items() if ROWS[name][0] == path), ())
    base = _relocation()
    relocation = base.rooted(prefixes)
    everything = sorted({*base.needles(), *_written_from(base, prefixes)})  # what a full scan must see
    own = _PythonNeedles(base, sorted(base.needles())).of(path, text, prefixes)
    wide = rewrite_python_source(text, path, path, relocation, TextRewriter(relocation), everything)
    narrow = rewrite_python_source(text, path, path, relocation, TextRewriter(relocation), own)
    assert wide is not None and narrow is not None
    assert narrow.code == wide.code
    assert narrow.counts == wide.counts
    if narrower:
        assert narrow.fragments < wide.fragments
    else:
        assert own == everything or narrow.fragments == wide.fragments


def _written_from(relocation: RelocationMap, prefixes: tuple[str, ...]) -> set[str]:
    """Every old name less a root it is written from (more than the tool searches for: one
    word too), so the wide rewrite sees all a root could change."""
    return {m[len(p) + 1 :] for p in prefixes for m in relocation.old_dotted_names() if m.startswith(p + ".")}


def test_rows_cover_a_rewrite() -> None:
    """Rows where the file changes at all: the comparison above is not between two no-ops."""
    changed = set()
    for name, (path, text, _) in ROWS.items():
        prefixes = PREFIXES.get(name, ())
        base = _relocation()
        relocation = base.rooted(prefixes)
        own = _PythonNeedles(base, sorted(base.needles())).of(path, text, prefixes)
        result = rewrite_python_source(text, path, path, relocation, TextRewriter(relocation), own)
        if result is not None and result.code != text:
            changed.add(name)
    assert len(changed) >= 5
    assert set(PREFIXES) <= changed, "a name written from a root is rewritten"
