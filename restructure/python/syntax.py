"""One stdlib parse per source text, shared by every step of a run.

Several steps read the same file with the stdlib ``ast`` (symbol analysis of a split or
merge source, the statements a reference pass visits, the import blocks it keeps sorted):
each would otherwise parse it again. The trees are only read, never changed, so a parse
made once serves them all. The cache is bounded: a run over a big tree keeps the recent
texts, which is where the repeats are (one file, several steps of one phase; the reference
gate reads every file of the old and the new tree, so the bound holds both trees of a large
monorepo).
"""

from __future__ import annotations

import ast
import functools


@functools.lru_cache(maxsize=4096)
def parse(source: str) -> ast.Module:
    """``ast.parse(source)``, once per distinct text; raises SyntaxError as it does."""
    return ast.parse(source)
