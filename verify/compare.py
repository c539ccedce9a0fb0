"""Differences between a baseline snapshot and the current service, readable route by route."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from verify.probe import path_pattern

ROUTE_KEYS = ("path", "methods", "endpoint", "name", "tags", "response_model", "status_code", "dependencies")


def _route_label(route: dict[str, Any]) -> str:
    return f"{','.join(route['methods']) or '*'} {route['path']} ({route['endpoint']})"


def _short_endpoint(route: dict[str, Any]) -> dict[str, Any]:
    """Endpoint names without the enclosing function's ``<locals>`` (a factory may move)."""
    out = {k: route.get(k) for k in ROUTE_KEYS}
    if out["endpoint"]:
        out["endpoint"] = out["endpoint"].rsplit(".", 1)[-1]
    return out


def routes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    """Ordered route tables: added, removed, changed and reordered routes, one line each."""
    diffs: list[str] = []
    b = [_short_endpoint(r) for r in before]
    a = [_short_endpoint(r) for r in after]
    key = lambda r: (r["path"], tuple(r["methods"]))  # noqa: E731
    bk, ak = {key(r): r for r in b}, {key(r): r for r in a}
    for k, r in bk.items():
        if k not in ak:
            diffs.append(f"removed route {_route_label(r)}")
    for k, r in ak.items():
        if k not in bk:
            diffs.append(f"added route {_route_label(r)}")
    for k in bk.keys() & ak.keys():
        for field in ROUTE_KEYS:
            if bk[k].get(field) != ak[k].get(field):
                diffs.append(f"{_route_label(bk[k])}: {field} {bk[k].get(field)!r} -> {ak[k].get(field)!r}")
    diffs.extend(order_changes([key(r) for r in b if key(r) in ak], [key(r) for r in a if key(r) in bk]))
    return diffs


_PARAM = re.compile(r"\{[^}]+\}")
_regex = functools.lru_cache(maxsize=4096)(path_pattern)


def _sample(path: str) -> str:
    return _PARAM.sub("x-sample", path)


def overlap(x: tuple[str, tuple[str, ...]], y: tuple[str, tuple[str, ...]]) -> bool:
    """Two routes a request could match both: a shared method and a path both accept."""
    if x[1] and y[1] and not set(x[1]) & set(y[1]):
        return False
    return bool(_regex(x[0]).match(_sample(y[0])) or _regex(y[0]).match(_sample(x[0])))


def order_changes(before: list[tuple[str, tuple[str, ...]]], after: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """Overlapping routes whose relative order changed: those are the reorderings that change
    which handler answers. Moving routes that can never match the same request is harmless."""
    position = {k: i for i, k in enumerate(after)}
    out = []
    for i, x in enumerate(before):
        for y in before[i + 1 :]:
            if position[x] > position[y] and overlap(x, y):
                out.append(
                    f"route order changes a match: {','.join(x[1]) or '*'} {x[0]} was before "
                    f"{','.join(y[1]) or '*'} {y[0]}, now after it"
                )
    return out


def pairs(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    """Literal paths that reached their own handler before and reach another one now."""
    out = []
    now = {(p["literal"], p["method"]): p for p in after}
    for p in before:
        q = now.get((p["literal"], p["method"]))
        if p.get("reached") == p["literal_endpoint"] and q and q.get("reached") != q["literal_endpoint"]:
            out.append(
                f"{p['method']} {p['literal']} is shadowed by {q['parameter']} "
                f"(reaches {q.get('reached')}, not {q['literal_endpoint']})"
            )
    return out


def openapi(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    if before == after:
        return []
    if before is None or after is None:
        return ["OpenAPI document missing on one side"]
    diffs = []
    bp, ap = before.get("paths", {}), after.get("paths", {})
    for path in sorted(bp.keys() | ap.keys()):
        if bp.get(path) != ap.get(path):
            for method in sorted((bp.get(path) or {}).keys() | (ap.get(path) or {}).keys()):
                x, y = (bp.get(path) or {}).get(method), (ap.get(path) or {}).get(method)
                if x != y:
                    diffs.append(f"OpenAPI {method.upper()} {path}: {_first_difference(x, y)}")
    if list(bp) != list(ap) and set(bp) == set(ap):
        diffs.append("OpenAPI path order differs")
    bs, as_ = before.get("components", {}).get("schemas", {}), after.get("components", {}).get("schemas", {})
    for name in sorted(bs.keys() | as_.keys()):
        if bs.get(name) != as_.get(name):
            diffs.append(f"OpenAPI schema {name}: {_first_difference(bs.get(name), as_.get(name))}")
    rest_b = {k: v for k, v in before.items() if k not in {"paths", "components"}}
    rest_a = {k: v for k, v in after.items() if k not in {"paths", "components"}}
    if rest_b != rest_a:
        diffs.append(f"OpenAPI info differs: {_first_difference(rest_b, rest_a)}")
    return diffs


def _first_difference(x: Any, y: Any, where: str = "") -> str:
    if x is None or y is None or type(x) is not type(y):
        return f"{where or 'value'}: {_short(x)} -> {_short(y)}"
    if isinstance(x, dict):
        for k in sorted(x.keys() | y.keys(), key=str):
            if x.get(k) != y.get(k):
                return _first_difference(x.get(k), y.get(k), f"{where}.{k}" if where else str(k))
    if isinstance(x, list) and len(x) == len(y):
        for i, (a, b) in enumerate(zip(x, y, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{where}[{i}]")
    return f"{where or 'value'}: {_short(x)} -> {_short(y)}"


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


def metadata(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    # Tables that vanished or appeared first: a dropped model is the cause, the columns
    # whose foreign key now points nowhere (type NullType) are the symptom.
    diffs = [f"table {table} is no longer registered on the metadata" for table in sorted(before.keys() - after.keys())]
    diffs += [f"table {table} is new on the metadata" for table in sorted(after.keys() - before.keys())]
    for table in sorted(before.keys() & after.keys()):
        if before[table] != after[table]:
            bcols = {c["name"]: c for c in before[table]["columns"]}
            acols = {c["name"]: c for c in after[table]["columns"]}
            for col in sorted(bcols.keys() | acols.keys()):
                if bcols.get(col) != acols.get(col):
                    diffs.append(f"column {table}.{col}: {_first_difference(bcols.get(col), acols.get(col))}")
            for part in ("indexes", "constraints", "info"):
                if before[table][part] != after[table][part]:
                    diffs.append(f"{table} {part}: {_first_difference(before[table][part], after[table][part])}")
    return diffs


def mapped_classes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    b = {(c["class"], c["table"]) for c in before}
    a = {(c["class"], c["table"]) for c in after}
    return [f"mapped class {c} ({t}) is gone" for c, t in sorted(b - a)] + [
        f"mapped class {c} ({t}) is new" for c, t in sorted(a - b)
    ]


RANK = {"passed": 0, "skipped": 1, "failed": 2, "error": 2, "missing": 3}


def tests(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Tests whose outcome got worse than the baseline's (a missing test counts as worse)."""
    worse = []
    for test_id, outcome in before.items():
        now = after.get(test_id, "missing")
        if RANK[now] > RANK[outcome]:
            worse.append(f"{test_id}: {outcome} -> {now}")
    for test_id, now in after.items():  # a test added since the baseline must pass too
        if test_id not in before and now in {"failed", "error"}:
            worse.append(f"{test_id}: new test, {now}")
    return worse
