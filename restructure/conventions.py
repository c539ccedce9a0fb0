"""The seven layout conventions of the plan, and a checker that reports every violation.

Usable from ``invoke conventions``, in CI, and as a pre-commit hook
(``python -m restructure.conventions --repo .``). Each violation is one line:
``path:line: CONVn message``. Files allowed to stay over the line limit are listed in the
target's ``pyproject.toml`` under ``[tool.restructure.conventions] allow-long = [...]``.
"""

from __future__ import annotations

import argparse
import ast
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from restructure.disk import universal_newlines
from restructure.python import syntax

RULES = [
    "**New services** must follow the standard layout (see `ARCHITECTURE.md`).",
    "**Single files** become directories when they exceed **{limit} lines**.",
    "**Routers are thin**: HTTP concerns only; business logic goes to `services/`, "
    "schemas to `schemas`, models to `models` (no model or schema classes in router modules).",
    "**No `app/` wrapper**: `main.py` lives at the service root.",
    "**Tests at service root**: a `tests/` directory, not nested inside `app/`.",
    "**`__init__.py` re-exports**: every `models/__init__.py` and `schemas/__init__.py` "
    "re-exports every public symbol (with `__all__`) so external imports don't break.",
    "**Naming**: `routers/`, `schemas/`, `models/`, `services/`, `clients/`, `tests/`: "
    "these exact names, no variations.",
]

LAYER_FILES = {"models.py", "schemas.py", "router.py", "services.py", "tasks.py", "clients.py"}
VARIANT_NAMES = {
    "router": "routers", "routes": "routers", "model": "models", "schema": "schemas",
    "service": "services", "client": "clients", "test": "tests", "api": "routers",
}  # fmt: skip
MODEL_BASES = {"Base", "DeclarativeBase"}
SCHEMA_BASES = {"BaseModel"}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    rule: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: CONV{self.rule} {self.message}"


class Files:
    """The files the checker reads, by repository-relative posix path: a directory on disk
    (``invoke conventions``, the verify harness) or a tree held in memory (the conventions
    document states what the check says of the tree a phase leaves, before it is written)."""

    def is_dir(self, rel: str) -> bool:
        raise NotImplementedError

    def is_file(self, rel: str) -> bool:
        raise NotImplementedError

    def below(self, rel: str) -> list[tuple[str, bool]]:
        """(path, is a directory) of everything under the directory ``rel``, ordered as
        ``sorted(Path(rel).rglob("*"))`` orders them (by path parts)."""
        raise NotImplementedError

    def subdirs(self, rel: str) -> list[str]:
        """The directories directly in ``rel``."""
        raise NotImplementedError

    def read(self, rel: str) -> str:
        """The text as ``Path.read_text(encoding="utf-8", errors="replace")`` reads it
        (universal newlines)."""
        raise NotImplementedError


class DiskFiles(Files):
    def __init__(self, root: Path) -> None:
        self.root = root

    def is_dir(self, rel: str) -> bool:
        return (self.root / rel).is_dir()

    def is_file(self, rel: str) -> bool:
        return (self.root / rel).is_file()

    def below(self, rel: str) -> list[tuple[str, bool]]:
        return [(p.relative_to(self.root).as_posix(), p.is_dir()) for p in sorted((self.root / rel).rglob("*"))]

    def subdirs(self, rel: str) -> list[str]:
        base = self.root / rel
        return [f"{rel}/{p.name}" if rel else p.name for p in base.iterdir() if p.is_dir()] if base.is_dir() else []

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8", errors="replace")


class MemoryFiles(Files):
    """Files given as texts; a directory is any leading part of a file's path."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.dirs = {path.rsplit("/", cut)[0] for path in texts for cut in range(1, path.count("/") + 1)}

    def is_dir(self, rel: str) -> bool:
        return rel in self.dirs

    def is_file(self, rel: str) -> bool:
        return rel in self.texts

    def below(self, rel: str) -> list[tuple[str, bool]]:
        prefix = rel + "/"
        found = [(p, False) for p in self.texts if p.startswith(prefix)]
        found += [(d, True) for d in self.dirs if d.startswith(prefix)]
        return sorted(found, key=lambda entry: entry[0].split("/"))

    def subdirs(self, rel: str) -> list[str]:
        prefix = rel + "/" if rel else ""
        return [d for d in self.dirs if d.startswith(prefix) and "/" not in d[len(prefix) :]]

    def read(self, rel: str) -> str:
        return universal_newlines(self.texts[rel])


def load_config(repo: Path | Files) -> tuple[int, set[str]]:
    """The line limit and the accepted exceptions (``path:CONVn``, or a bare path for every
    rule) from ``[tool.restructure.conventions]`` of the target's ``pyproject.toml``."""
    files = DiskFiles(repo) if isinstance(repo, Path) else repo
    if not files.is_file("pyproject.toml"):
        return 300, set()
    data = tomllib.loads(files.read("pyproject.toml"))
    conf = data.get("tool", {}).get("restructure", {}).get("conventions", {})
    allowed = set(conf.get("allow", [])) | {f"{p}:CONV2" for p in conf.get("allow-long", [])}
    return int(conf.get("line-limit", 300)), allowed


def is_allowed(violation: Violation, allowed: set[str]) -> bool:
    return violation.path in allowed or f"{violation.path}:CONV{violation.rule}" in allowed


def _is_layer_file(local: tuple[str, ...]) -> bool:
    name = local[-1]
    parent = local[-2] if len(local) > 1 else ""
    return (
        name in LAYER_FILES
        or name.endswith("_router.py")
        or parent in {"models", "schemas", "routers", "services", "clients"}
    )


def check_service(repo: Path, service: Path, limit: int, allowed: set[str]) -> list[Violation]:
    """Every violation in one service directory, less the accepted exceptions."""
    files = DiskFiles(repo)
    return [v for v in _violations(files, service.relative_to(repo).as_posix(), limit) if not is_allowed(v, allowed)]


def _violations(files: Files, rel: str, limit: int) -> list[Violation]:
    out: list[Violation] = []
    if files.is_dir(f"{rel}/app"):
        out.append(Violation(f"{rel}/app", 0, 4, "app/ wrapper directory: move its contents to the service root"))
    if not files.is_file(f"{rel}/main.py"):
        out.append(Violation(rel, 0, 1, "no main.py at the service root"))
    if files.is_dir(f"{rel}/app/tests"):
        out.append(Violation(f"{rel}/app/tests", 0, 5, "tests nested in app/: move them to tests/"))
    for relpath, is_dir in files.below(rel):
        local = tuple(relpath[len(rel) + 1 :].split("/"))
        name = local[-1]
        if "__pycache__" in relpath.split("/") or "alembic" in local:
            continue
        if is_dir and name in VARIANT_NAMES:
            out.append(Violation(relpath, 0, 7, f"directory named {name}/: use {VARIANT_NAMES[name]}/"))
        if is_dir or not name.endswith(".py") or name == ".py" or not files.is_file(relpath):
            continue
        if local[0] == "tests":
            continue
        text = files.read(relpath)
        lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        if _is_layer_file(local) and lines > limit:
            out.append(
                Violation(
                    relpath,
                    1,
                    2,
                    f"{lines} lines (limit {limit}): split it into a package, or accept it as an exception in the plan",
                )
            )
        try:
            tree = syntax.parse(text)
        except SyntaxError as exc:
            out.append(Violation(relpath, exc.lineno or 0, 1, f"does not parse: {exc.msg}"))
            continue
        if name == "router.py" or name.endswith("_router.py") or "routers" in local:
            for node in tree.body:
                if isinstance(node, ast.ClassDef):
                    bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                    if bases & (MODEL_BASES | SCHEMA_BASES):
                        kind = "model" if bases & MODEL_BASES else "schema"
                        out.append(
                            Violation(
                                relpath,
                                node.lineno,
                                3,
                                f"{kind} class {node.name} defined in a router: move it to {kind}s",
                            )
                        )
        if name == "__init__.py" and local[0] in {"models", "schemas"} and len(local) == 2:
            out.extend(_check_reexports(files, relpath, tree))
    return out


def _public_names(tree: ast.Module) -> list[tuple[str, int]]:
    names = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
            names.append((node.name, node.lineno))
    return names


def _check_reexports(files: Files, rel: str, tree: ast.Module) -> list[Violation]:
    exported: set[str] = set()
    for node in tree.body:
        is_all = isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        )
        if is_all and isinstance(node.value, ast.List | ast.Tuple):  # type: ignore[union-attr]
            elts = node.value.elts  # type: ignore[union-attr]
            exported = {e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    out = []
    if not exported:
        out.append(Violation(rel, 1, 6, "no __all__: re-export every public name of the package"))
    package = rel.rsplit("/", 1)[0]
    siblings = [
        p for p, is_dir in files.below(package) if not is_dir and "/" not in p[len(package) + 1 :] and p.endswith(".py")
    ]
    for module in siblings:
        if module.endswith("/__init__.py"):
            continue
        for name, line in _public_names(syntax.parse(files.read(module))):
            if name not in exported:
                out.append(Violation(module, line, 6, f"{name} is not re-exported by {rel}"))
    return out


def check_repo(repo: Path | Files, services_dir: str = "services", suffix: str = "_service") -> list[Violation]:
    """Every violation of every service of ``repo`` (a directory, or files held in memory)."""
    files = DiskFiles(repo) if isinstance(repo, Path) else repo
    limit, allowed = load_config(files)
    base = services_dir.strip("/")
    out: list[Violation] = []
    if not files.is_dir(base):
        return out
    for service in sorted(d for d in files.subdirs(base) if d.rsplit("/", 1)[-1].endswith(suffix)):
        out.extend(v for v in _violations(files, service, limit) if not is_allowed(v, allowed))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the service layout conventions.")
    parser.add_argument("--repo", default=".", type=Path)
    args = parser.parse_args(argv)
    violations = check_repo(args.repo.resolve())
    for violation in violations:
        print(violation)
    print(f"{len(violations)} convention violation(s)" if violations else "conventions: all rules hold")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
