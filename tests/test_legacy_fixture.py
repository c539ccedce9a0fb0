"""The allotment fixture (its own plan), judged by its own tools before and after every phase.

The fixture (``compose-fixtures/allotment``) is Python 3.8-era code with an old ruff pinned in
its ``requirements-dev.txt`` and its own ruff settings. Untouched, its tests pass and its
pinned ``ruff check`` is clean. After every phase of its own plan, on a scratch git copy:
the pinned ``ruff check`` and ``ruff format --check`` find nothing they did not find
before, the committed-OpenAPI test still passes, and no comment of the original is lost.

Findings are compared without file names, so that a moved statement keeps its finding
wherever it lands: a ``ruff check`` finding is (rule, text of the flagged line), a format
finding is one line ``ruff format --diff`` would remove or add. A new one is a multiset
difference: what the tool wrote (an import header, an ``__init__``, a moved statement that
was changed) shows up there; what was already there before and moved does not.
"""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys
import tokenize
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from restructure import demo
from tests.conftest import FIXTURES, ROOT, make_git_copy
from tests.helpers.pinned_ruff import pinned_ruff
from verify.target import ensure_env, target_env

LEGACY = FIXTURES / "allotment"
PLAN = LEGACY / "restructure-plan.yaml"
TARGET_ENVS = ROOT / ".cache" / "legacy-target-env"
OWN_TEST_DIRS = ("services/plots_service/app/tests", "tests")


def pinned_ruff_version() -> str:
    """The ruff version the fixture pins (``ruff==X`` in its requirements-dev.txt)."""
    text = (LEGACY / "requirements-dev.txt").read_text()
    match = re.search(r"^ruff==([\w.]+)\s*$", text, re.MULTILINE)
    assert match, "compose-fixtures/allotment/requirements-dev.txt pins no ruff==VERSION"
    return match[1]


def plan_phases() -> list[int]:
    return [int(n) for n in re.findall(r"^\s*- phase: (\d+)\s*$", PLAN.read_text(), re.MULTILINE)]


@pytest.fixture(scope="session")
def ruff() -> Path:
    """The fixture's pinned ruff, installed from PyPI once (``tests/helpers/pinned_ruff.py``)."""
    return Path(pinned_ruff(pinned_ruff_version()))


@pytest.fixture(scope="session")
def fixture_python() -> str:
    """An interpreter with the fixture's own dependencies (its requirement files)."""
    return ensure_env(LEGACY, TARGET_ENVS, log=lambda _line: None)


@dataclass
class Restructured:
    repo: Path
    failures: list[str]


@pytest.fixture(scope="module")
def untouched(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_git_copy(LEGACY, tmp_path_factory.mktemp("untouched") / "legacy")


@pytest.fixture(scope="module")
def restructured(tmp_path_factory: pytest.TempPathFactory) -> Restructured:
    """A git copy after ``invoke phaseN --plan restructure-plan.yaml --commit`` for every phase.

    A phase that refuses is recorded and the next one runs (a refused phase writes nothing),
    so the other tests still judge what the phases that ran did.
    """
    repo = make_git_copy(LEGACY, tmp_path_factory.mktemp("restructured") / "legacy")
    failures = []
    phase_options = ["--repo", str(repo), "--plan", str(PLAN), "--commit"]
    for number in plan_phases():
        result = subprocess.run(
            [sys.executable, "-m", "invoke", "-r", str(ROOT), f"phase{number}", *phase_options],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines()
            failures.append(f"phase {number}: {lines[-1] if lines else 'exit ' + str(result.returncode)}")
    return Restructured(repo, failures)


def run_pytest(python: str, repo: Path, targets: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *targets],
        cwd=repo,
        env=target_env(repo, {"TEST_DATABASE_URL": database_url}),
        capture_output=True,
        text=True,
        timeout=600,
    )


def check_findings(ruff: Path, repo: Path) -> Counter[tuple[str, str]]:
    """``ruff check`` findings as (rule, stripped text of the flagged line)."""
    result = subprocess.run(
        [ruff, "check", "--output-format", "json", "--no-cache", "."], cwd=repo, capture_output=True, text=True
    )
    assert result.returncode in (0, 1), result.stderr
    found: Counter[tuple[str, str]] = Counter()
    for item in json.loads(result.stdout):
        lines = Path(item["filename"]).read_text().splitlines()
        row = item["location"]["row"]
        found[(item["code"] or "syntax", lines[row - 1].strip() if row <= len(lines) else "")] += 1
    return found


def format_findings(ruff: Path, repo: Path) -> Counter[tuple[str, str]]:
    """Lines ``ruff format --diff`` would remove (``-``) or add (``+``), without file names."""
    result = subprocess.run([ruff, "format", "--diff", "--no-cache", "."], cwd=repo, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr
    found: Counter[tuple[str, str]] = Counter()
    for line in result.stdout.splitlines():
        if line[:1] in ("+", "-") and not line.startswith(("+++", "---")):
            found[(line[0], line[1:].rstrip())] += 1
    return found


def format_unclean_files(ruff: Path, repo: Path) -> list[str]:
    result = subprocess.run([ruff, "format", "--check", "--no-cache", "."], cwd=repo, capture_output=True, text=True)
    return sorted(line.split(":", 1)[1].strip() for line in result.stdout.splitlines() if line.startswith("Would"))


def comments(repo: Path) -> Counter[str]:
    """Every ``#`` comment of every tracked Python file, as written (stripped of trailing blanks),
    except ``# noqa`` pragmas on import lines (the statement they silenced is regenerated)."""
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=repo, capture_output=True, text=True, check=True)
    found: Counter[str] = Counter()
    for name in tracked.stdout.split():
        source = (repo / name).read_text()
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.COMMENT:
                continue
            if token.string.lstrip("# ").startswith("noqa") and token.line.lstrip().startswith(("from ", "import ")):
                continue  # a pragma silencing an import line: a split writes the imports anew, at the top
            found[token.string.rstrip()] += 1
    return found


def located(ruff: Path, repo: Path, new: Counter[tuple[str, str]], kind: str) -> list[str]:
    """Where the new findings are (for the failure message)."""
    if kind == "check":
        result = subprocess.run(
            [ruff, "check", "--output-format", "concise", "--no-cache", "."], cwd=repo, capture_output=True, text=True
        )
        return [line for line in result.stdout.splitlines() if any(code in line for code, _ in new)][:20]
    return format_unclean_files(ruff, repo)


# --- the untouched fixture ------------------------------------------------------------------


def test_own_tests_pass_on_the_untouched_fixture(fixture_python: str, untouched: Path, pg_server) -> None:
    for target in OWN_TEST_DIRS:
        result = run_pytest(fixture_python, untouched, [target], pg_server.url())
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
        assert result.returncode == 0, f"{target}: {summary}\n{result.stdout[-3000:]}"
        assert "skipped" not in summary, f"{target}: {summary} (the database tests must run)"


def test_pinned_ruff_check_is_clean_on_the_untouched_fixture(ruff: Path, untouched: Path) -> None:
    assert check_findings(ruff, untouched) == Counter()


def test_some_files_are_not_format_clean_before(ruff: Path, untouched: Path) -> None:
    """The format comparison can only catch restyling if there is style to keep."""
    unclean = format_unclean_files(ruff, untouched)
    assert "services/plots_service/router.py" in unclean
    assert "services/plots_service/models.py" not in unclean


BUILTIN_GENERICS = {"list", "dict", "set", "tuple", "type", "frozenset"}


def fixture_python_files() -> list[Path]:
    return sorted(p for p in LEGACY.rglob("*.py") if "alembic/versions" not in p.as_posix())


def modern_annotations(tree: ast.AST) -> list[int]:
    """Lines of PEP 585 (``list[int]``) or PEP 604 (``str | None``) annotations."""
    found = []
    for node in ast.walk(tree):
        annotations = []
        if isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations.append(node.returns)
            args = node.args
            annotations += [a.annotation for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
        for annotation in filter(None, annotations):
            for inner in ast.walk(annotation):
                builtin = isinstance(inner, ast.Subscript) and getattr(inner.value, "id", "") in BUILTIN_GENERICS
                union = isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.BitOr)
                if builtin or union:
                    found.append(inner.lineno)
    return found


@pytest.mark.parametrize("path", fixture_python_files(), ids=lambda p: p.relative_to(LEGACY).as_posix())
def test_fixture_keeps_python_38_typing(path: Path) -> None:
    assert modern_annotations(ast.parse(path.read_text())) == []


def test_modern_annotations_are_seen() -> None:
    source = "x: list[int] = []\ndef f(a: 'str', b: str | None) -> Optional[dict[str, int]]: ...\n"
    assert modern_annotations(ast.parse(source)) == [1, 2, 2]


@pytest.mark.parametrize("path", sorted(LEGACY.rglob("__init__.py")), ids=lambda p: p.relative_to(LEGACY).as_posix())
def test_every_package_init_is_a_docstring_only(path: Path) -> None:
    body = ast.parse(path.read_text()).body
    assert len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant), path


def test_every_package_has_an_init() -> None:
    packages = {p.parent for p in fixture_python_files()} - {LEGACY, LEGACY / "tests"}
    missing = sorted(d.relative_to(LEGACY).as_posix() for d in packages if not (d / "__init__.py").exists())
    assert [m for m in missing if not m.endswith("/alembic")] == []


# --- after every phase of its plan ----------------------------------------------------------


def test_every_phase_of_its_plan_runs(restructured: Restructured) -> None:
    assert restructured.failures == []


def test_no_new_ruff_check_finding(ruff: Path, untouched: Path, restructured: Restructured) -> None:
    new = check_findings(ruff, restructured.repo) - check_findings(ruff, untouched)
    assert not new, "\n".join(located(ruff, restructured.repo, new, "check"))


def test_no_new_ruff_format_finding(ruff: Path, untouched: Path, restructured: Restructured) -> None:
    new = format_findings(ruff, restructured.repo) - format_findings(ruff, untouched)
    shown = "\n".join(f"{sign}{text}" for (sign, text), _ in list(new.items())[:30])
    files = ", ".join(located(ruff, restructured.repo, new, "format"))
    assert not new, f"lines ruff format would change that it would not before:\n{shown}\nunclean files: {files}"


def test_committed_openapi_test_still_passes(fixture_python: str, restructured: Restructured, pg_server) -> None:
    found = sorted(restructured.repo.glob("services/plots_service/**/test_openapi.py"))
    assert len(found) == 1, found
    target = found[0].relative_to(restructured.repo).as_posix()
    result = run_pytest(fixture_python, restructured.repo, [target], pg_server.url())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_own_tests_pass_after_every_phase(fixture_python: str, restructured: Restructured, pg_server) -> None:
    targets = [t for t in ("services/plots_service/tests", "tests") if (restructured.repo / t).is_dir()]
    assert targets == ["services/plots_service/tests", "tests"]
    for target in targets:
        result = run_pytest(fixture_python, restructured.repo, [target], pg_server.url())
        assert result.returncode == 0, f"{target}:\n{result.stdout[-3000:]}{result.stderr[-1000:]}"


def test_every_comment_of_the_original_survives(untouched: Path, restructured: Restructured) -> None:
    lost = comments(untouched) - comments(restructured.repo)
    assert not lost, "comments missing after the restructure:\n" + "\n".join(sorted(lost))


def test_the_comparisons_can_fail(ruff: Path, untouched: Path, tmp_path: Path) -> None:
    """A restyled statement and a dropped comment are seen (guards the helpers above)."""
    copy = make_git_copy(LEGACY, tmp_path / "legacy")
    path = copy / "services" / "plots_service" / "models.py"
    text = path.read_text()
    path.write_text(
        text.replace("from typing import List, Optional\n", "from typing import List, Optional  \n").replace(
            "# and the rules module is owned by the committee's secretary.\n", ""
        )
    )
    assert format_findings(ruff, copy) - format_findings(ruff, untouched)
    assert comments(untouched) - comments(copy)
    assert check_findings(ruff, copy) - check_findings(ruff, untouched)


# --- invoke demo --fixture ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "plan"),
    [
        ("monorepo", None),
        ("legacy", None),
        ("allotment", PLAN),
        ("harbour", FIXTURES / "harbour" / "restructure-plan.yaml"),
    ],
)
def test_demo_uses_the_plan_a_fixture_carries(fixture: str, plan: Path | None) -> None:
    assert demo.fixture_plan(fixture) == plan


def test_demo_refuses_an_unknown_fixture_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), "demo", "--fixture", "nosuch", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    known = ", ".join(sorted(d.name for d in FIXTURES.iterdir() if (d / "services").is_dir()))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: unknown fixture 'nosuch': no compose-fixtures/nosuch/services (known: {known})"
    ]
    assert list(tmp_path.iterdir()) == []


def test_demo_refuses_a_workdir_that_holds_an_earlier_copy(tmp_path: Path) -> None:
    (tmp_path / "legacy").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), "demo", "--fixture", "legacy", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'legacy'} already exists (an earlier demo?); remove it or pass another --workdir"
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["legacy"] and not any((tmp_path / "legacy").iterdir())
