"""A split keeps what was importable importable, keeps every comment, and fails honestly.

Each row runs the real engine (``run_phase``) on a small git repository written here, with
its own plan file; results are checked by importing them in a fresh Python process, and
the exit code of ``invoke phaseN --dry-run`` is read from a real subprocess.
"""

from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
import tokenize
from pathlib import Path

import libcst as cst
import pytest

from restructure.engine import PhaseError, run_phase
from restructure.python.merge import merge_modules
from tests.conftest import ROOT, git, make_repo

SERVICE = "services/shop_service"
MODELS = '''\
# Shop models: licence header comment
"""Models of the shop service."""

from libs.db import Base, Unused
from .enums import Status


class Item(Base):
    status = Status.OPEN


# --- order section: helpers come from the shared lib ---
from libs.db import helper  # noqa: E402


class Order(Base):
    # an order is made of items
    status = Status.OPEN

    def total(self) -> int:
        return helper() + _discount()


def _discount() -> int:
    return 0


# trailing comment of the module
'''

FILES = {
    "libs/__init__.py": "",
    "libs/db.py": "class Base:\n    pass\n\n\nclass Unused:\n    pass\n\n\ndef helper() -> int:\n    return 3\n",
    "services/__init__.py": "",
    f"{SERVICE}/__init__.py": "",
    f"{SERVICE}/main.py": "from services.shop_service.models import Order\n\napp = Order\n",
    f"{SERVICE}/enums.py": "import enum\n\n\nclass Status(str, enum.Enum):\n    OPEN = 'open'\n",
    f"{SERVICE}/models.py": MODELS,
    # Base from a sibling lib, through the old module
    f"{SERVICE}/billing.py": "from services.shop_service.models import Base, Item\n\nBILLED = (Base, Item)\n",
    # the enum of a sibling module, through a lazy import in a test
    f"{SERVICE}/tests/__init__.py": "",
    f"{SERVICE}/tests/test_models.py": (
        "def test_status():\n    from services.shop_service.models import Status\n\n    assert Status.OPEN\n"
    ),
    # a private helper a test takes from the old module
    f"{SERVICE}/tests/test_discount.py": (
        "from services.shop_service.models import _discount\n\n\ndef test_discount():\n    assert _discount() == 0\n"
    ),
    # attribute access on the module object
    f"{SERVICE}/report.py": "import services.shop_service.models as m\n\nHELPER = m.helper\n",
}

SPLIT_PLAN = """\
version: 1
services_dir: services
service_suffix: _service
line_limit: {limit}
services: [shop]
{exceptions}
phases:
  - phase: 1
    title: split
    scope: shop
    steps:
      - op: split
        module: models.py
        into: models
        groups:
{groups}
        fallback: most-referenced
"""
GROUPS = "          item: [Item]\n          order: [Order]\n"


def write_plan(path: Path, limit: int = 300, groups: str = GROUPS, exceptions: str = "") -> Path:
    path.write_text(SPLIT_PLAN.format(limit=limit, groups=groups, exceptions=exceptions))
    return path


def python(root: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def split_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("fidelity")
    root = make_repo(base / "repo", FILES)
    run_phase(root, 1, plan_path=write_plan(base / "plan.yaml"), commit=True, echo=lambda _: None)
    return root


# --- names the old module imported stay importable from its dotted name ---------------------

REEXPORTED = [
    # (hazard, name, (level, module) the old module imported it from, as seen from the new __init__)
    ("Base from a sibling lib, `from old import`", "Base", (0, "libs.db")),
    ("enum of a sibling module, lazy import in a test", "Status", (2, "enums")),
    ("attribute access on `import old as m`", "helper", (0, "libs.db")),
    ("private helper of the old module, imported by a test", "_discount", (1, "order")),
]


def _imported_from(text: str) -> dict[str, tuple[int, str | None]]:
    return {
        alias.asname or alias.name: (node.level, node.module)
        for node in ast.parse(text).body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


@pytest.mark.parametrize(("hazard", "name", "source"), REEXPORTED, ids=[r[0] for r in REEXPORTED])
def test_imported_name_stays_importable(split_repo: Path, hazard: str, name: str, source: tuple[int, str]) -> None:
    init = (split_repo / SERVICE / "models" / "__init__.py").read_text()
    assert _imported_from(init).get(name) == source, hazard
    done = python(split_repo, f"from services.shop_service.models import {name}; print({name})")
    assert done.returncode == 0, f"{hazard}: {done.stderr[-800:]}"
    # the importers were not rewritten: the old dotted name works
    assert "from services.shop_service.models import Base, Item" in (split_repo / SERVICE / "billing.py").read_text()
    taken = (split_repo / SERVICE / "tests" / "test_discount.py").read_text()
    assert taken.startswith("from services.shop_service.models import _discount\n")


def test_imported_names_are_not_in_all_and_unused_ones_not_reexported(split_repo: Path) -> None:
    init = (split_repo / SERVICE / "models" / "__init__.py").read_text()
    listed = next(
        ast.literal_eval(node.value)
        for node in ast.parse(init).body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__"
    )
    assert sorted(listed) == ["Item", "Order"]
    assert "Unused" not in init  # imported by the old module, taken from it by no file


def test_every_importer_runs(split_repo: Path) -> None:
    code = "import services.shop_service.billing, services.shop_service.report, services.shop_service.main"
    assert python(split_repo, code).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(split_repo)}
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{SERVICE}/tests"],
                           cwd=split_repo, env=env, capture_output=True, text=True)  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-800:]


# --- comments of regenerated statements survive ----------------------------------------------


def _comments(text: str) -> list[str]:
    return [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]


COMMENTS = [
    ("licence header above the docstring", "# Shop models: licence header comment"),
    ("section comment above a mid-module import", "# --- order section: helpers come from the shared lib ---"),
    ("comment inside a moved class", "# an order is made of items"),
    ("trailing comment of the module", "# trailing comment of the module"),
]


@pytest.mark.parametrize(("hazard", "comment"), COMMENTS, ids=[c[0] for c in COMMENTS])
def test_comment_survives(split_repo: Path, hazard: str, comment: str) -> None:
    written = [p.read_text() for p in sorted((split_repo / SERVICE / "models").glob("*.py"))]
    assert any(comment in _comments(text) for text in written), hazard


def test_every_comment_of_the_old_module_is_somewhere(split_repo: Path) -> None:
    written = {c for p in (split_repo / SERVICE / "models").glob("*.py") for c in _comments(p.read_text())}
    pragmas = {"# noqa: E402"}  # about the import line the split does not write again
    assert [c for c in _comments(MODELS) if c not in written and c not in pragmas] == []


def test_section_comment_goes_above_the_next_moved_statement(split_repo: Path) -> None:
    order = (split_repo / SERVICE / "models" / "order.py").read_text()
    assert "# --- order section: helpers come from the shared lib ---\nclass Order(Base):" in order


# --- an existing __init__ is edited minimally ---------------------------------------------------

MERGE_PLAN = """\
version: 1
services_dir: services
service_suffix: _service
services: [shop]
phases:
  - phase: 1
    title: merge
    scope: shop
    steps:
      - {op: merge, modules: [extra_schemas.py], into: schemas/extra.py}
"""
INITS = [
    # (hazard, existing __init__ text, the same after the merge)
    ("existing __init__ without __all__ stays without", '"""Shop schemas."""\nfrom .base import Page\n',
     '"""Shop schemas."""\nfrom .base import Page\nfrom .extra import Extra\n'),
    ("existing __all__ is neither re-sorted nor extended",
     'from .base import Page, Alpha\n\n__all__ = ["Page", "Alpha"]\n',
     'from .base import Page, Alpha\nfrom .extra import Extra\n\n__all__ = ["Page", "Alpha"]\n'),
    ("an __init__ with only a docstring gains the line after it", '"""Shop schemas."""\n',
     '"""Shop schemas."""\nfrom .extra import Extra\n'),
]  # fmt: skip


@pytest.mark.parametrize(("hazard", "init", "expected"), INITS, ids=[i[0] for i in INITS])
def test_existing_init_only_gains_import_lines(tmp_path: Path, hazard: str, init: str, expected: str) -> None:
    files = {
        "services/__init__.py": "",
        f"{SERVICE}/__init__.py": "",
        f"{SERVICE}/schemas/__init__.py": init,
        f"{SERVICE}/schemas/base.py": "class Page:\n    pass\n\n\nclass Alpha:\n    pass\n",
        f"{SERVICE}/extra_schemas.py": "class Extra:\n    pass\n",
    }
    root = make_repo(tmp_path / "repo", files)
    plan = tmp_path / "plan.yaml"
    plan.write_text(MERGE_PLAN)
    run_phase(root, 1, plan_path=plan, commit=True, echo=lambda _: None)
    assert (root / SERVICE / "schemas" / "__init__.py").read_text() == expected, hazard
    assert python(root, "from services.shop_service.schemas import Extra").returncode == 0


# --- honest splits -----------------------------------------------------------------------------

HONEST = [
    # (hazard, plan arguments, text the one-line error must contain, or None when it must pass)
    ("a group that receives nothing fails, naming the group",
     {"groups": GROUPS + "          refunds: {prefixes: [Refund]}\n"}, ["group 'refunds' receives nothing"]),
    ("an output over the line limit fails, naming file and size",
     {"limit": 12}, [f"{SERVICE}/models/order.py has ", " lines (limit 12)", "add an exception under `exceptions:`"]),
    ("an exception for the file lets it pass",
     {"limit": 12, "exceptions": f"exceptions:\n  - {{path: {SERVICE}/models/order.py, rule: 2, reason: kept}}\n"
                                 f"  - {{path: {SERVICE}/models/__init__.py, rule: 2, reason: kept}}\n"},
     None),
]  # fmt: skip


@pytest.mark.parametrize(("hazard", "args", "expected"), HONEST, ids=[h[0] for h in HONEST])
def test_split_fails_honestly(tmp_path: Path, hazard: str, args: dict, expected: list[str] | None) -> None:
    root = make_repo(tmp_path / "repo", FILES)
    plan = write_plan(tmp_path / "plan.yaml", **args)
    if expected is None:
        report = run_phase(root, 1, plan_path=plan, commit=True, echo=lambda _: None)
        assert [o.outcome for o in report.outcomes] == ["done"], hazard
        return
    with pytest.raises(PhaseError) as caught:
        run_phase(root, 1, plan_path=plan, commit=True, echo=lambda _: None)
    message = str(caught.value)
    assert "\n" not in message
    assert all(part in message for part in expected), f"{hazard}: {message}"
    assert git(root, "status", "--porcelain") == ""  # nothing written
    # the task a user runs says so with its exit code, in a dry run too
    invoke = Path(sys.executable).parent / "invoke"
    done = subprocess.run([str(invoke), "-r", str(ROOT), "phase1", "--repo", str(root), "--plan", str(plan),
                           "--dry-run"], capture_output=True, text=True)  # fmt: skip
    assert done.returncode != 0, hazard
    assert expected[0] in done.stderr + done.stdout


def test_over_limit_names_the_real_size(tmp_path: Path) -> None:
    """The size in the message is the file's line count as written (the passing run shows it)."""
    root = make_repo(tmp_path / "ok", FILES)
    run_phase(root, 1, plan_path=write_plan(tmp_path / "ok.yaml"), commit=True, echo=lambda _: None)
    size = len((root / SERVICE / "models" / "order.py").read_text().splitlines())
    failing = make_repo(tmp_path / "fail", FILES)
    with pytest.raises(PhaseError, match=rf"order\.py has {size} lines \(limit {size - 1}\)"):
        run_phase(failing, 1, plan_path=write_plan(tmp_path / "fail.yaml", limit=size - 1), echo=lambda _: None)


# --- a merge keeps the docstring, the header and the comments of what it regenerates -----------

MERGE_PARTS = [
    # (hazard, text of the module merged into a new file, text that must be in the result)
    ("docstring kept byte for byte (quotes and prefix)", "r'''Raw \\d docstring.'''\nX = 1\n",
     "r'''Raw \\d docstring.'''\n"),
    ("licence header kept", "# licence: MIT\n'''Doc.'''\nX = 1\n", "# licence: MIT\n"),
    ("section comment above a mid-module import",
     "X = 1\n\n# --- helpers ---\nimport os\n\n\ndef f():\n    return os\n", "# --- helpers ---\ndef f():"),
    ("comment above __all__", "X = 1\n# the public API\n__all__ = ['X']\nY = 2\n", "# the public API\nY = 2"),
]  # fmt: skip


@pytest.mark.parametrize(("hazard", "source", "expected"), MERGE_PARTS, ids=[m[0] for m in MERGE_PARTS])
def test_merge_keeps_text_it_does_not_write(hazard: str, source: str, expected: str) -> None:
    path = f"{SERVICE}/extra_schemas.py"
    text, _, _ = merge_modules([(path, cst.parse_module(source))], f"{SERVICE}/schemas/extra.py", {}, {path: source})
    assert expected in text, f"{hazard}:\n{text}"
