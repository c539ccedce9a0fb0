"""Write a synthetic monorepo in the plan's "current state" at a chosen scale.

The template is the fixture monorepo (``compose-fixtures/monorepo``): ``--scale 1`` writes it
unchanged. ``--scale N`` grows it in the ways a real monorepo is larger:

* **more services**: ``N - 1`` clones of every service that phase 1 moves (every service with
  ``app/main.py`` except the gateway, whose layout has its own phase), named ``<svc><k>``
  (``academy2_service`` ...). Inside a clone the package path, its own table names (and the
  index / constraint names derived from them) and its enum type names are rewritten so that
  nothing clashes with the original; a clone gets its own Dockerfile, compose entries and
  repo-level test file;
* **bigger files**: the big ``models.py`` / ``schemas.py`` / ``router.py`` (and members'
  ``coach_router.py``) of the services that phases 2-11 split are grown to
  ``--big-file-factor`` times their length with generated code that follows their patterns
  (models with a migration that creates their tables, Pydantic schemas, routes);
* **more references**: ``--tests`` extra test files and ``--docs`` extra Markdown files that
  import, patch and mention old module paths (rewritten by the phases).

Output is deterministic for a given ``--seed`` and options. The output directory is
``git init``-ed and committed. A grown tree is not the one the shipped plan describes: its
clones are services the plan does not list, and its big files split into groups larger than
the plan's line limit (which a split refuses). So next to ``OUT_DIR`` the generator writes
``OUT_DIR.plan.yaml``, the shipped plan for the grown tree (:func:`grown_plan`), ready for
``invoke all --repo OUT_DIR --plan OUT_DIR.plan.yaml``::

    python benchmarks/generate.py --scale 5 --seed 1 OUT_DIR
"""

from __future__ import annotations

import argparse
import ast
import io
import random
import re
import shutil
import subprocess
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
TEMPLATE = PROJECT / "compose-fixtures" / "monorepo"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ruff_cache", ".pytest_cache")
# The gateway keeps app/ until its own phase (14) and identity has no app/main.py: phase 1
# would leave a clone of either half-moved, so they are not cloned.
NOT_CLONED = {"gateway", "identity"}
# Services whose big files phases 2-11 split or move, and which files count as "big".
GROWN = {
    "academy": ["models.py", "schemas.py", "router.py"],
    "members": ["models.py", "schemas.py", "coach_router.py"],
    "payments": ["models.py", "schemas.py", "router.py"],
    "communications": ["models.py", "schemas.py", "router.py"],
    "store": ["models.py", "schemas.py", "router.py"],
    "volunteer": ["models.py", "schemas.py", "router.py"],
    "media": ["models.py", "schemas.py", "router.py"],
    "transport": ["models.py", "router.py"],
    "sessions": ["models.py", "schemas.py", "router.py"],
    "attendance": ["models.py", "schemas.py", "router.py"],
}
CONVENTION_PREFIXES = ("ix_", "uq_", "fk_", "pk_", "ck_")
SIMPLE_STRING = re.compile(r"^([rRuU]?)(['\"])([A-Za-z0-9_.]*)\2$")


@dataclass
class Options:
    scale: int
    seed: int
    copies: int
    big_file_factor: float
    tests: int
    docs: int
    rename: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Options:
        scale = args.scale
        return cls(
            scale=scale,
            seed=args.seed,
            copies=args.copies if args.copies is not None else scale - 1,
            big_file_factor=args.big_file_factor if args.big_file_factor is not None else 1 + (scale - 1) / 4,
            tests=args.tests if args.tests is not None else 10 * (scale - 1),
            docs=args.docs if args.docs is not None else 5 * (scale - 1),
            rename=args.rename,
        )


@dataclass
class Stats:
    services: int = 0
    clones: int = 0
    grown_lines: int = 0
    extra_models: int = 0
    extra_schemas: int = 0
    extra_routes: int = 0
    extra_tests: int = 0
    extra_docs: int = 0
    python_files: int = 0
    python_lines: int = 0
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- clones


def service_names(repo: Path) -> list[str]:
    return sorted(p.name.removesuffix("_service") for p in (repo / "services").glob("*_service") if p.is_dir())


def own_tables_and_enums(models: Path) -> tuple[set[str], set[str]]:
    """Table names a service owns (stubs of other services' tables left out) and its enum type names."""
    tree = ast.parse(models.read_text(encoding="utf-8"))
    tables: set[str] = set()
    enums: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            name: str | None = None
            stub = False
            for item in node.body:
                if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
                    target = item.targets[0].id
                    if target == "__tablename__" and isinstance(item.value, ast.Constant):
                        name = str(item.value.value)
                    if target == "__table_args__" and "skip_autogenerate" in ast.unparse(item.value):
                        stub = True
            if name and not stub:
                tables.add(name)
        if isinstance(node, ast.Call):
            func = ast.unparse(node.func)
            if func.split(".")[-1] in {"Enum", "ENUM"}:
                for kw in node.keywords:
                    if kw.arg == "name" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                        enums.add(kw.value.value)
    return tables, enums


@dataclass
class CloneNames:
    old_package: str  # academy_service
    new_package: str  # academy2_service
    tables: dict[str, str]
    enums: dict[str, str]
    table_pattern: re.Pattern[str] | None

    def rename_string(self, content: str, before: str) -> str:
        """A string literal's content with the clone's table / enum / constraint names.

        ``before`` is the line up to the literal: an enum type name is renamed only as a
        ``name=`` argument, and a relationship's ``back_populates`` (an attribute name that may
        equal a table name) never is."""
        context = before.rstrip()
        if context.endswith(("back_populates=", "backref=")):
            return content
        if content in self.enums and context.endswith("name="):
            return self.enums[content]
        if content in self.tables:
            return self.tables[content]
        head, dot, rest = content.partition(".")
        if dot and head in self.tables:
            return f"{self.tables[head]}.{rest}"
        if content.startswith(CONVENTION_PREFIXES) and self.table_pattern is not None:
            return self.table_pattern.sub(lambda m: self.tables[m.group(0)], content)
        return content

    def rename_python(self, text: str, schema: bool) -> str:
        """Rename the package everywhere; in a schema file (models, migrations, alembic env)
        also the table, enum and constraint names inside string literals."""
        text = self.rename_text(text)
        if not schema or (not self.tables and not self.enums):
            return text
        lines = text.splitlines(keepends=True)
        edits: list[tuple[int, int, int, str]] = []
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type != tokenize.STRING or tok.start[0] != tok.end[0]:
                continue
            match = SIMPLE_STRING.match(tok.string)
            if not match:
                continue
            new = self.rename_string(match.group(3), lines[tok.start[0] - 1][: tok.start[1]])
            if new != match.group(3):
                quote = match.group(2)
                edits.append((tok.start[0], tok.start[1], tok.end[1], f"{match.group(1)}{quote}{new}{quote}"))
        for row, start, end, replacement in reversed(edits):
            line = lines[row - 1]
            lines[row - 1] = line[:start] + replacement + line[end:]
        return "".join(lines)

    def rename_text(self, text: str) -> str:
        return re.sub(rf"(?<![A-Za-z0-9_]){re.escape(self.old_package)}\b", self.new_package, text)


def clone_names(repo: Path, svc: str, k: int) -> CloneNames:
    models = repo / "services" / f"{svc}_service" / "models.py"
    tables, enums = own_tables_and_enums(models) if models.is_file() else (set(), set())
    table_map = {t: f"{t}_c{k}" for t in tables}
    enum_map = {e: f"{e}_c{k}" for e in enums if e not in tables}
    pattern = (
        re.compile(
            r"(?<![A-Za-z0-9])(?:"
            + "|".join(re.escape(t) for t in sorted(tables, key=len, reverse=True))
            + r")(?![A-Za-z0-9])"
        )
        if tables
        else None
    )
    return CloneNames(f"{svc}_service", f"{svc}{k}_service", table_map, enum_map, pattern)


def rewrite_file(path: Path, names: CloneNames) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return
    if path.suffix == ".py":
        schema = path.name == "models.py" or "alembic" in path.parts
        new = names.rename_python(text, schema)
    else:
        new = names.rename_text(text)
    if new != text:
        path.write_text(new, encoding="utf-8")


def clone_service(repo: Path, svc: str, k: int, port: int) -> CloneNames:
    names = clone_names(repo, svc, k)
    src = repo / "services" / names.old_package
    dst = repo / "services" / names.new_package
    shutil.copytree(src, dst, ignore=IGNORE)
    for path in sorted(dst.rglob("*")):
        if path.is_file():
            rewrite_file(path, names)
    test = repo / "tests" / f"test_{svc}_api.py"
    if test.is_file():
        copy = repo / "tests" / f"test_{svc}{k}_api.py"
        copy.write_text(names.rename_python(test.read_text(encoding="utf-8"), schema=False), encoding="utf-8")
    for compose in sorted(repo.glob("docker-compose*.yml")):
        clone_compose_entry(compose, svc, f"{svc}{k}", names, port)
    return names


def clone_compose_entry(compose: Path, svc: str, new: str, names: CloneNames, port: int) -> None:
    """Copy every top-level compose service whose block builds or runs ``svc`` under a new key."""
    lines = compose.read_text(encoding="utf-8").splitlines(keepends=True)
    blocks: list[list[str]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = re.match(r"^  ([A-Za-z0-9_-]+):\s*$", line)
        if match:
            end = index + 1
            while end < len(lines) and (lines[end].startswith("   ") or not lines[end].strip()):
                end += 1
            block = lines[index:end]
            body = "".join(block[1:])
            key = match.group(1)
            if key == svc or (key.startswith(f"{svc}-") and names.old_package in body):
                renamed = names.rename_text("".join(block))
                renamed = re.sub(rf"^  {re.escape(key)}:", f"  {key.replace(svc, new, 1)}:", renamed, count=1)
                renamed = re.sub(r'"\d+:8000"', f'"{port}:8000"', renamed)
                blocks.append(renamed.splitlines(keepends=True))
            index = end
            continue
        index += 1
    if not blocks:
        return
    text = "".join(lines)
    if not text.endswith("\n"):
        text += "\n"
    addition = "".join("".join(b).rstrip("\n") + "\n\n" for b in blocks)
    # append the clones at the end of the ``services:`` mapping (before any later top-level key)
    top = re.search(r"^services:\s*\n(?:(?:[ \t].*|)\n)*", text, re.M)
    if top is None:
        return
    insert_at = top.end()
    prefix = text[:insert_at]
    if not prefix.endswith("\n\n"):
        prefix += "\n"
    compose.write_text(prefix + addition + text[insert_at:], encoding="utf-8")


# --------------------------------------------------------------------------- growth


def imported_names(text: str) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(text).body:
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
    return names


@dataclass
class Anchor:
    cls: str
    table: str


def anchor_model(models_text: str) -> Anchor | None:
    """The first model class of the file that owns its table (not a stub of another service)."""
    for node in ast.parse(models_text).body:
        if not isinstance(node, ast.ClassDef):
            continue
        table = None
        stub = False
        for item in node.body:
            if isinstance(item, ast.Assign) and isinstance(item.targets[0], ast.Name):
                if item.targets[0].id == "__tablename__" and isinstance(item.value, ast.Constant):
                    table = str(item.value.value)
                if item.targets[0].id == "__table_args__" and "skip_autogenerate" in ast.unparse(item.value):
                    stub = True
        if table and not stub:
            return Anchor(node.name, table)
    return None


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def model_unit(anchor: Anchor, svc: str, i: int) -> tuple[str, str, str]:
    """(model source, migration upgrade source, migration downgrade source) of one generated model."""
    cls = f"{anchor.cls}BenchNote{i}"
    table = f"{anchor.table}_bench_notes_{i}"
    fk_col = f"{snake(anchor.cls)}_id"
    fk_name = f"name=op.f('fk_{table}_{fk_col}_{anchor.table}')"
    model = f'''

class {cls}(Base, TimestampMixin):
    """Generated for the benchmark: note {i} attached to a {anchor.cls.lower()}."""

    __tablename__ = "{table}"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    {fk_col}: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("{anchor.table}.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    body: Mapped[str | None] = mapped_column(String(2000))
'''
    up = f"""    op.create_table('{table}',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('{fk_col}', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['{fk_col}'], ['{anchor.table}.id'], {fk_name}, ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_{table}'))
    )
    op.create_index(op.f('ix_{table}_{fk_col}'), '{table}', ['{fk_col}'], unique=False)
"""
    down = f"""    op.drop_index(op.f('ix_{table}_{fk_col}'), table_name='{table}')
    op.drop_table('{table}')
"""
    return model, up, down


def schema_unit(anchor: Anchor, i: int) -> str:
    base = f"{anchor.cls}BenchNote{i}"
    return f'''

class {base}Create(BaseModel):
    """Generated for the benchmark: what a client sends to create note {i}."""

    title: str
    body: str | None = None


class {base}Response({base}Create):
    id: str
    created_at: str | None = None
'''


def route_unit(var: str, segment: str, i: int) -> str:
    func = f"get_{segment.replace('-', '_')}_bench_{i}"
    return f'''

@{var}.get("/{segment}/{{item_id}}/bench-{i}")
async def {func}(item_id: str) -> dict[str, str]:
    """Generated benchmark route {i}."""
    return {{"id": item_id, "bench": "{i}"}}
'''


def router_shape(text: str) -> tuple[str, list[str]]:
    """The main router variable of a router module and the literal first path segments it uses."""
    tree = ast.parse(text)
    routers = [
        node.targets[0].id
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Call)
        and ast.unparse(node.value.func).endswith("APIRouter")
    ]
    var = "router" if "router" in routers else routers[0]
    segments: list[str] = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for deco in node.decorator_list:
            if (
                isinstance(deco, ast.Call)
                and ast.unparse(deco.func) == f"{var}.get"
                and deco.args
                and isinstance(deco.args[0], ast.Constant)
            ):
                first = str(deco.args[0].value).strip("/").split("/")[0]
                if first and not first.startswith("{") and first not in segments:
                    segments.append(first)
    return var, segments or ["items"]


def revision_of(versions: Path) -> tuple[str, Path] | None:
    for path in sorted(versions.glob("*.py")):
        match = re.search(r"^revision(?::\s*str)?\s*=\s*['\"]([^'\"]+)['\"]", path.read_text(encoding="utf-8"), re.M)
        if match:
            return match.group(1), path
    return None


def grow_service(repo: Path, svc: str, files: list[str], factor: float, stats: Stats) -> list[str]:
    """Grow the service's big files to ``factor`` times their length; returns generated route functions."""
    base = repo / "services" / f"{svc}_service"
    routes: list[str] = []
    models_path = base / "models.py"
    anchor = anchor_model(models_path.read_text(encoding="utf-8"))
    if anchor is None:
        stats.notes.append(f"{svc}: no model owning a table; big files not grown")
        return routes
    for name in files:
        path = base / name
        text = path.read_text(encoding="utf-8")
        have = imported_names(text)
        lines = text.count("\n")
        target = int(lines * factor)
        pieces: list[str] = []
        added = 0
        i = 0
        if name == "models.py":
            needed = {"uuid", "Base", "TimestampMixin", "new_id", "Mapped", "mapped_column", "ForeignKey", "String"}
            if not needed <= have:
                stats.notes.append(f"{svc}/{name}: lacks {sorted(needed - have)}; not grown")
                continue
            ups: list[str] = []
            downs: list[str] = []
            while lines + added < target:
                i += 1
                model, up, down = model_unit(anchor, svc, i)
                pieces.append(model)
                ups.append(up)
                downs.append(down)
                added += model.count("\n")
                stats.extra_models += 1
            if ups:
                write_migration(base, svc, ups, downs)
        elif name.startswith("schemas"):
            if "BaseModel" not in have:
                stats.notes.append(f"{svc}/{name}: no BaseModel import; not grown")
                continue
            while lines + added < target:
                i += 1
                unit = schema_unit(anchor, i)
                pieces.append(unit)
                added += unit.count("\n")
                stats.extra_schemas += 1
        else:
            var, segments = router_shape(text)
            while lines + added < target:
                i += 1
                segment = segments[(i - 1) % len(segments)]
                unit = route_unit(var, segment, i)
                pieces.append(unit)
                routes.append(f"{name.removesuffix('.py')}.get_{segment.replace('-', '_')}_bench_{i}")
                added += unit.count("\n")
                stats.extra_routes += 1
        if pieces:
            path.write_text(text.rstrip("\n") + "\n" + "".join(pieces), encoding="utf-8")
            stats.grown_lines += added
    return routes


def write_migration(base: Path, svc: str, ups: list[str], downs: list[str]) -> None:
    versions = base / "alembic" / "versions"
    found = revision_of(versions)
    down_revision = repr(found[0]) if found else "None"
    revision = f"0002_{svc}_bench"
    text = f'''"""benchmark tables generated by benchmarks/generate.py

Revision ID: {revision}
Revises: {found[0] if found else ""}
Create Date: 2026-01-12 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '{revision}'
down_revision: Union[str, None] = {down_revision}
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
{"".join(ups)}

def downgrade() -> None:
{"".join(reversed(downs))}'''
    (versions / "0002_bench.py").write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- tests and docs


def has_app_tests(repo: Path, svc: str) -> bool:
    return (repo / "services" / f"{svc}_service" / "app" / "tests" / "__init__.py").is_file()


def extra_test(svc: str, i: int, patch_target: str | None) -> str:
    pkg = f"services.{svc}_service"
    patch = (
        f'''

def test_bench_{i}_patch_target():
    with mock.patch("{pkg}.{patch_target}") as fake:
        assert fake is not None
'''
        if patch_target
        else ""
    )
    return f'''"""Generated by benchmarks/generate.py: references to {svc}'s modules (test {i})."""

from unittest import mock

from {pkg}.app import main as app_main


def test_bench_{i}_app_imports():
    from {pkg}.app.main import app

    assert app is app_main.app
    assert app.routes


def test_bench_{i}_models_import():
    from {pkg} import models

    assert models.Base.metadata is not None
{patch}'''


def extra_doc(svc: str, i: int) -> str:
    base = f"services/{svc}_service"
    return f"""# {svc} notes {i}

Generated by `benchmarks/generate.py`. Start the service locally with

```bash
uvicorn services.{svc}_service.app.main:app --reload
```

The application factory lives in `{base}/app/main.py`; its models are in `{base}/models.py`
and the tests in `{base}/app/tests/` (run `pytest {base}/app/tests`).
Inside the service directory, `uvicorn app.main:app` does the same.
"""


# --------------------------------------------------------------------------- main


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def generate(out: Path, options: Options) -> Stats:
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"error: {out} exists and is not empty")
    rng = random.Random(options.seed)
    stats = Stats()
    shutil.copytree(TEMPLATE, out, ignore=IGNORE, dirs_exist_ok=True)
    originals = service_names(out)
    cloneable = [
        s
        for s in originals
        if s not in NOT_CLONED and (out / "services" / f"{s}_service" / "app" / "main.py").is_file()
    ]
    targets: list[str] = list(cloneable)
    port = 9000
    for k in range(2, options.copies + 2):
        for svc in cloneable:
            port += 1
            clone_service(out, svc, k, port)
            targets.append(f"{svc}{k}")
            stats.clones += 1
    patchable: dict[str, list[str]] = {}
    if options.big_file_factor > 1:
        for svc, files in GROWN.items():
            if svc in originals:
                patchable[svc] = grow_service(out, svc, files, options.big_file_factor, stats)
    for i in range(1, options.tests + 1):
        svc = rng.choice(targets)
        routes = patchable.get(svc, [])
        target = rng.choice(routes) if routes else None
        if has_app_tests(out, svc) and rng.random() < 0.5:
            path = out / "services" / f"{svc}_service" / "app" / "tests" / f"test_bench_{i}.py"
        else:
            path = out / "tests" / f"test_bench_{svc}_{i}.py"
        path.write_text(extra_test(svc, i, target), encoding="utf-8")
        stats.extra_tests += 1
    if options.docs:
        (out / "docs" / "bench").mkdir(parents=True, exist_ok=True)
    for i in range(1, options.docs + 1):
        svc = rng.choice(targets)
        (out / "docs" / "bench" / f"{svc}-{i}.md").write_text(extra_doc(svc, i), encoding="utf-8")
        stats.extra_docs += 1
    if options.rename:
        # the restructure package before benchmarks/restructure.py, then this script's neighbour
        sys.path[:0] = [str(PROJECT), str(Path(__file__).resolve().parent)]
        import rename

        names, segments, files = rename.apply(out, PROJECT / "restructure" / "plans" / "default.yaml")
        stats.notes.append(f"renamed {names} names and {segments} route segments in {files} files")
    clones = {svc: [f"{svc}{k}" for k in range(2, options.copies + 2)] for svc in cloneable}
    if options.copies or options.big_file_factor > 1:
        plan = grown_plan(PROJECT / "restructure" / "plans" / "default.yaml", clones, options.big_file_factor)
        plan_path(out).write_text(plan, encoding="utf-8")
        stats.notes.append(f"the plan for this tree: {plan_path(out)}")
    stats.services = len(service_names(out))
    for path in out.rglob("*.py"):
        stats.python_files += 1
        stats.python_lines += path.read_text(encoding="utf-8").count("\n")
    git(out, "init", "-q", "-b", "main")
    git(out, "config", "user.email", "bench@example.com")
    git(out, "config", "user.name", "benchmarks")
    git(out, "add", "-A")
    git(out, "commit", "-q", "-m", f"synthetic monorepo: scale {options.scale}, seed {options.seed}")
    return stats


def plan_path(out: Path) -> Path:
    """Where the plan for the tree at ``out`` is written: beside it, so the tree stays clean."""
    return out.with_name(out.name + ".plan.yaml")


def grown_plan(shipped: Path, clones: dict[str, list[str]], factor: float) -> str:
    """The shipped plan for a grown tree: every clone listed as a service, with a copy of each
    phase and convention exception of the service it was cloned from, and a line limit that
    the grown split outputs fit (the generator appends to the groups the plan already has, so
    one group takes most of the growth; the benchmark measures speed, not the grouping).

    Phases are renumbered ``N`` -> ``100 N`` and the clones' copies of phase ``N`` follow it
    (``100 N + k``), so that the phases still run in the plan's order."""
    data = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    data["services"] = [*data["services"], *(c for svc in data["services"] for c in clones.get(svc, []))]
    data["line_limit"] = int(data.get("line_limit", 300) * max(factor, 1) * 10)
    exceptions = []
    services_dir, suffix = data.get("services_dir", "services"), data.get("service_suffix", "_service")
    for item in data.get("exceptions", []):
        exceptions.append(item)
        for svc, names in clones.items():
            prefix = f"{services_dir}/{svc}{suffix}/"
            if item["path"].startswith(prefix):
                rest = item["path"][len(prefix) :]
                exceptions.extend({**item, "path": f"{services_dir}/{name}{suffix}/{rest}"} for name in names)
    data["exceptions"] = exceptions
    phases = []
    for phase in data["phases"]:
        number = phase["phase"] * 100
        phases.append({**phase, "phase": number, "steps": [_with_clones(s, clones) for s in phase["steps"]]})
        for k, name in enumerate(clones.get(phase["scope"], []), start=1):
            phases.append({**phase, "phase": number + k, "title": f"{phase['title']} ({name})", "scope": name})
    data["phases"] = phases
    header = f"# generated by benchmarks/generate.py from {shipped.name} for a tree grown {factor:g}x\n"
    return header + yaml.safe_dump(data, sort_keys=False, width=120)


def _with_clones(step: dict, clones: dict[str, list[str]]) -> dict:
    """A step whose ``only``/``skip`` names a cloned service names its clones too."""
    out = dict(step)
    for key in ("only", "skip"):
        if isinstance(out.get(key), list):
            out[key] = [*out[key], *(c for svc in out[key] for c in clones.get(svc, []))]
    return out


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("out", type=Path, help="output directory (created; must be empty)")
    p.add_argument(
        "--scale", type=int, default=1, help="N: N copies of every clonable service (default 1: the fixture)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed for the random choices (default 0)")
    p.add_argument("--copies", type=int, help="clones per service (default: scale - 1)")
    p.add_argument(
        "--big-file-factor",
        type=float,
        help="grow the split files to this many times their length (default: 1 + (scale-1)/4)",
    )
    p.add_argument("--tests", type=int, help="extra test files referencing module paths (default: 10 * (scale-1))")
    p.add_argument("--docs", type=int, help="extra Markdown files referencing paths (default: 5 * (scale-1))")
    p.add_argument(
        "--rename",
        action="store_true",
        help="replace every function, class and route word the shipped plan does not use (benchmarks/rename.py)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.scale < 1:
        print("error: --scale must be at least 1", file=sys.stderr)
        return 2
    options = Options.from_args(args)
    stats = generate(args.out.resolve(), options)
    print(
        f"{args.out}: {stats.services} services ({stats.clones} clones), "
        f"{stats.python_files} Python files, {stats.python_lines} lines; "
        f"grown big files by {stats.grown_lines} lines ({stats.extra_models} models, "
        f"{stats.extra_schemas} schemas, {stats.extra_routes} routes); "
        f"{stats.extra_tests} extra tests, {stats.extra_docs} extra docs"
    )
    for note in stats.notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
