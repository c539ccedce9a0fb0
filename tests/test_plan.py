"""The plan file: the shipped default and the harbour plan load; every malformed plan is
refused before anything runs with one line ``file:line: reason``."""

# ruff: noqa: E501  (table rows read best one per line)

from __future__ import annotations

from pathlib import Path

import pytest

from restructure import operations
from restructure.editset import VirtualTree
from restructure.plan import DEFAULT_PLAN, OPERATIONS, PlanError, load_plan
from restructure.relocation import RelocationMap
from tests.conftest import FIXTURES

HEAD = "version: 1\nservices: [academy, gateway]\nphases:\n"
PHASE = "  - phase: 1\n    title: t\n    scope: all\n    steps:\n"


def _step(body: str) -> str:
    return HEAD + PHASE + body


# (name, plan text, line, substring of the reason)
BAD_PLANS = [
    ("unclosed flow list", HEAD + "  - phase: 1\n    steps: [op: move\n", 6, "malformed YAML"),
    ("tab indentation", HEAD + "\t- phase: 1\n", 4, "malformed YAML"),
    ("unclosed quote", _step('      - {op: note, text: "unterminated}\n'), 9, "malformed YAML"),
    ("duplicate key", "version: 1\nservices: [academy]\nversion: 1\nphases: []\n", 3, "duplicate key 'version'"),
    ("duplicate step key", _step("      - op: move\n        from: a.py\n        from: b.py\n        to: c.py\n"), 10, "duplicate key 'from'"),
    ("empty file", "", 1, "a plan is a mapping"),
    ("a list, not a mapping", "- phase: 1\n", 1, "a plan is a mapping"),
    ("missing version", "services: [academy]\nphases: []\n", 1, "unsupported plan version None"),
    ("wrong version", "version: 2\nservices: [academy]\nphases: []\n", 1, "unsupported plan version 2"),
    ("services not a list", "version: 1\nservices: academy\nphases: []\n", 2, "'services' must be a list"),
    ("no phases", "version: 1\nservices: [academy]\nphases: []\n", 3, "'phases' must be a non-empty list"),
    ("phases not a list", "version: 1\nservices: [academy]\nphases: {a: 1}\n", 3, "'phases' must be a non-empty list"),
    ("phase not a mapping", HEAD + "  - one\n", 4, "each phase must be a mapping"),
    ("phase number not an integer", HEAD + "  - phase: one\n    scope: all\n", 4, "phase number must be a positive integer"),
    ("phase number zero", HEAD + "  - phase: 0\n    scope: all\n", 4, "phase number must be a positive integer"),
    ("phase defined twice", HEAD + "  - {phase: 1, scope: all}\n  - {phase: 1, scope: all}\n", 5, "phase 1 is defined twice"),
    ("unknown service in scope", HEAD + "  - phase: 1\n    scope: billing\n", 5, "unknown service 'billing' in scope"),
    ("steps not a list", HEAD + "  - phase: 1\n    scope: all\n    steps: move\n", 6, "'steps' must be a list"),
    ("step without op", _step("      - from: a.py\n        to: b.py\n"), 8, "each step needs an 'op'"),
    ("step that is a word", _step("      - move\n"), 8, "each step needs an 'op'"),
    ("unknown operation", _step("      - {op: move, from: a.py, to: b.py}\n      - {op: teleport, path: x}\n"), 9, "unknown operation 'teleport'"),
    ("missing argument", _step("      - {op: move, from: a.py}\n"), 8, "operation 'move' needs 'to'"),
    ("unknown argument", _step("      - op: move\n        from: a.py\n        to: b.py\n        force: true\n"), 11, "does not take 'force'"),
    ("unknown service in skip", _step("      - {op: move, from: a.py, to: b.py, skip: [billing]}\n"), 8, "unknown service 'billing' in only/skip"),
    ("only is not a list", _step("      - {op: move, from: a.py, to: b.py, only: academy}\n"), 8, "'only' must be a list"),
    ("path escaping with ../", _step("      - op: move\n        from: app/main.py\n        to: ../../main.py\n"), 10, "'../../main.py' escapes the repository"),
    ("path escaping in the middle", _step("      - {op: delete, path: app/../../x}\n"), 8, "escapes the repository"),
    ("absolute path", _step("      - op: delete\n        path: /etc/passwd\n"), 9, "'/etc/passwd' escapes the repository"),
    ("absolute path in merge modules", _step("      - op: merge\n        modules: [a.py, /tmp/b.py]\n        into: c.py\n"), 9, "'/tmp/b.py' escapes"),
    ("empty path", _step("      - {op: delete, path: ''}\n"), 8, "path must be a non-empty string"),
    ("path that is a number", _step("      - {op: delete, path: 3}\n"), 8, "path must be a non-empty string, got 3"),
    ("repository operation in a service phase", _step("      - {op: check-no-app-dirs}\n"), 8, "needs scope 'repo'"),
    (
        "symbol placed twice by a split",
        _step("      - op: split\n        module: models.py\n        into: models\n        groups:\n          a: [X, Y]\n          b: [Y]\n"),
        11,
        "symbol 'Y' is placed in both 'a' and 'b'",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "reason"), [c[1:] for c in BAD_PLANS], ids=[c[0] for c in BAD_PLANS])
def test_bad_plan_is_refused_with_file_line_and_reason(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    with pytest.raises(PlanError) as info:
        load_plan(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: "), message
    assert reason in message, message


def test_missing_plan_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"nope\.yaml: cannot read plan file"):
        load_plan(tmp_path / "nope.yaml")


def test_unknown_phase_number() -> None:
    with pytest.raises(PlanError, match=r"no phase 99 in the plan"):
        load_plan().phase(99)


def test_default_plan_encodes_the_seed_document() -> None:
    plan = load_plan()
    assert plan.path == DEFAULT_PLAN
    assert sorted(plan.phases) == list(range(1, 16))
    assert plan.services_dir == "services" and plan.service_suffix == "_service" and plan.line_limit == 300
    assert {p.scope for p in plan.phases.values()} >= {"all", "repo", "gateway", "academy", "events", "ai"}
    phase1 = plan.phase(1)
    moves = [(s.args["from"], s.args["to"], s.skip) for s in phase1.steps if s.op == "move"]
    assert moves == [("app/main.py", "main.py", ()), ("app/tests", "tests", ("gateway",))]
    assert [s.args["path"] for s in phase1.steps if s.op == "delete-if-empty"] == [
        "app/api", "app/core", "app/models", "app/schemas", "app/services", "app",
    ]  # fmt: skip
    assert [s.op for s in plan.phase(12).steps] == ["note"]
    assert [s.op for s in plan.phase(13).steps] == ["note"]
    gateway = [(s.args.get("from"), s.args.get("to")) for s in plan.phase(14).steps if s.op == "move"]
    assert gateway == [("app/main.py", "main.py"), ("app/clients.py", "clients.py"), ("app/routers", "routers"),
                       ("app/tests", "tests")]  # fmt: skip
    cleanup = [s.op for s in plan.phase(15).steps]
    assert cleanup[0] == "delete" and plan.phase(15).steps[0].args["path"] == "services/identity_service"
    assert {"check-no-app-dirs", "write-conventions", "docs-layout-section", "docs-conventions-section"} <= set(cleanup)


def test_every_step_records_its_line() -> None:
    lines = DEFAULT_PLAN.read_text().splitlines()
    for phase in load_plan().phases.values():
        for step in phase.steps:
            assert f"op: {step.op}" in lines[step.line - 1], (step.line, lines[step.line - 1])


def test_harbour_plan_loads() -> None:
    plan = load_plan(FIXTURES / "harbour" / "restructure-plan.yaml")
    assert plan.services == ("berths", "vessels", "harbourmaster", "pilots", "tugs")
    assert sorted(plan.phases) == [1, 2, 3, 4, 5]


def test_schema_declares_split_and_merge_operations() -> None:
    assert {"move", "delete", "delete-if-empty", "split", "merge"} <= set(OPERATIONS)
    assert OPERATIONS["split"][0] == {"module", "into"}
    assert OPERATIONS["merge"][0] == {"modules", "into"}


def test_only_and_skip_select_services(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(
        _step(
            "      - {op: move, from: a.py, to: b.py, only: [academy]}\n      - {op: delete, path: x, skip: [gateway]}\n"
        )
    )
    only, skip = load_plan(path).phase(1).steps
    assert (only.applies_to("academy"), only.applies_to("gateway")) == (True, False)
    assert (skip.applies_to("academy"), skip.applies_to("gateway")) == (True, False)
    assert "only" not in only.args and "skip" not in skip.args


# --- drift: a plan step whose source is gone is reported, never a crash ------------------------

DRIFT = [
    # (files in the service, op, args, outcome)
    ({"main.py"}, "move", {"from": "app/main.py", "to": "main.py"}, "already done"),
    ({"router.py"}, "move", {"from": "app/main.py", "to": "main.py"}, "not found, skipped"),
    ({"tests/test_api.py"}, "move", {"from": "app/tests", "to": "tests"}, "already done"),
    ({"router.py"}, "delete-if-empty", {"path": "app/api"}, "already done"),
    ({"app/api/__init__.py", "app/api/deps.py"}, "delete-if-empty", {"path": "app/api"}, "kept (not empty)"),
    ({"router.py"}, "delete", {"path": "app"}, "already done"),
    ({"routers/__init__.py"}, "ensure-package", {"path": "routers/__init__.py"}, "already done"),
]


@pytest.mark.parametrize(("files", "op", "args", "outcome"), DRIFT)
def test_drift_is_reported_per_step(files: set[str], op: str, args: dict[str, str], outcome: str) -> None:
    base = "services/x_service"
    tree = VirtualTree(
        Path("/nonexistent"), {f"{base}/{f}": f"{base}/{f}" for f in files}, {f"{base}/{f}": "x = 1\n" for f in files}
    )
    before = dict(tree.files)
    scope = operations.Scope(base, "x")
    if op == "move":
        result = operations.move(tree, RelocationMap(), scope, args["from"], args["to"])[0]
    else:
        result = getattr(operations, op.replace("-", "_"))(tree, scope, args["path"])[0]
    assert result == outcome
    assert tree.files == before


def test_a_move_onto_an_existing_file_is_one_clear_error() -> None:
    paths = ["services/x_service/app/main.py", "services/x_service/main.py"]
    tree = VirtualTree(Path("/nonexistent"), {p: p for p in paths}, {p: "" for p in paths})
    with pytest.raises(
        operations.OperationError,
        match=r"^services/x_service/app/main\.py: cannot move to services/x_service/main\.py, which already exists",
    ):
        operations.move(tree, RelocationMap(), operations.Scope("services/x_service", "x"), "app/main.py", "main.py")


def test_a_plan_is_read_again_when_its_text_changes(tmp_path: Path) -> None:
    """Loaded once per text in a process (``invoke all`` asks three times), never stale."""
    path = tmp_path / "plan.yaml"
    path.write_text(DEFAULT_PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    first = load_plan(path)
    assert load_plan(path) is first
    assert load_plan(str(path)).path == first.path
    path.write_text(path.read_text(encoding="utf-8").replace("  - phase: 15\n", "  - phase: 16\n", 1), encoding="utf-8")
    changed = load_plan(path)
    assert changed is not first and 16 in changed.phases and 15 not in changed.phases
