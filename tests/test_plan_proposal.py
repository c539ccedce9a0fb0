"""``invoke plan`` proposals, and the shipped default plan checked against the fixture."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from restructure.engine import run_phase
from restructure.plan import load_plan
from restructure.proposal import ProposalError, propose, write_proposal
from restructure.python.routes import Placed, check_order
from tests.conftest import MONOREPO, PYTHON, ROOT, make_git_copy, make_repo

SURFACE = Path(__file__).parent / "helpers" / "surface.py"


def _surface(root: Path, service: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(root)}
    done = subprocess.run([PYTHON, str(SURFACE), service], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def dry_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, object]:
    """The dry-run report of each phase 2..11 on the tree its plan expects: the phases
    before it committed, as a user runs them in order."""
    root = make_git_copy(MONOREPO, tmp_path_factory.mktemp("dry-runs") / "monorepo")
    run_phase(root, 1, commit=True, echo=lambda _: None)
    reports: dict[int, object] = {}
    for number in range(2, 12):
        reports[number] = run_phase(root, number, dry_run=True, echo=lambda _: None)
        run_phase(root, number, commit=True, echo=lambda _: None)
    return reports


@pytest.mark.parametrize("number", range(2, 12))
def test_default_plan_phases_run_in_memory_on_the_fixture(dry_runs: dict, number: int) -> None:
    """Every split/merge step of the shipped plan finds its modules and symbols (dry run, on the
    tree the phases before it leave)."""
    report = dry_runs[number]
    assert not report.failed, report.problems
    assert report.dry_run
    assert [o for o in report.outcomes if o.outcome == "not found, skipped" and "main.py" not in o.detail] == []


def test_unknown_service_is_one_clear_error(monorepo_session_copy: Path) -> None:
    with pytest.raises(ProposalError, match="no such service directory"):
        propose(monorepo_session_copy, "nosuch")


def test_proposal_for_store_runs_and_keeps_behaviour(monorepo: Path, tmp_path: Path) -> None:
    before = _surface(monorepo, "store")
    run_phase(monorepo, 1, commit=True, echo=lambda _: None)
    plan_file = write_proposal(monorepo, "store", tmp_path / "plan-store.yaml")
    plan = load_plan(plan_file)
    phase = next(iter(plan.phases.values()))
    assert [s.op for s in phase.steps][:3] == ["split", "split", "split"]
    run_phase(monorepo, phase.number, plan_path=plan_file, commit=True, echo=lambda _: None)
    after = _surface(monorepo, "store")
    assert sorted(map(json.dumps, before["routes"])) == sorted(map(json.dumps, after["routes"]))

    def placed(routes: list[dict]) -> list[Placed]:
        return [Placed(r["path"], frozenset(r["methods"]), r["endpoint"] or "", 0, i) for i, r in enumerate(routes)]

    assert check_order(placed(before["routes"]), placed(after["routes"])) == []
    assert before["openapi"] == after["openapi"] and before["metadata"] == after["metadata"]
    assert (monorepo / "services/store_service/models/__init__.py").is_file()


def test_invoke_plan_writes_a_valid_plan(monorepo_session_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.yaml"
    invoke = str(Path(PYTHON).parent / "invoke")
    done = subprocess.run(
        [invoke, "plan", "--service", "transport", "--repo", str(monorepo_session_copy), "--output", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    steps = next(iter(load_plan(out).phases.values())).steps
    assert [s.op for s in steps][:2] == ["extract-schemas", "split"]


def test_members_proposal_is_by_entity_and_deletes_the_stub(monorepo_session_copy: Path) -> None:
    """Entity files, not one per class; enums together; the re-export stub deleted, not moved."""
    proposal = propose(monorepo_session_copy, "members")
    split = next(s for s in proposal.steps if s["op"] == "split" and s["module"] == "models.py")
    source = (monorepo_session_copy / "services/members_service/models.py").read_text()
    tables = source.count("__tablename__")
    assert "enums" in split["groups"]
    assert len(split["groups"]) - 1 < tables / 2, split["groups"]  # entities, not one file per model
    assert {s["op"]: s["path"] for s in proposal.steps if s.get("path") == "router.py"} == {"delete": "router.py"}
    assert not any(s.get("from") == "router.py" for s in proposal.steps)


APP_MODELS = "\n\n".join(
    f'class {name}(Base):\n    __tablename__ = "{name.lower()}s"\n'
    + "".join(f"    c{i} = Column(Integer)\n" for i in range(60))
    for name in ("Boat", "Mooring", "Crew", "Voyage", "Cargo", "Harbour")
)


def test_code_under_app_is_read(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "services/dock_service/app/__init__.py": "",
        "services/dock_service/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "services/dock_service/app/models.py": "from sqlalchemy import Column, Integer\n\nfrom .db import Base\n\n\n"
        + APP_MODELS,
        "services/dock_service/app/db.py": "Base = object\n",
    })  # fmt: skip
    proposal = propose(repo, "dock")
    split = next(s for s in proposal.steps if s["op"] == "split")
    assert (split["module"], split["into"]) == ("app/models.py", "app/models")
    assert set(split["groups"]) == {"boat", "mooring", "crew", "voyage", "cargo", "harbour"}


def test_proposal_goes_next_to_the_target_never_into_the_tool(monorepo_session_copy: Path, capsys) -> None:
    written = write_proposal(monorepo_session_copy, "transport", None)
    assert written is not None and written.parent == monorepo_session_copy / ".git" / "restructure"
    load_plan(written)
    assert write_proposal(monorepo_session_copy, "transport", Path("-")) is None
    assert "scope: transport" in capsys.readouterr().out
    with pytest.raises(ProposalError, match="tool's own directory"):
        write_proposal(monorepo_session_copy, "transport", ROOT / "plan-transport.yaml")
    assert not (ROOT / "plan-transport.yaml").exists()
