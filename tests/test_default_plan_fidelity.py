"""The shipped default plan on both 13-service fixtures, judged by each fixture's own tools.

``compose-fixtures/legacy`` is a second monorepo in the plan's current state, written from the
plan document alone in a Python 3.8 hand with an old ruff pinned (see its HAZARDS.md); the
plan was not shaped for it. ``compose-fixtures/monorepo`` is the first. After
``invoke all --commit`` with the default plan, unchanged, on each: every phase ran, the
fixture's own ruff (the pinned version, or ours where the requirement allows it) finds
nothing with ``check`` or ``format --check`` that it did not find before, no comment is lost,
every whole-file move is a 100 % rename, and (legacy) every service's own tests (the
committed-OpenAPI test of payments among them) pass where they moved to. The comparison
helpers are the allotment fixture's (``tests/test_legacy_fixture.py``).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tokenize
from collections import Counter
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from restructure.plan import DEFAULT_PLAN, load_plan
from tests.conftest import FIXTURES, ROOT, make_git_copy
from tests.helpers.masked_references import mask, same_but_paths
from tests.helpers.pinned_ruff import pinned_ruff
from tests.test_legacy_fixture import TARGET_ENVS, check_findings, comments, format_findings, located, run_pytest
from verify.target import ensure_env

LEGACY = FIXTURES / "legacy"


TARGETS = ["legacy", "monorepo"]
both = pytest.mark.parametrize("target", TARGETS, indirect=True)
legacy_only = pytest.mark.parametrize("target", ["legacy"], indirect=True)


@pytest.fixture(scope="module")
def target(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def ruff(target: str) -> Path:
    """The ruff the fixture's requirements-dev.txt asks for: its pinned version, or ours
    when ours satisfies the requirement."""
    source = FIXTURES / target / "requirements-dev.txt"
    wanted = re.search(r"^ruff\s*([<>=!~][^#\s]*)\s*$", source.read_text(), re.MULTILINE)
    assert wanted, f"{source} names no ruff requirement"
    if wanted[1].startswith("=="):
        return Path(pinned_ruff(wanted[1][2:]))
    ours = Path(sys.executable).parent / "ruff"
    version = subprocess.run([ours, "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]
    assert version in SpecifierSet(wanted[1]), f"{source} wants ruff{wanted[1]}; ours is {version}"
    return ours


@pytest.fixture(scope="module")
def python() -> str:
    return ensure_env(LEGACY, TARGET_ENVS, log=lambda _line: None)


@pytest.fixture(scope="module")
def untouched(target: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_git_copy(FIXTURES / target, tmp_path_factory.mktemp("untouched") / target)


@pytest.fixture(scope="module")
def restructured(
    target: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    repo = make_git_copy(FIXTURES / target, tmp_path_factory.mktemp("restructured") / target)
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), "all", "--repo", str(repo), "--commit"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    return repo, result


def test_the_fixture_has_no_plan_of_its_own() -> None:
    assert not (LEGACY / "restructure-plan.yaml").exists()


@legacy_only
def test_untouched_fixture_is_clean_under_its_own_tools(ruff: Path, python: str, untouched: Path, pg_server) -> None:
    assert check_findings(ruff, untouched) == Counter()
    result = run_pytest(python, untouched, ["services"], pg_server.url())
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
    assert result.returncode == 0 and "skipped" not in summary, summary


@both
def test_every_phase_of_the_default_plan_runs(restructured) -> None:
    repo, result = restructured
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert not list(repo.glob("services/*/app")), "no app/ directory is left"


@both
def test_no_new_ruff_finding(ruff: Path, untouched: Path, restructured) -> None:
    repo, _ = restructured
    new = check_findings(ruff, repo) - check_findings(ruff, untouched)
    assert not new, "\n".join(located(ruff, repo, new, "check"))
    new = format_findings(ruff, repo) - format_findings(ruff, untouched)
    shown = "\n".join(f"{sign}{text}" for (sign, text), _ in list(new.items())[:30])
    assert not new, f"lines ruff format would change that it would not before:\n{shown}"


def _comparable(found: Counter[str]) -> Counter[str]:
    """Comments with every path or dotted module reference blanked: a comment whose only
    change is a rewritten reference (``see volunteer_router.py`` -> ``see routers/volunteers.py``)
    is the same comment."""
    return Counter({mask(text): n for text, n in found.items()})


def _deleted_by_the_plan() -> list[str]:
    """Paths the default plan deletes (``op: delete``): their comments go with them."""
    plan = load_plan(DEFAULT_PLAN)
    out = []
    for phase in plan.phases.values():
        for step in phase.steps:
            if step.op == "delete":
                scope = phase.scope
                base = "" if scope == "repo" else f"{plan.services_dir}/{scope}{plan.service_suffix}/"
                out.append(base + str(step.args["path"]))
    return out


@both
def test_every_comment_survives(untouched: Path, restructured) -> None:
    deleted = _deleted_by_the_plan()
    assert "services/members_service/router.py" in deleted  # e.g. legacy's re-export stub the plan drops
    gone: Counter[str] = Counter()
    for path in sorted(untouched.rglob("*.py")):
        name = path.relative_to(untouched).as_posix()
        if any(name == d or name.startswith(d + "/") for d in deleted):
            tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
            gone.update(tok.string.rstrip() for tok in tokens if tok.type == tokenize.COMMENT)
    after = comments(restructured[0])
    lost = _comparable(comments(untouched)) - _comparable(gone) - _comparable(after)
    # a comment whose reference was rewritten to a shorter one (``app.main`` -> ``main``)
    lost = Counter({c: n for c, n in lost.items() if not any(same_but_paths(c, a) for a in after)})
    assert not lost, "comments missing after the restructure:\n" + "\n".join(sorted(lost))


@both
def test_whole_file_moves_are_exact_renames(restructured) -> None:
    """Every move of every phase's report, the ones whose references the tool rewrote
    inside the file (main.py, a docstring naming its own module) included."""
    repo, _ = restructured
    log = subprocess.run(
        ["git", "log", "--format=", "--name-status", "-M100%", "--diff-filter=R", "HEAD"],
        cwd=repo, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    exact = {tuple(line.split("\t")[1:]) for line in log.splitlines() if line.startswith("R100")}
    reports = sorted((repo / ".git/restructure/reports").glob("phase-*.json"))
    moves = [tuple(m) for r in reports for m in json.loads(r.read_text())["moves"]]
    assert len(moves) > 50, f"{len(moves)} moves in {len(reports)} reports"
    missing = [f"{old} -> {new}" for old, new in moves if (old, new) not in exact]
    assert not missing, f"{len(missing)} of {len(moves)} moves are not 100 % renames:\n" + "\n".join(missing[:20])


@legacy_only
def test_own_tests_pass_where_they_moved(python: str, restructured, pg_server) -> None:
    repo, _ = restructured
    folders = sorted(p.relative_to(repo).as_posix() for p in repo.glob("services/*/tests"))
    assert len(folders) == 13, folders
    assert (repo / "services/payments_service/tests/test_openapi.py").is_file()
    result = run_pytest(python, repo, ["services"], pg_server.url())
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
    assert result.returncode == 0 and "skipped" not in summary, result.stdout[-3000:] + result.stderr[-1000:]
