"""Patch targets follow the lookup site.

``mock.patch("svc.router.get_member")`` replaces the name where the code under test reads
it. After a split the old module is gone and its code is spread over several files, each
binding its own copy of imported names: the patch must name the one new module whose code
reads the name (a re-export hub would accept the patch and intercept nothing). When several
new modules read it, the test that patches it is evidence: if the function holding the patch
calls functions, or requests routes, that the split put in exactly one of the candidate
modules, the patch must act there (:func:`from_evidence`). Otherwise the string is left alone
and the phase fails, naming the file, the line, the candidates and the plan key that settles
it (``patch_targets:``): an ambiguity is never committed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node

from restructure.relocation import RelocationMap

#: test-client calls whose first argument is a URL, by HTTP method
CLIENT_METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


@dataclass(frozen=True)
class Ambiguous:
    """A patch target several new modules look up; a human must choose, or evidence settles it."""

    value: str
    candidates: tuple[str, ...]
    key: str = ""  # old.module.name
    rest: tuple[str, ...] = ()  # attributes after the name

    def resolved(self, site: str) -> str:
        return ".".join([site, self.key.rsplit(".", 1)[-1], *self.rest])


def record_evidence(
    relocation: RelocationMap, old_module: str, new_package: str, homes: Mapping[str, str], routes: Mapping[str, list]
) -> None:
    """Keep what a split placed where, for :func:`from_evidence`."""
    for name, home in homes.items():
        relocation.homes[f"{old_module}.{name}"] = home
    placed = relocation.route_homes.setdefault(old_module, [])
    for module, found in routes.items():
        dotted = module if "." in module else f"{new_package}.{module}"
        placed.extend((frozenset(m.upper() for m in r.methods), r.path, dotted) for r in found)


def from_evidence(target: Ambiguous, function: cst.FunctionDef | None, relocation: RelocationMap) -> str | None:
    """The candidate module the test holding the patch exercises, when exactly one is."""
    if function is None or not target.key:
        return None
    old_module = target.key.rsplit(".", 1)[0]
    calls = _calls(function)
    exercised = {relocation.homes.get(f"{old_module}.{name}") for name, _ in calls}
    for method, url in ((m, a) for name, args in calls for m, a in _requests(name, args)):
        exercised |= {
            module
            for methods, path, module in relocation.route_homes.get(old_module, [])
            if path.strip("/") and (not methods or method in methods) and _route_pattern(path).search(url)
        }
    chosen = exercised & set(target.candidates)
    return chosen.pop() if len(chosen) == 1 else None


def _calls(function: cst.FunctionDef) -> list[tuple[str, list[cst.Arg]]]:
    """(last name of the called expression, arguments) for every call in the function."""
    found: list[tuple[str, list[cst.Arg]]] = []

    class Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            name = get_full_name_for_node(node.func)
            if name:
                found.append((name.rsplit(".", 1)[-1], list(node.args)))

    function.body.visit(Calls())
    return found


def _requests(name: str, args: Iterable[cst.Arg]) -> list[tuple[str, str]]:
    """``client.post("/x")`` -> [("POST", "/x")]; the URL's literal part for an f-string."""
    first = next(iter(args), None)
    if name not in CLIENT_METHODS or first is None:
        return []
    value = first.value
    if isinstance(value, cst.SimpleString):
        url = value.evaluated_value
        return [(name.upper(), url)] if isinstance(url, str) else []
    if isinstance(value, cst.FormattedString):
        url = "".join(p.value if isinstance(p, cst.FormattedStringText) else "0" for p in value.parts)
        return [(name.upper(), url)]
    return []


def _route_pattern(path: str) -> re.Pattern[str]:
    """A decorator path as a suffix of a requested URL (prefixes differ: router, include)."""
    parts = re.split(r"\{[^}]*\}", path.rstrip("/"))
    return re.compile("[^/?#]+".join(re.escape(p) for p in parts) + r"/?(?:[?#].*)?$")


def retarget(value: str, relocation: RelocationMap) -> str | Ambiguous | None:
    """The new patch string, an :class:`Ambiguous` marker, or None when the split map says nothing.

    ``value`` is ``module.name[.attr...]``; the longest known ``module.name`` wins.
    """
    if not (relocation.patch_sites or relocation.ambiguous):
        return None
    parts = value.split(".")
    for cut in range(len(parts), 1, -1):
        head = ".".join(parts[:cut])
        rest = parts[cut:]
        if head in relocation.ambiguous:
            return Ambiguous(value, tuple(relocation.ambiguous[head]), head, tuple(rest))
        site = relocation.patch_sites.get(head)
        if site is not None:
            return ".".join([site, parts[cut - 1], *rest])
    return None


def find_lines(text: str, value: str) -> list[int]:
    """1-based lines where the string literal ``value`` appears (for the report only)."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if f'"{value}"' in line or f"'{value}'" in line:
            out.append(number)
    return out
