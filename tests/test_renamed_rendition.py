"""The shipped plan on code it was not shaped for: a rendition of the main fixture in which
every function, class and route-segment word the plan does not use is replaced
(``benchmarks/generate.py --rename``, see ``benchmarks/rename.py``).

The renamer's rules are table tests; then the pre-flight of the whole default plan (every
phase run in memory, the reference gate included) must pass on the fixture and on the
rendition alike, placing each symbol with a reason.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from restructure.plan import DEFAULT_PLAN
from tests.conftest import MONOREPO, make_git_copy
from tests.repo_state import invoke

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT / "benchmarks"))  # after the restructure package it shadows
import rename  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)

PROTECTED = rename.plan_words(DEFAULT_PLAN) | rename.CONVENTION_WORDS

# (name, renamed): a word the plan uses, or one of its stem, stays; any other word changes
WORD_ROWS = [
    ("_start_checkout", "_stert_chickuat"),  # a private helper: neither word is the plan's
    ("CoachProfileCreate", "CoachProfileCreate"),  # the plan's module words and a convention affix
    ("ComplexityScoreRequest", "CumplixotyScoreRequest"),  # score is scoring's stem
    ("StockMovement", "StuckMuvimint"),
    ("get_member_summary", "get_member_summary"),  # summary is a word of the plan's comments
    ("fetch_weather_forecast", "fitch_wiethir_furicest"),
    ("HTTP_TIMEOUT_2", "HTTP_TOMIUAT_2"),  # upper case and digits keep their shape
]


@pytest.mark.parametrize(("name", "renamed"), WORD_ROWS, ids=[r[0] for r in WORD_ROWS])
def test_rename_words(name: str, renamed: str) -> None:
    assert rename.rename_words(name, PROTECTED) == renamed


# (source, identifiers, segments, expected): tokens are replaced, nothing else moves
REWRITE_ROWS = [
    ("x = _helper(1)  # _helper stays in comments\n", {"_helper": "_hilpir"}, {},
     "x = _hilpir(1)  # _helper stays in comments\n"),
    ('mock.patch("services.a_service.router._helper")\n', {"_helper": "_hilpir"}, {},
     'mock.patch("services.a_service.router._hilpir")\n'),
    ('orders = relationship("Widget")\n', {"Widget": "Wodgit"}, {}, 'orders = relationship("Wodgit")\n'),
    ('@router.post("/widgets/{widget_id}/approve")\n', {}, {"approve": "eppruvi"},
     '@router.post("/widgets/{widget_id}/eppruvi")\n'),
    ('client.post(f"{API}/widgets/{wid}/approve", json={})\n', {}, {"approve": "eppruvi"},
     'client.post(f"{API}/widgets/{wid}/eppruvi", json={})\n'),
    ('"approve the order"\n', {}, {"approve": "eppruvi"}, '"approve the order"\n'),  # prose is not a path
    ('parent: Mapped["Widget | None"]\n', {"Widget": "Wodgit"}, {}, 'parent: Mapped["Wodgit | None"]\n'),
    ('relationship(order_by="desc(Widget.made_at)")\n', {"Widget": "Wodgit"}, {},
     'relationship(order_by="desc(Wodgit.made_at)")\n'),
    ('"the Widget is gone"\n', {"Widget": "Wodgit"}, {}, '"the Widget is gone"\n'),  # prose is not code
]  # fmt: skip


@pytest.mark.parametrize(("source", "identifiers", "segments", "expected"), REWRITE_ROWS)
def test_rewrite_python(source: str, identifiers: dict, segments: dict, expected: str) -> None:
    assert rename.rewrite_python(source, identifiers, segments) == expected


SAFETY_SOURCE = """\
from fastapi import status
from services.a_service.models import Widget


def status_line():
    return status.HTTP_200_OK


def approve(widget, limit=3):
    return widget.approve()


def _private_helper():
    return approve(Widget(), limit=1)


class Ledger:
    total: int

    def settle(self):
        return _private_helper()
"""


def test_only_names_every_occurrence_of_which_is_ours_are_renamed(tmp_path: Path) -> None:
    """Imported from outside, used as an attribute, a keyword, a parameter, a method or a
    field: kept. Defined at module level and only used by name: renamed."""
    package = tmp_path / "services" / "a_service"
    package.mkdir(parents=True)
    for folder in (tmp_path / "services", package):
        (folder / "__init__.py").write_text("")
    (package / "models.py").write_text("class Widget:\n    def approve(self):\n        return True\n")
    (package / "logic.py").write_text(SAFETY_SOURCE)
    identifiers, _ = rename.renaming(tmp_path, DEFAULT_PLAN)
    assert identifiers == {
        "Ledger": "Lidgir",
        "Widget": "Wodgit",  # imported from the tree's own module
        "_private_helper": "_proveti_helper",
        "status_line": "stetas_line",
    }


@pytest.fixture(scope="module")
def rendition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("renamed") / "monorepo"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--rename", str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "renamed" in done.stdout, done.stdout
    return out


def _defined(root: Path) -> set[str]:
    names = set()
    for path in root.rglob("services/**/*.py"):
        names |= {
            n.name
            for n in ast.parse(path.read_text()).body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        }
    return names


def test_the_rendition_renames_most_of_the_fixtures_names(rendition: Path) -> None:
    before, after = _defined(MONOREPO), _defined(rendition)
    renamed = before - after
    assert len(renamed) > 1.5 * len(before & after), f"only {len(renamed)} of {len(before)} names were renamed"


@pytest.mark.parametrize("which", ["fixture", "legacy", "renamed"])
def test_the_default_plan_preflight_passes(which: str, rendition: Path, tmp_path: Path) -> None:
    """The shipped plan on the main fixture, on the fixture written in another hand from the
    plan document alone (``compose-fixtures/legacy``) and on the renamed rendition."""
    if which == "renamed":
        repo = rendition
    else:
        source = MONOREPO if which == "fixture" else MONOREPO.parent / "legacy"
        repo = make_git_copy(source, tmp_path / which)
    result = invoke(repo, "all", "--dry-run", "--repo", str(repo))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert "pre-flight: phases 1-15 pass" in result.stdout
    header = re.search(r"^  placed by inference \((\d+);", result.stdout, re.M)
    assert header and int(header.group(1)) > 50, "the dry run lists where each symbol went and why"
    lines = result.stdout[header.end() :].splitlines()[1 : int(header.group(1)) + 1]
    for line in lines:  # service: file: symbol -> target: one line of reason
        assert re.match(r"^    \w+: [\w/.]+: .+ -> [\w/.]+: \S", line), line
