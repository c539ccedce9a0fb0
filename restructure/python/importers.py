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

This reads files with the standard ``ast`` parser, and only the files whose text mentions
the module's last segment: it never costs a LibCST parse.
"""

from __future__ import annotations

import ast
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


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attribute accesses on a name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _scan(tree: ast.AST, path: str, module: str, found: Importers) -> None:
    location = ModuleLocation.of(path)
    parent, _, leaf = module.rpartition(".")
    aliases: set[str] = set()  # names bound to the module object itself
    chains: set[str] = set()  # dotted spellings of the module (``import pkg.models``)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module
            if node.level:
                source = location.resolve(node.level, node.module) if location else None
            if source == module:
                for alias in node.names:
                    if alias.name == "*":
                        found.star.add(path)
                    else:
                        found.add(alias.name, path)
            elif source == parent:
                aliases.update(a.asname or a.name for a in node.names if a.name == leaf)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == module and alias.asname:
                    aliases.add(alias.asname)
                elif alias.name == module or alias.name.startswith(module + "."):
                    chains.add(module)
    if not aliases and not chains:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            owner = _dotted(node.value)
            if owner is not None and (owner in aliases or owner in chains):
                found.add(node.attr, path)


def names_imported_from(module: str, files: Iterable[tuple[str, str]]) -> Importers:
    """What the ``(path, text)`` files import from the dotted ``module``.

    A file that does not parse is skipped: the phase reports it where it rewrites it.
    """
    found = Importers()
    leaf = module.rpartition(".")[2]
    for path, text in files:
        if leaf not in text:
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        _scan(tree, path, module, found)
    return found
