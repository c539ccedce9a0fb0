"""One stdlib parse per source text, shared by every step of a run.

Several steps read the same file with the stdlib ``ast`` (symbol analysis of a split or
merge source, the statements a reference pass visits, the import blocks it keeps sorted, the
names a module binds, the reference sites of a file): each would otherwise parse it again.
The trees are only read, never changed, so a parse made once serves them all.

What each step derives from a tree (the sites, the bound names) has its own memo keyed by
the text, so a tree is needed again only soon after it was made: the cache keeps the trees
of the most recently used texts up to a total source size, not a number of files. A tree
takes tens of times its source in memory: on a generated 168,400-line monorepo
(``benchmarks/generate.py --scale 5``) ``invoke all`` peaked at 1.8 GB with a count bound of
4096 trees, and at 1.2 GB with this bound (0.9 GB at half of it, 8 % slower).
"""

from __future__ import annotations

import ast
from collections import OrderedDict

#: Characters of source whose trees are kept (the most recently used texts).
SOURCE_BOUND = 8_000_000


class _RecentTrees:
    """text -> tree, least recently used first, bounded by the total length of the texts."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self.trees: OrderedDict[str, ast.Module] = OrderedDict()
        self.kept = 0

    def parse(self, source: str) -> ast.Module:
        tree = self.trees.get(source)
        if tree is not None:
            self.trees.move_to_end(source)
            return tree
        tree = self.trees[source] = ast.parse(source)
        self.kept += len(source)
        while self.kept > self.bound and len(self.trees) > 1:
            old, _ = self.trees.popitem(last=False)
            self.kept -= len(old)
        return tree


_RECENT = _RecentTrees(SOURCE_BOUND)


def parse(source: str) -> ast.Module:
    """``ast.parse(source)``, once per distinct text while it is recent; raises SyntaxError as it does."""
    return _RECENT.parse(source)
