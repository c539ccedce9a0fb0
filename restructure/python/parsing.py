"""The phase's parsed Python files: each text is parsed by LibCST at most once per phase.

A phase reads a file in several places (a split reads its source, a merge the files it
joins, the ``__init__`` refresh every file of the package, the reference pass everything
that mentions a moved name). LibCST trees are immutable, so all of them can share one
parse of the same text; a file is parsed again only after a step changed its text.
"""

from __future__ import annotations

from collections import Counter

import libcst as cst

from restructure.python.outline import outline


class ParsedFiles:
    """path -> (text, module) for the texts parsed in this phase, and how often each path was parsed."""

    def __init__(self) -> None:
        self._parsed: dict[str, tuple[str, cst.Module]] = {}
        self._outlines: dict[str, tuple[str, cst.Module]] = {}
        self.counts: Counter[str] = Counter()
        self.fragments = 0  # statements the reference pass parsed on their own

    def parse(self, path: str, text: str) -> cst.Module:
        """The module for ``text``; raises :class:`libcst.ParserSyntaxError` as LibCST does."""
        if self.has(path, text):
            return self._parsed[path][1]
        module = cst.parse_module(text)
        self.counts[path] += 1
        self._parsed[path] = (text, module)
        return module

    def outline(self, path: str, text: str) -> cst.Module:
        """A module that reads like ``text`` at module level and in every definition's head
        (:mod:`restructure.python.outline`): the whole parse when the phase has it, else the
        parse of the outline (counted as a parse of the file). Never given out as the file's
        module: the bodies are cut."""
        return self.bodies_cut(path, text)[0]

    def bodies_cut(self, path: str, text: str) -> tuple[cst.Module, bool]:
        """The outline for a step that needs every top-level statement but of a definition only
        its head (a split: each function and class moves as its text cut from the source,
        :mod:`restructure.python.statement_text`; what it reads of a class body, its table and
        foreign keys, comes from the stdlib parse): the whole parse when the phase has it, else
        the parse of the outline, kept for the file. True when bodies were cut."""
        if self.has(path, text):
            return self._parsed[path][1], False
        cached = self._outlines.get(path)
        if cached is not None and cached[0] == text:
            return cached[1], True
        cut = outline(text)
        if cut is None:
            return self.parse(path, text), False
        try:
            module = cst.parse_module(cut)
        except cst.ParserSyntaxError:  # pragma: no cover - the outline of a parsing text parses
            return self.parse(path, text), False
        self.counts[path] += 1
        self._outlines[path] = (text, module)
        return module, True

    def remember_outline(self, path: str, text: str, module: cst.Module) -> None:
        """``module`` reads like ``text`` at module level and in every definition's head (a
        file a step built from statements whose bodies were cut, :meth:`bodies_cut`): a later
        step of the phase, a split of the file included, uses it."""
        self._outlines[path] = (text, module)

    def has(self, path: str, text: str) -> bool:
        """True when ``text`` at ``path`` is already parsed in this phase."""
        cached = self._parsed.get(path)
        return cached is not None and cached[0] == text

    def remember(self, path: str, text: str, module: cst.Module) -> None:
        """``module`` is what ``text`` at ``path`` parses to (a file the phase built as a module)."""
        self._parsed[path] = (text, module)

    @property
    def files(self) -> int:
        return len(self.counts)

    @property
    def most_per_file(self) -> int:
        return max(self.counts.values(), default=0)
