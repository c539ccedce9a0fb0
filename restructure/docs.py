"""Repository-level documentation operations of the cleanup phase.

Generated sections sit between HTML comment markers so that running the phase again
replaces them in place instead of adding a second copy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from restructure.conventions import RULES, MemoryFiles, check_repo
from restructure.editset import VirtualTree
from restructure.plan import ConventionException, Plan
from restructure.report import ALREADY_DONE, DONE, FAILED, NOT_FOUND, HumanItem, PhaseReport

LAYOUT = """\
Every service follows one layout; `CONVENTIONS.md` states the rules and `invoke conventions`
checks them.

```
services/<svc>/
├── __init__.py
├── main.py            # FastAPI app (create_app); run as services.<svc>.main:app
├── models.py | models/        # SQLAlchemy models; a package re-exports all in __init__.py
├── schemas.py | schemas/      # Pydantic schemas; a package re-exports all in __init__.py
├── router.py | routers/       # HTTP routes; routers/__init__.py assembles the top-level router
├── services/          # business logic (if needed)
├── clients/           # external API clients (if needed)
├── tasks.py, worker.py        # background tasks and the ARQ worker (if needed)
├── alembic/ + alembic.ini     # migrations of this service's tables (no __init__.py in alembic/)
├── Dockerfile         # CMD ["uvicorn", "services.<svc>.main:app", ...]
└── tests/             # service tests, with __init__.py
```

A single layer file becomes a package with one file per entity or feature once it
grows past {limit} lines.
"""


def _section(marker: str, heading: str, body: str) -> str:
    return f"<!-- restructure:{marker} -->\n## {heading}\n\n{body.rstrip()}\n<!-- /restructure:{marker} -->\n"


def find_document(tree: VirtualTree, name: str) -> str | None:
    """The repository's document ``name``: at the given path, else a file of that name
    elsewhere (``docs/ARCHITECTURE.md`` for ``ARCHITECTURE.md``), the shallowest first."""
    if tree.exists(name):
        return name
    base = PurePosixPath(name).name
    found = sorted((p for p in tree.files if PurePosixPath(p).name == base), key=lambda p: (p.count("/"), p))
    return found[0] if found else None


def _upsert_section(tree: VirtualTree, path: str, marker: str, heading: str, body: str) -> str:
    if not tree.exists(path):
        return NOT_FOUND
    text = tree.read(path)
    section = _section(marker, heading, body)
    start, end = f"<!-- restructure:{marker} -->", f"<!-- /restructure:{marker} -->"
    if start in text and end in text:
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        new = head + section.rstrip("\n") + tail
    else:
        new = text.rstrip("\n") + "\n\n" + section
    if new == text:
        return ALREADY_DONE
    tree.write(path, new)
    return DONE


def _section_step(
    tree: VirtualTree, args: dict[str, Any], marker: str, default_heading: str, body: str
) -> tuple[str, str]:
    heading = args.get("heading", default_heading)
    path = find_document(tree, args["file"])
    if path is None:
        return NOT_FOUND, f"no {PurePosixPath(args['file']).name} in the repository"
    return _upsert_section(tree, path, marker, heading, body), f"{heading} in {path}"


def layout_section(plan: Plan, tree: VirtualTree, args: dict[str, Any], report: PhaseReport) -> tuple[str, str]:
    layout = LAYOUT.format(limit=plan.line_limit)
    return _section_step(tree, args, "standard-layout", "Standard service layout", layout)


def conventions_body(plan: Plan) -> str:
    rules = "\n".join(f"{n}. {rule.format(limit=plan.line_limit)}" for n, rule in enumerate(RULES, start=1))
    return rules + "\n\nCheck them with `invoke conventions` (also usable as a pre-commit hook).\n"


def conventions_section(plan: Plan, tree: VirtualTree, args: dict[str, Any], report: PhaseReport) -> tuple[str, str]:
    return _section_step(tree, args, "conventions", "Service structure conventions", conventions_body(plan))


def existing_exceptions(plan: Plan, tree: VirtualTree, report: PhaseReport) -> list[ConventionException]:
    """The plan's exceptions whose path exists; the others are named in the report, not written."""
    kept = []
    for exception in plan.exceptions:
        if tree.exists(exception.path) or tree.is_dir(exception.path):
            kept.append(exception)
        else:
            report.notes.append(f"exception for {exception.path} not recorded: the path does not exist")
    return kept


def _exceptions_markdown(exceptions: list[ConventionException]) -> str:
    if not exceptions:
        return ""
    lines = [
        "",
        "## Accepted exceptions",
        "",
        "Kept on purpose by the restructuring plan; `invoke conventions` accepts them.",
        "",
    ]
    lines += [f"- `{e.path}` (rule {e.rule}): {e.reason}" for e in exceptions]
    return "\n".join(lines) + "\n"


TOML_START = "# >>> restructure conventions (written by the cleanup phase from the plan's exceptions)"
TOML_END = "# <<< restructure conventions"


def _toml_block(plan: Plan, exceptions: list[ConventionException]) -> str:
    allow = "".join(f'    "{e.path}:CONV{e.rule}",  # {" ".join(e.reason.split())}\n' for e in exceptions)
    table = f"[tool.restructure.conventions]\nline-limit = {plan.line_limit}\nallow = [\n{allow}]\n"
    return f"{TOML_START}\n{table}{TOML_END}\n"


def _upsert_pyproject(
    plan: Plan, tree: VirtualTree, report: PhaseReport, exceptions: list[ConventionException]
) -> None:
    """Record the accepted exceptions where the conventions check reads them."""
    path = "pyproject.toml"
    if not tree.exists(path):
        return
    text = tree.read(path)
    block = _toml_block(plan, exceptions)
    if TOML_START in text and TOML_END in text:
        head, _, rest = text.partition(TOML_START)
        _, _, tail = rest.partition(TOML_END + "\n")
        new = head + block + tail
    elif "[tool.restructure.conventions]" in text:
        line = text[: text.index("[tool.restructure.conventions]")].count("\n") + 1
        report.needs_human.append(
            HumanItem(path, line, "[tool.restructure.conventions]", "exists already; add the plan's exceptions by hand")
        )
        return
    else:
        new = text.rstrip("\n") + "\n\n" + block
    if new != text:
        tree.write(path, new)


def conventions_state(plan: Plan, tree: VirtualTree) -> list[str]:
    """What ``invoke conventions`` reports on the tree as the phase leaves it: the same check
    runs on the services and the pyproject as the phase holds them in memory, so the document
    states a fact (before, they were written to a scratch directory first: 0.4 s a phase)."""
    prefix = plan.services_dir.rstrip("/") + "/"
    texts: dict[str, str] = {}
    for path in tree.files:
        if not (path.startswith(prefix) or path == "pyproject.toml"):
            continue
        try:
            texts[path] = tree.read(path)
        except (UnicodeDecodeError, OSError):
            texts[path] = ""
    return [str(v) for v in check_repo(MemoryFiles(texts), plan.services_dir, plan.service_suffix)]


def _state_markdown(violations: list[str]) -> str:
    if not violations:
        return "\n## State\n\n`invoke conventions` reports no violation for this layout.\n"
    shown = "".join(f"- `{v}`\n" for v in violations[:25])
    more = f"- and {len(violations) - 25} more: run `invoke conventions`\n" if len(violations) > 25 else ""
    return f"\n## State\n\n`invoke conventions` reports {len(violations)} violation(s):\n\n{shown}{more}"


def write_conventions(plan: Plan, tree: VirtualTree, args: dict[str, Any], report: PhaseReport) -> tuple[str, str]:
    path = args["file"]
    exceptions = existing_exceptions(plan, tree, report)
    text = "# Conventions\n\nThe rules for every backend service.\n\n" + conventions_body(plan)
    text += _exceptions_markdown(exceptions)
    _upsert_pyproject(plan, tree, report, exceptions)
    violations = conventions_state(plan, tree)
    text += _state_markdown(violations)
    if violations:
        # the layout the restructure leaves is what verify's layout step judges: a violation
        # nobody accepted is a failed check, listed in full so the plan can settle each one
        for violation in violations:
            where, _, what = violation.partition(": ")
            file, _, line = where.rpartition(":")
            report.needs_human.append(HumanItem(file, int(line) if line.isdigit() else 0, what, "convention violation"))
        shown = "; ".join(violations[:3]) + (f"; and {len(violations) - 3} more" if len(violations) > 3 else "")
        return FAILED, (
            f"{len(violations)} convention violation(s) would remain ({shown}): fix each, or accept it under "
            "`exceptions:` in the plan ({path: ..., rule: N, reason: ...})"
        )
    if tree.exists(path) and tree.read(path) == text:
        return ALREADY_DONE, path
    if not tree.exists(path):
        report.created.append(path)
    tree.write(path, text)
    return DONE, path


def app_dirs_left(services_dir: str, tree: VirtualTree) -> list[str]:
    """``services/<svc>/app`` directories that still hold a file."""
    prefix = services_dir.rstrip("/") + "/"
    return sorted(
        {"/".join(p.split("/")[:3]) for p in tree.files if p.startswith(prefix) and p.split("/")[2:3] == ["app"]}
    )


def check_no_app_dirs(plan: Plan, tree: VirtualTree, args: dict[str, Any], report: PhaseReport) -> tuple[str, str]:
    left = app_dirs_left(plan.services_dir, tree)
    for path in left:
        report.needs_human.append(HumanItem(path, 0, path, "an app/ directory remains"))
    if not left:
        return DONE, "no app/ directory remains"
    shown = ", ".join(left[:6]) + (f" and {len(left) - 6} more" if len(left) > 6 else "")
    return FAILED, (
        f"{len(left)} app/ directories remain ({shown}); add steps that move what they hold "
        "(a service the plan does not list keeps its app/: list it under `services:`)"
    )


REPO_OPERATIONS: dict[str, Callable[[Plan, VirtualTree, dict[str, Any], PhaseReport], tuple[str, str]]] = {
    "docs-layout-section": layout_section,
    "docs-conventions-section": conventions_section,
    "write-conventions": write_conventions,
    "check-no-app-dirs": check_no_app_dirs,
}


def _marker_state(marker: str) -> Callable[[VirtualTree, dict[str, Any]], str | None]:
    def state(tree: VirtualTree, args: dict[str, Any]) -> str | None:
        path = find_document(tree, args["file"])
        if path is None:
            return None
        return "done" if f"<!-- restructure:{marker} -->" in tree.read(path) else "pending"

    return state


STATUS: dict[str, Callable[[VirtualTree, dict[str, Any]], str | None]] = {
    "docs-layout-section": _marker_state("standard-layout"),
    "docs-conventions-section": _marker_state("conventions"),
    "write-conventions": lambda tree, args: "done" if tree.exists(args["file"]) else "pending",
}
