"""Patch targets follow the lookup site.

``mock.patch("svc.router.get_member")`` replaces the name where the code under test reads
it. After a split the old module is gone and its code is spread over several files, each
binding its own copy of imported names: the patch must name the one new module whose code
reads the name (a re-export hub would accept the patch and intercept nothing). When several
new modules read it, the string is left alone and reported with its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass

from restructure.relocation import RelocationMap


@dataclass(frozen=True)
class Ambiguous:
    """A patch target several new modules look up; a human must choose."""

    value: str
    candidates: tuple[str, ...]


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
            return Ambiguous(value, tuple(relocation.ambiguous[head]))
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
