"""Look a dotted module name up the way Python would, in a tree or in an image built from it.

A *space* is a file system a module is imported in: the repository itself (paths as in
the tree) or the file system of a Docker image (paths the Dockerfile's ``COPY`` lines put
files at, each backed by a file of the tree). A *root* is a directory of that space on
``sys.path``. ``a.b.c`` resolves under a root when ``a/b/c.py``, ``a/b/c/__init__.py`` or a
directory ``a/b/c`` (a namespace package) is there.
"""

from __future__ import annotations

import ast
import functools
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from restructure.python import syntax
from restructure.trees import FileTree, directories

ANY = None  # a module whose names cannot be listed (``from x import *``, ``__getattr__``)


@functools.lru_cache(maxsize=65536)
def join(*parts: str) -> str:
    """POSIX join without a leading ``./`` and with ``..`` folded; "" is the root.

    Cached: resolving every reference of a tree joins the same few roots and module paths
    hundreds of thousands of times."""
    joined = posixpath.normpath(posixpath.join(*[p for p in parts if p])) if any(parts) else ""
    return "" if joined == "." else joined


def bound_names(text: str | None) -> frozenset[str] | None:
    """Names a module binds at its top level; None when it can bind anything (or cannot be read).

    Once per text: the gate builds fresh spaces for the old and the new tree of every phase,
    and most modules are the same text in all of them."""
    return ANY if text is None else _bound_names(text)


@functools.lru_cache(maxsize=4096)
def _bound_names(text: str) -> frozenset[str] | None:
    try:
        tree = syntax.parse(text)
    except (SyntaxError, ValueError):
        return ANY
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> bool:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
                if node.name == "__getattr__":
                    return False
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name == "*":
                        return False
                    names.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
                if not isinstance(node, ast.While):
                    names.update(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
                if not visit(node.body) or not visit(node.orelse):
                    return False
            elif isinstance(node, (ast.If, ast.With, ast.AsyncWith)):
                if not visit(node.body) or not visit(getattr(node, "orelse", [])):
                    return False
            elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
                blocks = [node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)]  # type: ignore[attr-defined]
                if not all(visit(b) for b in blocks):
                    return False
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.NamedExpr):
                names.add(node.value.target.id)
        return True

    return frozenset(names) if visit(tree.body) else ANY


@dataclass
class Space:
    """A file system modules are imported in: ``files`` maps its paths to paths of ``tree``."""

    tree: FileTree
    files: dict[str, str] | None = None  # None: the tree itself
    label: str = "the repository"
    _names: dict[str, frozenset[str] | None] = field(default_factory=dict, repr=False)
    _modules: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)

    @cached_property
    def dirs(self) -> frozenset[str]:
        return self.tree.dirs if self.files is None else directories(self.files)

    def host(self, path: str) -> str | None:
        """The tree file behind ``path`` of this space (None: no such file)."""
        if self.files is None:
            return path if path in self.tree.paths else None
        return self.files.get(path)

    def is_file(self, path: str) -> bool:
        return self.host(path) is not None

    def is_dir(self, path: str) -> bool:
        return path in self.dirs

    @cached_property
    def module_files(self) -> frozenset[str]:
        """Every path of the space that ``module`` finds as a file, without ``.py`` (and a
        package's ``__init__`` under its directory's name too): whether a dotted name is a
        module file of a root is then one set lookup, which the gate asks of every reference.
        The tree's own space computes it once per tree (the gate's scanners and the import
        roots each make one)."""
        if self.files is None:
            return self.tree.derive(("module files",), lambda: _module_files(self.tree.paths))  # type: ignore[no-any-return]
        return _module_files(self.files)

    def relabelled(self, label: str) -> Space:
        """The same space under another name (an image that several compose services run):
        its lookups and names are shared, only its messages differ."""
        twin = Space(self.tree, self.files, label, self._names, self._modules)
        twin.__dict__["dirs"], twin.__dict__["module_files"] = self.dirs, self.module_files
        return twin

    def module(self, root: str, dotted: str) -> str | None:
        """The path (file, or directory of a namespace package) of ``dotted`` under ``root``.

        Memoised: a space describes one state of a tree (``dirs`` is read once as well), and
        the gate asks the same question for every reference to the same module."""
        key = (root, dotted)
        if key not in self._modules:
            self._modules[key] = self._module(root, dotted)
        return self._modules[key]

    def _module(self, root: str, dotted: str) -> str | None:
        if not dotted or not all(p.isidentifier() for p in dotted.split(".")):
            return None
        base = join(root, dotted.replace(".", "/"))
        for candidate in (base + ".py", base + "/__init__.py"):
            if self.is_file(candidate):
                return candidate
        return base if self.is_dir(base) else None

    def names(self, module_path: str) -> frozenset[str] | None:
        """Names bound at the top of the module at ``module_path`` (a namespace package binds none)."""
        if module_path not in self._names:
            host = self.host(module_path)
            self._names[module_path] = bound_names(self.tree.read(host)) if host else frozenset()
        return self._names[module_path]

    def has_name(self, root: str, module: str, name: str) -> bool:
        """Does ``from module import name`` work: a submodule, or a name the module binds?"""
        if self.module(root, f"{module}.{name}" if module else name):
            return True
        path = self.module(root, module)
        if path is None:
            return False
        names = self.names(path)
        return names is ANY or name in names

    def dotted_target(self, root: str, dotted: str) -> str | None:
        """Why ``module.attr[.attr...]`` (a patch target, ``pkg.mod.Class``) does not resolve; None if it does.

        The longest leading part that is a module must bind the next name; later names
        are attributes of objects and are not followed."""
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            head = ".".join(parts[:cut])
            if self.module(root, head):
                if cut == len(parts):
                    return None
                if self.has_name(root, head, parts[cut]):
                    return None
                return f"{head} has no name {parts[cut]}"
        return f"no module {parts[0]}"

    def top_level(self, root: str, dotted: str) -> bool:
        """Is the first name of ``dotted`` a module or package under ``root`` (code of this repository)?"""
        return self.module(root, dotted.split(".")[0]) is not None


def looked_at(root: str, dotted: str, names: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The bases a lookup of ``dotted`` (and of its ``names``) from ``root`` reads: ``root/a``,
    ``root/a/b``, ... and ``root/a/b/name``: a lookup answers the same in two trees when none of
    them is a changed base (:meth:`ChangedModules.reads_changed`; a caller that keeps them per
    lookup or per file asks it with one set operation)."""
    found = []
    head = dotted
    while True:
        found.append(join(root, head.replace(".", "/")))
        head = head.rpartition(".")[0]
        if not head:
            break
    if dotted:
        found.extend(f"{found[0]}/{n}" for n in names)
    return tuple(found)


def _module_files(paths: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for path in paths:
        if path.endswith(".py"):
            found.add(path[:-3])
            if path.endswith("/__init__.py"):
                found.add(path[:-12])
    return frozenset(found)


class ChangedModules:
    """Which module lookups two states of a tree can answer differently.

    A lookup of ``a.b`` (or of ``a.b.c``, a name of ``a.b``) from root ``r`` only ever looks at
    ``r/a.py``, ``r/a/__init__.py`` and the directory ``r/a``, the same below ``r/a/b``, and the
    text of the module file it finds. Call ``x`` a changed *base* when ``x.py`` or
    ``x/__init__.py`` was added, removed or rewritten, or the directory ``x`` came or went: a
    lookup none of whose bases changed gets the same answer in both trees. The gate skips the
    files whose lookups all stay the same, and the import roots keep the answers of the tree
    inferred before whose lookups stay the same."""

    def __init__(self, old: FileTree, new: FileTree, changed: set[str]) -> None:
        bases = {p[:-12] if p.endswith("/__init__.py") else p[:-3] for p in changed if p.endswith(".py")}
        self.bases = frozenset(bases | (old.dirs ^ new.dirs))

    @classmethod
    def between(cls, old: FileTree, new: FileTree, unchanged: frozenset[str] | None = None) -> ChangedModules:
        """``unchanged``: paths the caller knows hold the same bytes in both trees; without it
        the Python files of both are compared."""
        both = old.paths & new.paths
        if unchanged is None:
            same = {p for p in both if p.endswith(".py") and old.read(p) == new.read(p)}
        else:
            same = both & unchanged
        return cls(old, new, set(old.paths ^ new.paths) | (both - same))

    def hit(self, root: str, dotted: str) -> bool:
        """Is ``root/a``, ``root/a/b``, ... of ``a.b...`` a changed base?"""
        return self.reads_changed(looked_at(root, dotted))

    def touches(self, roots: tuple[str, ...], dotted: str, names: tuple[str, ...] = ()) -> bool:
        """Can looking ``dotted`` (and its ``names``) up from any of ``roots`` answer differently?"""
        return any(self.reads_changed(looked_at(r, dotted, names)) for r in roots)

    def reads_changed(self, looked: frozenset[str] | tuple[str, ...]) -> bool:
        """Does a lookup (or a file's lookups) reading the bases ``looked`` (:func:`looked_at`)
        read a changed one? The import roots keep these per answer, the gate per file."""
        return not self.bases.isdisjoint(looked)
