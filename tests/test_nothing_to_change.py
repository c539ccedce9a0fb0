"""A phase that changes nothing runs no reference gate.

The gate compares the tree on disk with the tree the phase would write; when the phase
changes nothing (a phase of notes only, a re-run of a finished phase) the two are the same
tree and no reference can break, so neither the gate nor the import-roots inference it
needs runs. Each row runs one phase of the built-in fixture and counts the gate's runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from restructure import check_references, engine
from tests.conftest import MONOREPO, make_git_copy

ROWS = [
    # (phase, run it once before, gate runs expected)
    (12, False, 0),  # notes only
    (1, True, 0),  # a re-run of a finished phase
    (1, False, 1),  # a phase that moves files
]


@pytest.mark.parametrize(("number", "before", "gates"), ROWS, ids=["notes only", "re-run", "moves"])
def test_the_gate_runs_only_when_the_phase_changes_something(
    number: int, before: bool, gates: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_git_copy(MONOREPO, tmp_path / "repo")
    if before:
        engine.run_phase(repo, number, echo=lambda _text: None)
    calls: list[int] = []
    real = check_references.gate

    def counted(*args: object, **kwargs: object) -> check_references.Result:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(check_references, "gate", counted)
    report = engine.run_phase(repo, number, dry_run=True, echo=lambda _text: None)
    assert not report.failed
    assert len(calls) == gates
