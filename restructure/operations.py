"""File-level plan operations on the virtual tree: move, delete, delete-if-empty, ensure-package.

Each returns the outcome for the report and feeds the relocation map. Drift never
raises: a source that is gone while its target exists is "already done", a source that
is simply missing is "not found, skipped".
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import PurePosixPath

from restructure.editset import VirtualTree
from restructure.python import syntax
from restructure.relocation import RelocationMap, module_of
from restructure.report import ALREADY_DONE, DONE, KEPT, NOT_FOUND


class OperationError(RuntimeError):
    """An operation that cannot be carried out as planned; one line naming path and fix."""


@dataclass
class Scope:
    """Where a step's paths are anchored: a service directory or the repository root."""

    base: str  # "" for the repository root, else e.g. "services/academy_service"
    service: str  # short name or "repo"

    def path(self, relative: str) -> str:
        return f"{self.base}/{relative}".strip("/") if self.base else relative.strip("/")


def move(
    tree: VirtualTree, relocation: RelocationMap, scope: Scope, source: str, dest: str
) -> tuple[str, str, list[tuple[str, str]]]:
    src, dst = scope.path(source), scope.path(dest)
    is_file = tree.exists(src)
    is_dir = not is_file and tree.is_dir(src)
    if not is_file and not is_dir:
        if tree.exists(dst) or tree.is_dir(dst):
            return ALREADY_DONE, f"{dest} exists", []
        return NOT_FOUND, f"{source} does not exist", []
    replaced_shim = is_file and tree.exists(dst) and is_reexport_shim(tree.read(dst), src, scope)
    if replaced_shim:
        tree.delete(dst)  # ``from app.main import app`` standing in for the file that now moves there
    if is_file and (tree.exists(dst) or tree.is_dir(dst)):
        raise OperationError(
            f"{src}: cannot move to {dst}, which already exists; merge the two files by hand or remove {dst}"
        )
    if is_dir:
        clashes = [p for p in tree.under(src) if tree.exists(dst + p[len(src) :])]
        if clashes:
            raise OperationError(
                f"{src}: cannot move into {dst}: {clashes[0][len(src) + 1 :]} exists in both; merge by hand"
            )
    pairs = tree.move(src, dst)
    service_dir = scope.base or None
    if is_file:
        relocation.add_file_move(src, dst, service_dir)
    else:
        relocation.add_dir_move(src, dst, service_dir)
        for old, new in pairs:
            relocation.paths.setdefault(old, new)
    shim = "replaced the re-export shim that stood there" if replaced_shim else ""
    detail = f"{len(pairs)} file(s)" if is_dir else shim
    return DONE, detail, pairs


def is_reexport_shim(text: str, source: str, scope: Scope) -> bool:
    """Is ``text`` a module that only re-exports names from the module at ``source`` (written
    from the repository root or from the service folder), docstring and comments aside?"""
    try:
        body = syntax.parse(text).body
    except SyntaxError:
        return False
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    names = {module_of(source)}
    if scope.base and source.startswith(scope.base + "/"):
        names.add(module_of(source[len(scope.base) + 1 :]))
    imports = [n for n in body if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module in names]
    rest = [n for n in body if n not in imports and not _is_all(n)]
    return bool(imports) and not rest


def _is_all(node: ast.stmt) -> bool:
    return isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__all__"]


def init_docstring(text: str) -> str | None:
    """For an ``__init__.py`` that holds no code, its docstring ("" for none); None if it has code.

    A package whose ``__init__`` only documents it (or holds only comments) is as empty as
    one with an empty file: nothing imports anything from it.
    """
    try:
        body = syntax.parse(text).body
    except SyntaxError:
        return None
    if not body:
        return ""
    if len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        value = body[0].value.value
        return value.strip() if isinstance(value, str) else None
    return None


def delete_if_empty(tree: VirtualTree, scope: Scope, path: str) -> tuple[str, str, list[str]]:
    """Delete a directory that holds nothing but ``__init__.py`` files without code.

    Ignored caches (``__pycache__/`` and the like) are not in the tree and do not count;
    the docstrings that go with the files are named in the outcome.
    """
    full = scope.path(path)
    files = tree.under(full)
    if not files:
        return ALREADY_DONE, "absent", []
    docstrings = {f: init_docstring(tree.read(f)) if f.endswith("/__init__.py") else None for f in files}
    others = [f for f, doc in docstrings.items() if doc is None]
    if others:
        shown = ", ".join(p[len(full) + 1 :] for p in others[:3])
        return KEPT, f"still holds {shown}", []
    for f in files:
        tree.delete(f)
    said = [f"{f[len(full) + 1 :]}: {doc.splitlines()[0]!r}" for f, doc in docstrings.items() if doc]
    return DONE, ("docstring only: " + "; ".join(said)) if said else "", files


def delete(tree: VirtualTree, scope: Scope, path: str) -> tuple[str, str, list[str]]:
    full = scope.path(path)
    files = [full] if tree.exists(full) else tree.under(full)
    if not files:
        return ALREADY_DONE, "absent", []
    for f in files:
        tree.delete(f)
    return DONE, f"{len(files)} file(s)", files


def ensure_package(tree: VirtualTree, scope: Scope, path: str) -> tuple[str, str, list[str]]:
    """Create ``<path>/__init__.py`` holding one docstring that says what the package holds.

    Never an empty file: git's rename detection pairs identical files, and an empty new
    ``__init__.py`` committed with an empty one deleted elsewhere (``app/__init__.py``) shows
    as a rename of one package into another, which ``git log --follow`` then follows.
    """
    full = scope.path(path)
    if not full.endswith("__init__.py"):
        full = full.rstrip("/") + "/__init__.py"
    if tree.exists(full):
        return ALREADY_DONE, "exists", []
    if scope.base and not tree.is_dir(scope.base):
        return NOT_FOUND, f"{scope.base} does not exist", []
    tree.write(full, package_docstring(full, scope))
    return DONE, "created", [full]


def package_docstring(init_path: str, scope: Scope) -> str:
    """The one line of a new ``__init__.py``: ``Routers of the academy service.`` from the names
    of the package and of the service, or ``The services package.`` at the repository root."""
    package = PurePosixPath(init_path).parent
    words = package.name.strip("_").replace("_", " ") or package.name
    if scope.service != "repo" and scope.base:
        return f'"""{words[:1].upper()}{words[1:]} of the {scope.service} service."""\n'
    return f'"""The {".".join(package.parts)} package."""\n'
