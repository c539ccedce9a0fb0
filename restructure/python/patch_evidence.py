"""Which new module a test means when it patches a name several new modules read.

``mock.patch("svc.router.clock")`` replaces ``clock`` in one module. After a split, several
new modules may read ``clock``; the patch string can point at one of them only. The tests
themselves say which: the requests a test sends while the patch is active reach routes, and
routes live in new modules. This module reads the test code around each patch string (the
function holding it, the module-level helpers that function calls, the tests using it when it
is a pytest fixture), collects the request paths it builds (string and f-string literals,
module-level string constants inlined), and matches them against the routes of each candidate
module (by path suffix, parameters as wildcards; the app's mount prefix is unknown). The
module whose routes the requests reach most is the one the test means; a tie is no answer.
"""

from __future__ import annotations

import ast
import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

HOLE = "{}"  # a part of a request path the test computes


@dataclass(frozen=True)
class Verdict:
    module: str
    reason: str
    evidence: tuple[str, ...]


def _constants(tree: ast.Module) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = node.value
    return found


def _text(expr: ast.expr, constants: dict[str, ast.expr], depth: int = 0) -> str | None:
    """A string expression with computed parts as ``{}`` (module constants inlined)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr):
        out = []
        for part in expr.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                out.append(part.value)
            elif isinstance(part, ast.FormattedValue):
                inner = _text(part.value, constants, depth + 1) if depth < 4 else None
                out.append(inner if inner is not None else HOLE)
        return "".join(out)
    if isinstance(expr, ast.Name) and expr.id in constants and depth < 4:
        return _text(constants[expr.id], constants, depth + 1)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = _text(expr.left, constants, depth + 1), _text(expr.right, constants, depth + 1)
        return left + right if left is not None and right is not None else None
    return None


def _requests(node: ast.AST, constants: dict[str, ast.expr]) -> list[str]:
    """Path-like strings a function builds."""
    found = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant | ast.JoinedStr | ast.BinOp | ast.Name):
            text = _text(sub, constants)  # type: ignore[arg-type]
            if text and text.startswith(("/", HOLE + "/")) and " " not in text and text not in found:
                found.append(text.split("?", 1)[0])
    return found


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def _is_fixture(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for dec in func.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "fixture":
            return True
    return False


def _holding(tree: ast.Module, patch: str) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Top-level functions whose code holds the patch string."""
    return [
        func
        for func in _functions(tree).values()
        if any(isinstance(n, ast.Constant) and n.value == patch for n in ast.walk(func))
    ]


@functools.lru_cache(maxsize=64)
def _parsed(source: str) -> ast.Module | None:
    """One parse of a test file for all the patch strings it holds (each is asked about alone)."""
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def _under_patch(source: str, patch: str) -> tuple[list[str], set[str]]:
    tree = _parsed(source)
    if tree is None:
        return [], set()
    constants, functions = _constants(tree), _functions(tree)
    scope: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for func in _holding(tree, patch):
        scope.append(func)
        if _is_fixture(func):  # the tests (and fixtures) that take it as an argument
            scope += [f for f in functions.values() if func.name in {a.arg for a in f.args.args}]
    seen: list[str] = []
    all_called: set[str] = set()
    for func in scope:
        called = {n.func.id for n in ast.walk(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        all_called |= called
        for node in [func, *(functions[c] for c in sorted(called) if c in functions)]:
            seen += [r for r in _requests(node, constants) if r not in seen]
    return seen, all_called


def _segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s]


def _literals(route: str) -> int:
    return sum(1 for s in _segments(route) if not s.startswith("{"))


def reaches(request: str, route: str) -> bool:
    """Does ``request`` (``{}`` for computed parts) end with the route path (``{x}`` parameters)?"""
    req, pattern = _segments(request), _segments(route)
    if not pattern or len(pattern) > len(req):
        return not pattern and not req
    tail = req[len(req) - len(pattern) :]
    for want, got in zip(pattern, tail, strict=True):
        if want.startswith("{"):
            continue
        if want != got:
            return False
    return True


def choose(
    patch: str,
    sources: Iterable[tuple[str, str]],
    candidates: dict[str, list[str]],
    defined: dict[str, set[str]] | None = None,
) -> Verdict | None:
    """The candidate module (-> its full route paths) the tests patching ``patch`` reach most.

    ``defined`` (candidate -> the functions it defines) adds the functions a test calls
    directly: a test that calls a function of one candidate and requests a route of another
    exercises both, and both count.
    """
    hits: Counter[str] = Counter()
    evidence: list[str] = []
    for path, source in sources:
        requests, called = _under_patch(source, patch)
        for name in sorted(called):
            for module in sorted(m for m, names in (defined or {}).items() if name in names):
                hits[module] += 1
                evidence.append(f"{path}: calls {name}() of {module}")
        for request in requests:
            found = [(_literals(r), m) for m, routes in candidates.items() for r in routes if reaches(request, r)]
            best = max((n for n, _ in found), default=0)
            # the most specific routes only (``/admin/items/{id}`` over ``/{id}``); a tie decides nothing
            reached = sorted({m for n, m in found if n == best})
            if len(reached) == 1:
                hits[reached[0]] += 1
                evidence.append(f"{path}: request {request} reaches {reached[0]}")
    if not hits:
        return None
    ranked = hits.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    module, count = ranked[0]
    others = ", ".join(f"{m} {c}" for m, c in ranked[1:])
    reason = f"the tests that patch it send {count} request(s) to its routes" + (
        f" (others: {others})" if others else ""
    )
    return Verdict(module, reason, tuple(evidence))
