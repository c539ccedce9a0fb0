"""imports: every module of the service imports in a fresh process, and no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

from verify.context import FAILED, PASSED, ServiceContext, StepResult


def module_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module-level (runtime) imports between the service's own modules.

    Imports inside functions and under ``if TYPE_CHECKING:`` are lazy on purpose and do
    not count.
    """
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if "tests" in rel.parts or "alembic" in rel.parts or "__pycache__" in rel.parts:
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join([package, *parts])] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_pkg = path.name == "__init__.py"
        base = name if is_pkg else name.rpartition(".")[0]
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for node in tree.body:
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = base.split(".")
                    anchor = parts[: len(parts) - (node.level - 1)]
                    mod = ".".join(anchor + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith(package):
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def run(ctx: ServiceContext) -> StepResult:
    probe = ctx.probe()
    if "error" in probe:
        return StepResult(
            "imports",
            FAILED,
            f"the app module does not import: {probe['error'].strip().splitlines()[-1]}",
            [probe["error"]],
        )
    failures = [f"{name}: {error}" for name, error in probe.get("modules", {}).items() if error]
    cycle = find_cycle(module_graph(ctx.service.root, ctx.service.package))
    details = list(failures)
    if cycle:
        details.append("import cycle: " + " -> ".join(cycle))
    if details:
        return StepResult(
            "imports",
            FAILED,
            details[0] if len(details) == 1 else f"{len(details)} import problems: {details[0]}",
            details,
        )
    return StepResult("imports", PASSED, f"{len(probe.get('modules', {}))} modules import; no import cycle")
