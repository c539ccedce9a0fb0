"""imports: every module of the service imports in a fresh process, and no import cycle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from verify import dependencies
from verify.context import FAILED, PASSED, ServiceContext, StepResult


def _runtime_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run when the module is imported: the top level, and the bodies of
    top-level ``if``/``try``/``with`` blocks, but not ``if TYPE_CHECKING:`` blocks."""
    for node in body:
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
            if name != "TYPE_CHECKING":
                yield from _runtime_statements(node.body)
            yield from _runtime_statements(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody):
                yield from _runtime_statements(block)
        elif isinstance(node, ast.With):
            yield from _runtime_statements(node.body)
        else:
            yield node


def module_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module-level (runtime) imports between the service's own modules.

    Imports inside functions and under ``if TYPE_CHECKING:`` are lazy on purpose and do
    not count. ``from pkg import submodule`` depends on the submodule only: the package
    itself is already being imported when one of its own modules runs.
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

    def resolve(target: str) -> str | None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_pkg = path.name == "__init__.py"
        base = name if is_pkg else name.rpartition(".")[0]
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for node in _runtime_statements(tree.body):
            targets: list[str | None] = []
            if isinstance(node, ast.Import):
                targets = [resolve(a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = base.split(".")
                    anchor = parts[: len(parts) - (node.level - 1)]
                    mod = ".".join(anchor + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                for alias in node.names:
                    submodule = f"{mod}.{alias.name}"
                    targets.append(submodule if submodule in modules else resolve(mod))
            for target in targets:
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
    cycle = find_cycle(module_graph(ctx.service.root, ctx.service.package))
    cycle_line = "import cycle: " + " -> ".join(cycle) if cycle else None
    probe = ctx.probe()
    if "error" in probe:
        error = probe["error"].strip().splitlines()
        last = next((line for line in reversed(error) if line.strip()), "no output")
        message = f"the app module does not import: {last.strip()}"
        hint = dependencies.hint(probe["error"], dependencies.local_packages(ctx.repo))
        if hint and hint not in message:
            message += f" ({hint})"
        if cycle_line:  # the cycle is the cause; say it first
            message = f"{cycle_line} (the app module does not import: {last.strip()})"
        return StepResult("imports", FAILED, message, [*([cycle_line] if cycle_line else []), probe["error"]])
    failures = []
    for name, error in probe.get("modules", {}).items():
        if error:
            hint = dependencies.hint(error, dependencies.local_packages(ctx.repo))
            failures.append(f"{name}: {error}" + (f" ({hint})" if hint else ""))
    details = ([cycle_line] if cycle_line else []) + failures
    if details:
        return StepResult(
            "imports",
            FAILED,
            details[0] if len(details) == 1 else f"{len(details)} import problems: {details[0]}",
            details,
        )
    return StepResult("imports", PASSED, f"{len(probe.get('modules', {}))} modules import; no import cycle")
