"""A rewritten module name puts its import back in place only in blocks that were sorted.

One row per hazard; the oracle for "sorted" is a real ruff (``--select I``) where it matters.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from restructure.python.import_blocks import blocks, keep_blocks_sorted
from restructure.python.import_style import ImportStyle, style_for
from restructure.python.lint import ruff_binary

STYLE = ImportStyle(line_length=100, known_first_party=frozenset({"svc", "libs"}))

ROWS = [
    (
        "sorted block, rewritten name now sorts earlier: moved to its place",
        "import os\n\nfrom libs.db import get\nfrom svc.models import A\nfrom svc.zeta import Z\n",
        "import os\n\nfrom libs.db import get\nfrom svc.models import A\nfrom svc.alpha import Z\n",
        "import os\n\nfrom libs.db import get\nfrom svc.alpha import Z\nfrom svc.models import A\n",
    ),
    (
        "unsorted before: left as the rewrite left it",
        "from svc.zeta import Z\nfrom svc.models import A\n",
        "from svc.zeta import Z\nfrom svc.alpha import A\n",
        "from svc.zeta import Z\nfrom svc.alpha import A\n",
    ),
    (
        "a trailing comment travels with its statement, which keeps its exact text",
        "from svc.models import A  # the model\nfrom svc.zeta import Z\n",
        "from svc.models import A  # the model\nfrom svc.alpha import Z\n",
        "from svc.alpha import Z\nfrom svc.models import A  # the model\n",
    ),
    (
        "a comment on a line of its own splits the block: left alone",
        "from svc.models import A\n# the rest\nfrom svc.zeta import Z\nfrom svc.zz import Y\n",
        "from svc.models import A\n# the rest\nfrom svc.zeta import Z\nfrom svc.alpha import Y\n",
        "from svc.models import A\n# the rest\nfrom svc.alpha import Y\nfrom svc.zeta import Z\n",
    ),
    (
        "commented block whose statements the sorter would combine: left as the rewrite left it",
        "from svc.a import A  # a\nfrom svc.b import B\n",
        "from svc.a import A  # a\nfrom svc.a import B\n",
        "from svc.a import A  # a\nfrom svc.a import B\n",
    ),
    (
        "commented block, lazy imports in a function, noqa kept on its line",
        "def f():\n    import svc.models  # noqa: F401\n    from svc.app.main import app\n"
        "    from svc.paystack import P\n    return app, P\n",
        "def f():\n    import svc.models  # noqa: F401\n    from svc.main import app\n"
        "    from svc.clients.paystack import P\n    return app, P\n",
        "def f():\n    import svc.models  # noqa: F401\n    from svc.clients.paystack import P\n"
        "    from svc.main import app\n    return app, P\n",
    ),
    (
        "magic trailing comma keeps its one-name-a-line form",
        "from svc.models import (\n    A,\n    B,\n)\nfrom svc.zeta import Z\n",
        "from svc.models import (\n    A,\n    B,\n)\nfrom svc.alpha import Z\n",
        "from svc.alpha import Z\nfrom svc.models import (\n    A,\n    B,\n)\n",
    ),
    (
        "lazy import block inside a function",
        "def f():\n    from svc.models import A\n    from svc.zeta import Z\n    return A, Z\n",
        "def f():\n    from svc.models import A\n    from svc.alpha import Z\n    return A, Z\n",
        "def f():\n    from svc.alpha import Z\n    from svc.models import A\n    return A, Z\n",
    ),
    (
        "rewrite changes no import line: text untouched",
        "import os\nx = 'svc.zeta'\n",
        "import os\nx = 'svc.alpha'\n",
        "import os\nx = 'svc.alpha'\n",
    ),
    (
        "CRLF file: bytes left as the rewrite wrote them",
        "from svc.models import A\r\nfrom svc.zeta import Z\r\n",
        "from svc.models import A\r\nfrom svc.alpha import Z\r\n",
        "from svc.models import A\r\nfrom svc.alpha import Z\r\n",
    ),
    (
        "sections stay apart after the move",
        "import os\n\nfrom svc.a import A\nfrom svc.b import B\n",
        "import os\n\nfrom svc.a import A\nfrom svc.aa import B\n",
        "import os\n\nfrom svc.a import A\nfrom svc.aa import B\n",
    ),
]


@pytest.mark.parametrize(("why", "old", "new", "expected"), ROWS, ids=[r[0] for r in ROWS])
def test_keep_blocks_sorted(why: str, old: str, new: str, expected: str) -> None:
    assert keep_blocks_sorted(old, new, STYLE) == expected, why


RUFF_ROWS = [
    ("plain block", "import os\nfrom svc.models import A\nfrom svc.zeta import Z\nimport sys\n"),
    (
        "trailing comments, lazy imports",
        "def f():\n    from svc.models import A  # the model\n    import svc.tables  # noqa: F401\n"
        "    from svc.zeta import Z\n    return A, Z\n",
    ),
]


@pytest.mark.parametrize(("why", "old"), RUFF_ROWS, ids=[r[0] for r in RUFF_ROWS])
def test_result_is_what_ruff_accepts(tmp_path: Path, why: str, old: str) -> None:
    """The real ruff agrees the repaired block is sorted, under the target's own settings."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nselect = ["I"]\n'
        '[tool.ruff.lint.isort]\nknown-first-party = ["svc", "libs"]\nforce-sort-within-sections = true\n'
    )
    style = style_for(tmp_path, "svc/m.py")
    binary = ruff_binary()
    assert binary
    block = blocks(old)[0]
    if block.commented:  # the statements keep their text: the fixture is written sorted
        sorted_old = old
        (tmp_path / "m.py").write_text(old)
        done = subprocess.run([binary, "check", "--no-cache", "m.py"], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, f"{why}: the row's old text is not sorted: {done.stdout}"
    else:
        sorted_old = style.render(block.imports)
    new = sorted_old.replace("svc.zeta", "svc.alpha")
    assert keep_blocks_sorted(sorted_old, new, style) != new, why
    fixed = keep_blocks_sorted(sorted_old, new, style)
    (tmp_path / "m.py").write_text(fixed)
    done = subprocess.run([binary, "check", "--no-cache", "m.py"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + fixed
