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
        "a comment in the block: left alone (it belongs to its line)",
        "from svc.models import A  # the model\nfrom svc.zeta import Z\n",
        "from svc.models import A  # the model\nfrom svc.alpha import Z\n",
        "from svc.models import A  # the model\nfrom svc.alpha import Z\n",
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


def test_result_is_what_ruff_accepts(tmp_path: Path) -> None:
    """The real ruff agrees the repaired block is sorted, under the target's own settings."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nselect = ["I"]\n'
        '[tool.ruff.lint.isort]\nknown-first-party = ["svc", "libs"]\nforce-sort-within-sections = true\n'
    )
    style = style_for(tmp_path, "svc/m.py")
    old = "import os\nfrom svc.models import A\nfrom svc.zeta import Z\nimport sys\n"
    sorted_old = style.render(blocks(old)[0].imports)
    new = sorted_old.replace("svc.zeta", "svc.alpha")
    fixed = keep_blocks_sorted(sorted_old, new, style)
    (tmp_path / "m.py").write_text(fixed)
    binary = ruff_binary()
    assert binary
    done = subprocess.run([binary, "check", "--no-cache", "m.py"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + fixed
