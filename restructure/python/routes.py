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
    """An order of include pieces, and what was needed to find it.

    ``sequence`` is every route in the order the new includes register them; ``displaced``
    the routes that change place relative to the original sequence (the fewest routes whose
    removal leaves both sequences equal), each with its new index in ``sequence``.
    """

    order: list[int]
    pairs_checked: int = 0
    constraints: set[tuple[int, int]] = field(default_factory=set)
    sequence: list[Placed] = field(default_factory=list)
    displaced: list[tuple[Placed, int]] = field(default_factory=list)


# exact search over include orders up to this many (pieces placed, last kept run) states (about a
# second in the worst case); beyond it a local search improves the earliest-first order
_EXACT_BUDGET = 50_000


def order_pieces(routes: list[Placed], pieces: list[str]) -> IncludeOrder:
    """The include order of ``pieces`` that keeps every overlapping pair in its original order
    and, beyond that, moves as few routes as possible.

    ``position`` is a route's place in the original registration sequence; within a piece
    routes keep the order they have in ``routes`` (the order of the piece's file). Pairs that
    one request could match are hard constraints: FastAPI answers with the first match. The
    rest of the order is chosen to keep the original sequence wherever possible, because
    registration order is visible (an ``openapi.json`` lists ``paths`` in it): the order
    whose route sequence shares the longest common subsequence with the original wins,
    ties going to the piece whose first route came first. Raises :class:`RouteOrderError`
    naming a pair when the constraints form a cycle.
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
    members: dict[int, list[Placed]] = {p: [] for p in range(len(pieces))}
    for route in routes:
        members[route.piece].append(route)
    start = {p: min((r.position for r in members[p]), default=10**9) for p in members}
    order = _keep_most(members, constraints, start)
    if order is None:
        order = _earliest_first(members, constraints, start)
        if len(order) == len(pieces):
            order = _improve(order, members, set(constraints))
    if len(order) != len(pieces):
        stuck = [p for p in range(len(pieces)) if p not in order]
        pair = next(v for (a, b), v in constraints.items() if a in stuck and b in stuck)
        raise RouteOrderError(
            f"no include order keeps {_describe(pair[0])} before {_describe(pair[1])}: "
            f"the pieces {', '.join(pieces[p] for p in stuck)} constrain each other in a cycle"
        )
    sequence = [r for p in order for r in members[p]]
    kept = _longest_increasing([r.position for r in sequence])
    displaced = [(r, i) for i, r in enumerate(sequence) if i not in kept]
    return IncludeOrder(order, checked, set(constraints), sequence, displaced)


def _earliest_first(
    members: dict[int, list[Placed]], constraints: dict[tuple[int, int], tuple[Placed, Placed]], start: dict[int, int]
) -> list[int]:
    """Stable topological order: among the pieces allowed next, the one whose first route came first."""
    incoming = dict.fromkeys(members, 0)
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
    return order


def _improve(order: list[int], members: dict[int, list[Placed]], constraints: set[tuple[int, int]]) -> list[int]:
    """Move single pieces to other places while that keeps more routes in place and breaks no
    constraint (for orders too large to search exactly)."""

    def kept(candidate: list[int]) -> int:
        return len(_longest_increasing([r.position for p in candidate for r in members[p]]))

    def allowed(candidate: list[int]) -> bool:
        at = {p: i for i, p in enumerate(candidate)}
        return all(at[a] < at[b] for a, b in constraints)

    best, score = order, kept(order)
    for _ in range(4 * len(order)):
        improved = False
        for i in range(len(best)):
            rest = best[:i] + best[i + 1 :]
            for j in range(len(best)):
                if j == i:
                    continue
                candidate = [*rest[:j], best[i], *rest[j:]]
                if allowed(candidate) and (value := kept(candidate)) > score:
                    best, score, improved = candidate, value, True
                    break
            if improved:
                break
        if not improved:
            break
    return best


def _runs(seq: list[Placed]) -> list[tuple[int, int]]:
    """A piece's routes as (first position, length) runs of consecutive original positions.

    No route of another piece lies inside a run, so a best order keeps a run whole or not
    at all: searching runs instead of routes gives the same answer with far fewer states.
    """
    runs: list[tuple[int, int]] = []
    for route in seq:
        if runs and runs[-1][0] + runs[-1][1] == route.position:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((route.position, 1))
    return runs


def _keep_most(
    members: dict[int, list[Placed]], constraints: dict[tuple[int, int], tuple[Placed, Placed]], start: dict[int, int]
) -> list[int] | None:
    """The allowed order whose route sequence keeps the most routes of the original sequence in
    place (longest common subsequence), ties to the earliest first route; None when the search
    would be too large (the caller falls back to :func:`_earliest_first`) or no order exists.

    State: the set of pieces placed so far and the original position of the last kept run;
    the best number of routes still keepable from a state does not depend on how it was reached.
    """
    count = len(members)
    runs = {p: _runs(members[p]) for p in members}
    total_runs = sum(len(r) for r in runs.values())
    if count > 20 or (2**count) * (total_runs + 1) > _EXACT_BUDGET:
        return None
    preds = dict.fromkeys(members, 0)
    for a, b in constraints:
        preds[b] |= 1 << a
    full = (1 << count) - 1
    candidates = sorted(members, key=lambda p: (start[p], p))
    options_cache: dict[tuple[int, int], list[tuple[int, int]]] = {}

    def options(p: int, last: int) -> list[tuple[int, int]]:
        """(new last kept position, routes kept) for placing piece ``p`` after ``last``."""
        key = (p, last)
        if key not in options_cache:
            usable = [(pos, n) for pos, n in runs[p] if pos > last]
            best_at: list[int] = []
            for i, (pos, n) in enumerate(usable):
                before = [best_at[j] for j in range(i) if usable[j][0] < pos]
                best_at.append(n + max(before, default=0))
            found = [(last, 0)] + [(pos, best_at[i]) for i, (pos, _) in enumerate(usable)]
            # drop options another one beats: an earlier last position with as many kept
            found.sort(key=lambda o: (o[0], -o[1]))
            kept: list[tuple[int, int]] = []
            for option in found:
                if not kept or option[1] > kept[-1][1]:
                    kept.append(option)
            options_cache[key] = kept
        return options_cache[key]

    memo: dict[tuple[int, int], int] = {}

    def best(mask: int, last: int) -> int:
        if mask == full:
            return 0
        key = (mask, last)
        if key not in memo:
            value = -1
            for p in candidates:
                if mask >> p & 1 or preds[p] & ~mask:
                    continue
                for new_last, gained in options(p, last):
                    rest = best(mask | 1 << p, new_last)
                    if rest >= 0:
                        value = max(value, gained + rest)
            memo[key] = value
        return memo[key]

    if best(0, -1) < 0:
        return None
    order: list[int] = []
    mask, last = 0, -1
    while mask != full:
        target = best(mask, last)
        step = next(
            (p, new_last)
            for p in candidates
            if not (mask >> p & 1 or preds[p] & ~mask)
            for new_last, gained in options(p, last)
            if best(mask | 1 << p, new_last) >= 0 and gained + best(mask | 1 << p, new_last) == target
        )
        order.append(step[0])
        mask, last = mask | 1 << step[0], step[1]
    return order


def _longest_increasing(values: list[int]) -> set[int]:
    """Indices of one longest strictly increasing subsequence of ``values`` (patience sorting)."""
    tails: list[int] = []  # index of the smallest tail of an increasing run of each length
    parent: list[int] = [-1] * len(values)
    for i in range(len(values)):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if values[tails[mid]] < values[i]:
                lo = mid + 1
            else:
                hi = mid
        parent[i] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(i)
        else:
            tails[lo] = i
    out: set[int] = set()
    i = tails[-1] if tails else -1
    while i != -1:
        out.add(i)
        i = parent[i]
    return out


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
