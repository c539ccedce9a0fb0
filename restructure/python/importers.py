"""Which names the files of a repository import from one module.

When ``pkg/models.py`` becomes the package ``pkg/models/``, a name that the old module only
imported (``from libs.db import Base``) stays importable as ``pkg.models.Base`` only if the
new ``__init__`` imports it too. Re-exporting every imported name would turn the package
``__init__`` into a copy of the old import block; re-exporting none breaks the files that
used the old module as a hub. So a split asks the repository which names it actually takes
from the old dotted name: ``from pkg.models import Base`` at any depth (lazy imports inside
functions and tests included), relative forms resolved from the importing file, and
attribute access on the module bound to a name (``import pkg.models as m; m.Base``,
``from pkg import models; models.Base``, ``import pkg.models; pkg.models.Base``).

This is a text scan, not a parse: it runs for every split over every Python file, and a
parse of the whole repository per split would cost more than the split. Import statements
are found by a pattern anchored at the start of a line (any indentation, parenthesised
and backslash-continued name lists); a match inside a string only adds a re-export of a
name the old module really imported, never removes one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from restructure.python.modules import ModuleLocation


@dataclass
class Importers:
    """Names taken from one module, the files that take each, and the files that star-import it."""

    names: dict[str, set[str]] = field(default_factory=dict)  # name -> importing files
    star: set[str] = field(default_factory=set)

    def add(self, name: str, path: str) -> None:
        self.names.setdefault(name, set()).add(path)


_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]*(\([^)]*\)|(?:[^\n\\]|\\\n)*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+((?:[^\n\\]|\\\n)*)", re.M)
_COMMENT = re.compile(r"#[^\n]*")


def _aliases(names: str) -> list[tuple[str, str]]:
    """(name, bound) pairs of an import's name list (``a as b, c`` or ``(a,\n c)``)."""
    cleaned = _COMMENT.sub("", names).replace("\\\n", " ").strip().strip("()")
    out = []
    for part in cleaned.split(","):
        words = part.split()
        if len(words) == 1:
            out.append((words[0], words[0]))
        elif len(words) == 3 and words[1] == "as":
            out.append((words[0], words[2]))
    return out


Aliases = tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=8192)
def _statements(text: str, path: str) -> tuple[tuple[tuple[str | None, Aliases], ...], tuple[Aliases, ...]]:
    """The file's ``from`` imports (the absolute source, relative ones resolved from ``path``,
    with their names) and its ``import`` statements' names. Once per text and path: every
    split of every phase asks about the same files, each for another module."""
    location = ModuleLocation.of(path)
    froms = []
    for match in _FROM.finditer(text):
        dots, source = match.group(1), match.group(2)
        if dots:
            source = location.resolve(len(dots), source or None) if location else None
        froms.append((source, tuple(_aliases(match.group(3)))))
    imports = tuple(tuple(_aliases(match.group(1))) for match in _IMPORT.finditer(text))
    return tuple(froms), imports


def _scan(text: str, path: str, module: str, found: Importers) -> None:
    parent, _, leaf = module.rpartition(".")
    spellings: set[str] = set()  # names (or dotted chains) bound to the module object itself
    froms, imports = _statements(text, path)
    for source, aliases in froms:
        if source == module:
            for name, _bound in aliases:
                if name == "*":
                    found.star.add(path)
                else:
                    found.add(name, path)
        elif source == parent:
            spellings.update(bound for name, bound in aliases if name == leaf)
    for aliases in imports:
        for name, bound in aliases:
            if name == module and bound != name:
                spellings.add(bound)
            elif name == module or name.startswith(module + "."):
                spellings.add(module)
    for spelling in spellings:
        for attribute in re.finditer(rf"(?<![\w.]){re.escape(spelling)}\.(\w+)", text):
            found.add(attribute.group(1), path)


def names_imported_from(module: str, files: Iterable[tuple[str, str]]) -> Importers:
    """What the ``(path, text)`` files import from the dotted ``module``."""
    found = Importers()
    leaf = module.rpartition(".")[2]
    for path, text in files:
        if leaf in text:
            _scan(text, path, module, found)
    return found
