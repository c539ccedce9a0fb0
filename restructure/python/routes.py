"""Routes as the code declares them, and the order in which FastAPI will try them.

FastAPI answers a request with the first registered route whose path matches, so a
split must keep every pair "literal path before an overlapping parameter path"
(``/sessions/templates`` before ``/sessions/{session_id}``) in order, also when the
routes end up in different files that ``routers/__init__.py`` includes one after
another. This module reads routes from decorators (stacked decorators register bottom
first), router prefixes from ``APIRouter(prefix=...)`` and include-time prefixes, tags
and dependencies from ``include_router(...)`` calls, and finds an include order that
keeps every such pair, or names the pair that no order can keep.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node

HTTP_METHODS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE",
                "options": "OPTIONS", "head": "HEAD", "trace": "TRACE"}  # fmt: skip


class RouteOrderError(ValueError):
    """No include order keeps a literal-before-parameter pair; the message names it."""


@dataclass(frozen=True)
class Route:
    """One registered route: ``router`` is the APIRouter variable, ``path`` the decorator path."""

    router: str
    methods: frozenset[str]
    path: str
    function: str
    line: int


@dataclass
class RouterObject:
    """A module-level ``name = APIRouter(...)`` with its own prefix."""

    name: str
    prefix: str
    statement: int


def _string(expr: cst.BaseExpression | None) -> str | None:
    if isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _kwarg(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def router_objects(module: cst.Module) -> dict[str, RouterObject]:
    """``name = APIRouter(...)`` assignments at module level, by variable name."""
    found: dict[str, RouterObject] = {}
    for index, node in enumerate(module.body):
        if not isinstance(node, cst.SimpleStatementLine):
            continue
        for small in node.body:
            if not isinstance(small, cst.Assign | cst.AnnAssign) or not isinstance(small.value, cst.Call):
                continue
            func = get_full_name_for_node(small.value.func) or ""
            if func.rsplit(".", 1)[-1] != "APIRouter":
                continue
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
            prefix_arg = _kwarg(small.value, "prefix")
            prefix = _string(prefix_arg.value) if prefix_arg else ""
            for target in targets:
                if isinstance(target, cst.Name):
                    found[target.value] = RouterObject(target.value, prefix or "", index)
    return found


def _decorator_route(dec: cst.Decorator, routers: dict[str, RouterObject]) -> tuple[str, frozenset[str], str] | None:
    call = dec.decorator
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
        return None
    owner = get_full_name_for_node(call.func.value)
    method = call.func.attr.value
    if owner not in routers:
        return None
    path_arg = next((a for a in call.args if a.keyword is None), None) or _kwarg(call, "path")
    path = _string(path_arg.value) if path_arg else None
    if path is None:
        return None
    if method in HTTP_METHODS:
        return owner, frozenset({HTTP_METHODS[method]}), path
    if method == "api_route":
        methods_arg = _kwarg(call, "methods")
        methods: set[str] = {"GET"}
        if methods_arg is not None and isinstance(methods_arg.value, cst.List | cst.Tuple | cst.Set):
            methods = {(_string(e.value) or "").upper() for e in methods_arg.value.elements}
        return owner, frozenset(methods), path
    if method == "websocket":
        return owner, frozenset({"WEBSOCKET"}), path
    return None


def function_routes(node: cst.FunctionDef, routers: dict[str, RouterObject], line: int) -> list[Route]:
    """Routes a decorated function registers, in registration order (bottom decorator first)."""
    out = []
    for dec in reversed(node.decorators):
        found = _decorator_route(dec, routers)
        if found is not None:
            owner, methods, path = found
            out.append(Route(owner, methods, path, node.name.value, line))
    return out


# --------------------------------------------------------------------------- matching


def _segments(path: str) -> list[str]:
    return path.split("/")


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _is_path_param(segment: str) -> bool:
    return _is_param(segment) and segment[1:-1].split(":", 1)[-1].strip() == "path" and ":" in segment


def paths_overlap(a: str, b: str) -> bool:
    """Could one request path match both templates? (``{x}`` is one segment, ``{x:path}`` the rest)."""
    sa, sb = _segments(a), _segments(b)
    for i in range(max(len(sa), len(sb))):
        if i < len(sa) and _is_path_param(sa[i]):
            return True
        if i < len(sb) and _is_path_param(sb[i]):
            return True
        if i >= len(sa) or i >= len(sb):
            return False
        x, y = sa[i], sb[i]
        if _is_param(x) and _is_param(y):
            continue
        if _is_param(x):
            if y == "":
                return False
            continue
        if _is_param(y):
            if x == "":
                return False
            continue
        if x != y:
            return False
    return True


@dataclass(frozen=True)
class Placed:
    """A route with its full path, the include piece it belongs to and its original position."""

    full_path: str
    methods: frozenset[str]
    function: str
    piece: int
    position: int


def conflicts(a: Placed, b: Placed) -> bool:
    if a.full_path == b.full_path and a.methods == b.methods:
        return True
    return bool(a.methods & b.methods) and paths_overlap(a.full_path, b.full_path)


@dataclass
class IncludeOrder:
    """An order of include pieces, and what was needed to find it."""

    order: list[int]
    pairs_checked: int = 0
    constraints: set[tuple[int, int]] = field(default_factory=set)


def order_pieces(routes: list[Placed], pieces: list[str]) -> IncludeOrder:
    """The include order of ``pieces`` that keeps every overlapping pair in its original order.

    Within a piece routes keep their relative order, so only pairs across pieces constrain
    the order. Ties go to the piece whose first route came first. Raises
    :class:`RouteOrderError` naming a pair when the constraints form a cycle.
    """
    ordered = sorted(routes, key=lambda r: r.position)
    constraints: dict[tuple[int, int], tuple[Placed, Placed]] = {}
    checked = 0
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if first.piece == second.piece:
                continue
            checked += 1
            if conflicts(first, second):
                constraints.setdefault((first.piece, second.piece), (first, second))
    for (a, b), (first, second) in constraints.items():
        if (b, a) in constraints:
            other = constraints[(b, a)]
            raise RouteOrderError(
                f"no include order keeps both {_describe(first)} before {_describe(second)} "
                f"and {_describe(other[0])} before {_describe(other[1])}: "
                f"{pieces[a]} and {pieces[b]} must each come first"
            )
    start = {p: min((r.position for r in ordered if r.piece == p), default=10**9) for p in range(len(pieces))}
    incoming = {p: 0 for p in range(len(pieces))}
    for _, b in constraints:
        incoming[b] += 1
    heap = [(start[p], p) for p, n in incoming.items() if n == 0]
    heapq.heapify(heap)
    order: list[int] = []
    while heap:
        _, p = heapq.heappop(heap)
        order.append(p)
        for a, b in constraints:
            if a == p:
                incoming[b] -= 1
                if incoming[b] == 0:
                    heapq.heappush(heap, (start[b], b))
    if len(order) != len(pieces):
        stuck = [p for p in range(len(pieces)) if p not in order]
        pair = next(v for (a, b), v in constraints.items() if a in stuck and b in stuck)
        raise RouteOrderError(
            f"no include order keeps {_describe(pair[0])} before {_describe(pair[1])}: "
            f"the pieces {', '.join(pieces[p] for p in stuck)} constrain each other in a cycle"
        )
    return IncludeOrder(order, checked, set(constraints))


def _describe(route: Placed) -> str:
    return f"{'/'.join(sorted(route.methods))} {route.full_path} ({route.function})"


def check_order(before: list[Placed], after: list[Placed]) -> list[str]:
    """Overlapping pairs whose order differs between two route tables (keyed by function+path)."""

    def key(r: Placed) -> tuple[str, str, frozenset[str]]:
        return (r.function, r.full_path, r.methods)

    position = {key(r): i for i, r in enumerate(after)}
    problems = []
    for i, first in enumerate(before):
        for second in before[i + 1 :]:
            if conflicts(first, second) and position.get(key(first), -1) > position.get(key(second), -1):
                problems.append(f"{_describe(first)} no longer before {_describe(second)}")
    return problems
