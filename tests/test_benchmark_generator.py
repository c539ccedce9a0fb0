"""The benchmark's monorepo generator: deterministic, valid Python, clones that do not clash.

No timing here: the benchmarks measure time, tests never assert on it.
"""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATE = ROOT / "benchmarks" / "generate.py"
FIXTURE = ROOT / "compose-fixtures" / "monorepo"


def generate(out: Path, *args: str) -> Path:
    subprocess.run([sys.executable, str(GENERATE), *args, str(out)], check=True, capture_output=True)
    return out


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def scale2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("gen") / "scale2", "--scale", "2", "--seed", "3")


def test_scale_one_is_the_fixture(tmp_path: Path) -> None:
    out = generate(tmp_path / "one", "--scale", "1")
    caches = (".ruff_cache", ".pytest_cache")  # left out of the copy, like __pycache__
    expected = {k: v for k, v in tree(FIXTURE).items() if not k.startswith(caches)}
    assert tree(out) == expected


def test_same_seed_same_tree(scale2: Path, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", "--scale", "2", "--seed", "3")
    assert tree(again) == tree(scale2)


def test_committed_and_clean(scale2: Path) -> None:
    status = subprocess.run(["git", "status", "--porcelain"], cwd=scale2, capture_output=True, text=True, check=True)
    assert status.stdout == ""


def test_every_python_file_compiles(scale2: Path) -> None:
    for path in scale2.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_clone_renames_package_tables_and_enums(scale2: Path) -> None:
    clone = scale2 / "services" / "academy2_service"
    models = (clone / "models.py").read_text(encoding="utf-8")
    migration = (clone / "alembic" / "versions" / "0001_initial.py").read_text(encoding="utf-8")
    assert '__tablename__ = "academy_programs_c2"' in models
    assert '__tablename__ = "members"' in models  # a stub of another service's table keeps its name
    assert 'name="program_category_c2"' in models
    assert "'pk_academy_programs_c2'" in migration
    assert "academy_service" not in "".join(p.read_text(encoding="utf-8") for p in clone.rglob("*.py"))
    assert "services/academy2_service/Dockerfile" in (scale2 / "docker-compose.yml").read_text(encoding="utf-8")
    assert not filecmp.cmp(clone / "models.py", scale2 / "services" / "academy_service" / "models.py", shallow=False)


def test_grown_files_and_clone_import(scale2: Path) -> None:
    router = (scale2 / "services" / "academy_service" / "router.py").read_text(encoding="utf-8")
    assert "bench-1" in router
    assert (scale2 / "services" / "academy_service" / "alembic" / "versions" / "0002_bench.py").is_file()
    env = {**os.environ, "PYTHONPATH": str(scale2)}
    for service in ("academy2", "academy", "members2"):  # one per process, as the fixture's own tests run
        code = f"import services.{service}_service.app.main as m; assert m.app.routes"
        subprocess.run([sys.executable, "-c", code], cwd=scale2, check=True, env=env)


def test_a_grown_tree_comes_with_the_shipped_plan_grown_with_it(scale2: Path) -> None:
    from restructure.plan import Phase, load_plan

    shipped = load_plan(None)
    grown = load_plan(scale2.with_name(scale2.name + ".plan.yaml"))
    clones = [s for s in grown.services if s not in shipped.services]
    assert clones and all(c.rstrip("0123456789") in shipped.services for c in clones), clones
    by_scope = {p.scope: p for p in grown.phases.values()}

    def steps(phase: Phase) -> list[tuple[str, dict[str, Any], tuple[str, ...], tuple[str, ...]]]:
        return [(s.op, s.args, s.only, s.skip) for s in phase.steps]

    for phase in shipped.phases.values():
        copy = grown.phases[phase.number * 100]
        assert (copy.scope, steps(copy)) == (phase.scope, steps(phase))
        for clone in (c for c in clones if c.rstrip("0123456789") == phase.scope):
            assert steps(by_scope[clone]) == steps(phase) and by_scope[clone].number > copy.number
    assert list(grown.phases) == sorted(grown.phases)
    assert grown.line_limit > shipped.line_limit


def test_invoke_all_passes_its_dry_run_on_a_grown_tree_with_its_plan(scale2: Path) -> None:
    # the benchmark measures whole runs: a grown tree whose clones or big files the plan
    # refuses would measure a run that stopped early
    plan = scale2.with_name(scale2.name + ".plan.yaml")
    invoke = [sys.executable, "-m", "invoke", "-r", str(ROOT)]
    done = subprocess.run(
        [*invoke, "all", "--repo", str(scale2), "--plan", str(plan), "--dry-run"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "pre-flight: " in done.stdout and "problem(s)" not in done.stdout.split("pre-flight: ", 1)[1].split("\n")[0]
