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


def load_config(repo: Path) -> tuple[int, set[str]]:
    """The line limit and the accepted exceptions (``path:CONVn``, or a bare path for every
    rule) from ``[tool.restructure.conventions]`` of the target's ``pyproject.toml``."""
    pyproject = repo / "pyproject.toml"
    if not pyproject.is_file():
        return 300, set()
    data = tomllib.loads(pyproject.read_text())
    conf = data.get("tool", {}).get("restructure", {}).get("conventions", {})
    allowed = set(conf.get("allow", [])) | {f"{p}:CONV2" for p in conf.get("allow-long", [])}
    return int(conf.get("line-limit", 300)), allowed


def is_allowed(violation: Violation, allowed: set[str]) -> bool:
    return violation.path in allowed or f"{violation.path}:CONV{violation.rule}" in allowed


def _is_layer_file(rel: Path) -> bool:
    name = rel.name
    parent = rel.parent.name
    return (
        name in LAYER_FILES
        or name.endswith("_router.py")
        or parent in {"models", "schemas", "routers", "services", "clients"}
    )


def check_service(repo: Path, service: Path, limit: int, allowed: set[str]) -> list[Violation]:
    """Every violation in one service directory, less the accepted exceptions."""
    return [v for v in _violations(repo, service, limit) if not is_allowed(v, allowed)]


def _violations(repo: Path, service: Path, limit: int) -> list[Violation]:
    out: list[Violation] = []
    rel = service.relative_to(repo).as_posix()
    if (service / "app").is_dir():
        out.append(Violation(f"{rel}/app", 0, 4, "app/ wrapper directory: move its contents to the service root"))
    if not (service / "main.py").is_file():
        out.append(Violation(rel, 0, 1, "no main.py at the service root"))
    if (service / "app" / "tests").is_dir():
        out.append(Violation(f"{rel}/app/tests", 0, 5, "tests nested in app/: move them to tests/"))
    for path in sorted(service.rglob("*")):
        if "__pycache__" in path.parts or "alembic" in path.relative_to(service).parts:
            continue
        relpath = path.relative_to(repo).as_posix()
        if path.is_dir() and path.name in VARIANT_NAMES:
            out.append(Violation(relpath, 0, 7, f"directory named {path.name}/: use {VARIANT_NAMES[path.name]}/"))
        if path.suffix != ".py" or not path.is_file():
            continue
        local = path.relative_to(service)
        if local.parts[0] == "tests":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
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
        if local.name == "router.py" or local.name.endswith("_router.py") or "routers" in local.parts:
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
        if local.name == "__init__.py" and local.parent.name in {"models", "schemas"} and len(local.parts) == 2:
            out.extend(_check_reexports(repo, path, tree))
    return out


def _public_names(tree: ast.Module) -> list[tuple[str, int]]:
    names = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
            names.append((node.name, node.lineno))
    return names


def _check_reexports(repo: Path, init: Path, tree: ast.Module) -> list[Violation]:
    exported: set[str] = set()
    for node in tree.body:
        is_all = isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        )
        if is_all and isinstance(node.value, ast.List | ast.Tuple):  # type: ignore[union-attr]
            elts = node.value.elts  # type: ignore[union-attr]
            exported = {e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    rel = init.relative_to(repo).as_posix()
    out = []
    if not exported:
        out.append(Violation(rel, 1, 6, "no __all__: re-export every public name of the package"))
    for module in sorted(init.parent.glob("*.py")):
        if module.name == "__init__.py":
            continue
        for name, line in _public_names(syntax.parse(module.read_text(encoding="utf-8"))):
            if name not in exported:
                out.append(
                    Violation(module.relative_to(repo).as_posix(), line, 6, f"{name} is not re-exported by {rel}")
                )
    return out


def check_repo(repo: Path, services_dir: str = "services", suffix: str = "_service") -> list[Violation]:
    limit, allowed = load_config(repo)
    base = repo / services_dir
    out: list[Violation] = []
    if not base.is_dir():
        return out
    for service in sorted(p for p in base.iterdir() if p.is_dir() and p.name.endswith(suffix)):
        out.extend(check_service(repo, service, limit, allowed))
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
