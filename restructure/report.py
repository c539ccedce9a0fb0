"""What one phase did: step outcomes per service, moves, rewrites by kind, what needs a human."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

DONE = "done"
ALREADY_DONE = "already done"
NOT_FOUND = "not found, skipped"
NOT_APPLICABLE = "not applicable"
KEPT = "kept (not empty)"
FAILED = "failed"
# the target of a step exists, done by hand in another way than the plan's: a failure, with
# the difference in the detail (the plan or the tree must change before the phase can run)
DRIFTED = "drifted"
NOT_RUN = "not run"  # a step after a failed one of the same service
#: outcomes that make the phase fail
FAILURES = frozenset({FAILED, DRIFTED})
REFUSED = "refused"  # the pre-flight left the service as it is; the line says why


@dataclass
class StepOutcome:
    service: str
    step: str
    outcome: str
    detail: str = ""


@dataclass
class HumanItem:
    path: str
    line: int
    text: str
    reason: str


@dataclass
class PhaseReport:
    phase: int
    title: str
    dry_run: bool = False
    outcomes: list[StepOutcome] = field(default_factory=list)
    moves: list[tuple[str, str]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)  # existing files whose content changed
    rewrites: Counter[str] = field(default_factory=Counter)
    files_rewritten: list[str] = field(default_factory=list)
    needs_human: list[HumanItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # where a split put each symbol the plan does not place itself, with the rule's reason
    placements: list[str] = field(default_factory=list)
    evidence: dict[str, list[str]] = field(default_factory=dict)  # "svc: file: symbol" -> what the rule saw
    python_files_parsed: int = 0
    python_parses_max_per_file: int = 0
    python_fragments_parsed: int = 0  # statements parsed on their own (files no step parsed whole)
    seconds: float = 0.0
    commit: str | None = None
    # the commit before ``commit`` holding only the phase's whole-file moves (when a moved
    # file is also edited or empty), so that history follows each file at 100 %
    renames_commit: str | None = None
    # what makes the phase fail: a failed step, an ambiguity left for a human to settle; the
    # phase then writes nothing and exits non-zero after its report is written
    problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    @property
    def changed(self) -> bool:
        return bool(self.moves or self.created or self.deleted or self.modified or self.files_rewritten)

    def add(self, service: str, step: str, outcome: str, detail: str = "") -> None:
        self.outcomes.append(StepOutcome(service, step, outcome, detail))
        if outcome in FAILURES:
            self.problems.append(f"{service}: {step} {outcome}" + (f": {detail}" if detail else ""))

    def to_json(self) -> str:
        data = asdict(self)
        data["rewrites"] = dict(sorted(self.rewrites.items()))
        return json.dumps(data, indent=2)

    def write_json(self, directory: Path) -> Path:
        """``phase-NN.json``; a run that changed nothing goes to ``phase-NN.rerun.json`` and a
        failed one to ``phase-NN.failed.json`` instead, so the report of the run that did the
        work is kept."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"phase-{self.phase:02d}.json"
        if self.failed:  # nothing was written: the report of the run that did the work stays
            path = directory / f"phase-{self.phase:02d}.failed.json"
        elif not self.changed and path.exists():
            path = directory / f"phase-{self.phase:02d}.rerun.json"
        path.write_text(self.to_json() + "\n")
        return path

    def to_text(self) -> str:
        mode = " (dry run: nothing written)" if self.dry_run else ""
        mode = " (FAILED: nothing written)" if self.failed else mode
        lines = [f"Phase {self.phase}: {self.title}{mode}"]
        by_service: dict[str, list[StepOutcome]] = {}
        for outcome in self.outcomes:
            by_service.setdefault(outcome.service, []).append(outcome)
        for service, outcomes in by_service.items():
            lines.append(f"  [{service}]")
            for o in outcomes:
                detail = f" ({o.detail})" if o.detail else ""
                lines.append(f"    {o.outcome:<20} {o.step}{detail}")
        if self.moves:
            lines.append(f"  moved {len(self.moves)} file(s):")
            lines.extend(f"    {a} -> {b}" for a, b in self.moves)
        if self.created:
            lines.append("  created: " + ", ".join(self.created))
        if self.deleted:
            lines.append(
                f"  deleted {len(self.deleted)} file(s): "
                + ", ".join(self.deleted[:8])
                + (" ..." if len(self.deleted) > 8 else "")
            )
        if self.modified:
            lines.append(f"  modified {len(self.modified)} file(s): " + ", ".join(self.modified))
        if self.rewrites:
            total = sum(self.rewrites.values())
            lines.append(f"  rewrote {total} reference(s) in {len(self.files_rewritten)} file(s):")
            lines.extend(f"    {count:>4}  {kind}" for kind, count in sorted(self.rewrites.items()))
        if self.placements:
            lines.append(f"  placed by inference ({len(self.placements)}; `--explain SYMBOL` shows the evidence):")
            lines.extend(f"    {line}" for line in self.placements)
        for note in self.notes:
            lines.append(f"  note: {note}")
        if self.needs_human:
            lines.append(f"  needs a human ({len(self.needs_human)}):")
            lines.extend(f"    {h.path}:{h.line}: {h.reason}: {h.text.strip()[:100]}" for h in self.needs_human)
        if self.problems:
            lines.append(f"  FAILED ({len(self.problems)} problem(s)):")
            lines.extend(f"    {p}" for p in self.problems)
        elif not self.changed:
            lines.append("  nothing to change")
        lines.append(
            f"  {self.python_files_parsed} Python file(s) parsed whole"
            f" (at most {self.python_parses_max_per_file}x each), {self.python_fragments_parsed} statement(s)"
            f" parsed on their own, in {self.seconds:.2f}s"
            + (f"; committed {self.commit[:10]}" if self.commit else "")
            + (f" (renames in {self.renames_commit[:10]})" if self.renames_commit else "")
        )
        return "\n".join(lines)
