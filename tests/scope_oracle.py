"""The reference answer for :mod:`restructure.python.scopes`: LibCST's own scope analysis.

This is how the tool computed statement names before it switched to the stdlib ``ast``
for speed; it stays here, in the tests, as the oracle the fast version must agree with.
"""

from __future__ import annotations

import bisect

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Access, GlobalScope, MetadataWrapper, PositionProvider, ScopeProvider


def _names_in_string(node: cst.CSTNode) -> set[str]:
    try:
        value = node.evaluated_value  # type: ignore[attr-defined]
        expr = cst.parse_expression(value) if isinstance(value, str) else None
    except Exception:
        return set()
    found: set[str] = set()

    class _Names(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

        def visit_Attribute(self, attr: cst.Attribute) -> bool:
            head = get_full_name_for_node(attr)
            if head:
                found.add(head.split(".")[0])
            return False

    if expr is not None:
        expr.visit(_Names())
    return found


def _resolves_globally(access: Access) -> bool:
    referents = access.referents
    if not referents:
        return True
    return all(isinstance(r.scope, GlobalScope) for r in referents)


def oracle(source: str) -> list[tuple[int, set[str], set[str], set[str]]]:
    """Per LibCST top-level statement: (line, defines, uses, hint uses) as LibCST resolves them."""
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    positions = wrapper.resolve(PositionProvider)
    starts: list[int] = []
    rows: list[tuple[int, set[str], set[str], set[str]]] = []
    for node in module.body:
        line = positions[node].start.line
        if isinstance(node, cst.FunctionDef | cst.ClassDef) and node.decorators:
            line = min(line, positions[node.decorators[0]].start.line)
        starts.append(line)
        rows.append((line, set(), set(), set()))
    global_scope = next((s for s in scopes.values() if isinstance(s, GlobalScope)), None)
    if global_scope is None:
        return rows
    for assignment in global_scope.assignments:
        if assignment.node in positions:
            index = bisect.bisect_right(starts, positions[assignment.node].start.line) - 1
            rows[index][1].add(assignment.name)
    for scope in {s for s in scopes.values() if s is not None}:
        for access in scope.accesses:
            if not _resolves_globally(access) or access.node not in positions:
                continue
            index = bisect.bisect_right(starts, positions[access.node].start.line) - 1
            if isinstance(access.node, cst.SimpleString | cst.ConcatenatedString):
                rows[index][3].update(_names_in_string(access.node))
            else:
                name = get_full_name_for_node(access.node)
                if name:
                    rows[index][2].add(name.split(".")[0])
    return rows
