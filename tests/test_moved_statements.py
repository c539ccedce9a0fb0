"""Move, never modify: every statement a phase carries keeps its exact source text.

Every phase of the default plan runs on a scratch git copy of the monorepo and legacy fixtures, and every
phase of harbour's own plan on the harbour fixture (one run per fixture, one commit per
phase). For each phase, the multiset of top-level statement texts of the Python files the
commit removed or changed (as they were before) must equal the multiset of the files it
added or changed (as they are after). The text of a statement is its exact source segment
(decorators included), so a formatter that restyles a moved statement fails the row.

Left out on both sides, because the tool writes them by design: top-level imports and
``if TYPE_CHECKING:`` import blocks (split and merge regenerate them), module docstrings
(a split file gets a generated one), ``__all__``, every ``__init__.py`` (re-export modules
and the assembled routers module), ``include_router`` statements of ``main.py`` (its
include block becomes one include of the assembled router), and files a ``delete`` step
removes on purpose. Inside a statement, a rewritten reference may differ: lazy imports in
bodies are dropped from the text, dotted names under the plan's services directory are
masked, and so are paths and dotted names in comments (``see volunteer_router.py``) and
string literals that are nothing but a path (``'..', 'openapi.json'``; a run of them counts
as one, since a path built from ``__file__`` loses a ``'..'`` when its file moves up).
``X = APIRouter(...)`` is compared once per text: a split gives every piece its own copy
with the same arguments. A file whose report says the target's own ruff wrapped a line that
a rewritten reference made too long has its statements compared token by token (layout and
a trailing comma the formatter added aside); every other file, byte by byte.
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
import tokenize
from collections import Counter
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from restructure.engine import run_phase
from restructure.plan import Plan, load_plan
from tests.conftest import FIXTURES, MONOREPO, git, make_git_copy
from tests.helpers.masked_references import BLANK, mask, same_but_paths

pytestmark = pytest.mark.slow

FIXTURE_PLANS = {
    "monorepo": (MONOREPO, None),
    "harbour": (FIXTURES / "harbour", FIXTURES / "harbour" / "restructure-plan.yaml"),
    "legacy": (FIXTURES / "legacy", None),  # the default plan on a tree in another hand
}


def _show(root: Path, commit: str, path: str) -> str:
    return subprocess.run(["git", "show", f"{commit}:{path}"], cwd=root, check=True, capture_output=True,
                          text=True).stdout  # fmt: skip


def _segment(lines: list[bytes], node: ast.stmt) -> tuple[int, str]:
    """(first line, exact source) of a top-level statement, decorators included."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    col = 0 if first != node.lineno else node.col_offset
    assert node.end_lineno is not None and node.end_col_offset is not None
    if node.end_lineno == first:
        return first, lines[first - 1][col : node.end_col_offset].decode()
    chunk = lines[first - 1][col:] + b"".join(lines[first : node.end_lineno - 1])
    return first, (chunk + lines[node.end_lineno - 1][: node.end_col_offset]).decode()


def _nested_import_lines(node: ast.stmt) -> set[int]:
    """Lines of imports inside a statement's body: rewritten references, not moved text."""
    out: set[int] = set()
    for inner in ast.walk(node):
        if inner is not node and isinstance(inner, ast.Import | ast.ImportFrom):
            out.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return out


def _is_tool_written(node: ast.stmt, index: int, path: str) -> bool:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return True
    if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return isinstance(node.value.value, str)
    if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
        return all(isinstance(s, ast.Import | ast.ImportFrom) for s in node.body)
    targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
    if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
        return True
    return PurePosixPath(path).name == "main.py" and "include_router" in ast.unparse(node)


def _is_router_object(node: ast.stmt) -> bool:
    value = getattr(node, "value", None)
    return isinstance(node, ast.Assign) and isinstance(value, ast.Call) and ast.unparse(value.func) == "APIRouter"


_PATH_STRING = re.compile(r"[rRbBuU]?(['\"])[\w./:-]*[./][\w./:-]*\1")
_PATH_RUN = re.compile(r"<path>(?:\s*,\s*<path>)+")


def _references_masked(text: str) -> str:
    """``text`` with the references the tool rewrites in comments and path strings masked."""
    offsets = [0]
    for line in text.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    edits: list[tuple[int, int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            start = offsets[token.start[0] - 1] + token.start[1]
            end = offsets[token.end[0] - 1] + token.end[1]
            if token.type == tokenize.COMMENT:
                edits.append((start, end, mask(token.string)))
            elif token.type == tokenize.STRING and _PATH_STRING.fullmatch(token.string):
                edits.append((start, end, "<path>"))
    except (tokenize.TokenError, IndentationError):
        return text
    for start, end, new in reversed(edits):
        text = text[:start] + new + text[end:]
    return _PATH_RUN.sub("<path>", text)


def _tokens_only(text: str) -> str:
    """The statement's tokens without layout: what a formatter's wrap leaves unchanged."""
    kept = [t for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type not in _LAYOUT]
    out = [
        t.string
        for n, t in enumerate(kept)
        if not (t.string == "," and n + 1 < len(kept) and kept[n + 1].string in ")]}")
    ]
    return " ".join(out)


_LAYOUT = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


def statements(text: str, path: str, dotted_root: str, wrapped: bool = False) -> tuple[Counter[str], set[str]]:
    """Multiset of a file's top-level statement texts, less what the tool writes itself, and
    the set of its router object statements (compared as a set: each piece has a copy)."""
    tree = ast.parse(text)
    lines = text.encode().splitlines(keepends=True)
    dotted = re.compile(rf"\b{re.escape(dotted_root)}(?:\.\w+)+")
    out: Counter[str] = Counter()
    routers: set[str] = set()
    for index, node in enumerate(tree.body):
        if _is_tool_written(node, index, path):
            continue
        first, source = _segment(lines, node)
        skip = _nested_import_lines(node)
        kept = [line for n, line in enumerate(source.splitlines(keepends=True), start=first) if n not in skip]
        normalised = _references_masked(dotted.sub("<module>", "".join(kept)))
        normalised = _tokens_only(normalised) if wrapped else normalised
        if _is_router_object(node):
            routers.add(normalised)
        else:
            out[normalised] += 1
    return out, routers


def _deleted_on_purpose(plan: Plan, number: int, path: str) -> bool:
    """A file under a path that a ``delete`` / ``delete-if-empty`` step of the phase names
    (for a service the step applies to)."""
    phase = plan.phase(number)
    parts = path.split("/")
    in_service = len(parts) > 2 and parts[0] == plan.services_dir and parts[1].endswith(plan.service_suffix)
    service = parts[1].removesuffix(plan.service_suffix) if in_service else ""
    for step in phase.steps:
        if step.op not in {"delete", "delete-if-empty"}:
            continue
        target = step.args["path"].strip("/")
        if phase.scope == "repo":
            full = target
        elif not in_service or not step.applies_to(service) or phase.scope not in {"all", service}:
            continue
        else:
            full = f"{parts[0]}/{parts[1]}/{target}"
        if path == full or path.startswith(full + "/"):
            return True
    return False


def phase_sides(
    root: Path, plan: Plan, number: int, commits: tuple[str, str], moved: set[str], wrapped: set[str] = frozenset()
) -> tuple[Counter[str], Counter[str]]:
    """Statements of what the phase removed or changed (before) and added or changed (after).

    ``moved`` holds the files the phase moved: they sit under an emptied directory that a
    ``delete-if-empty`` step names, yet they are carried, not deleted."""
    before, after = commits
    old: Counter[str] = Counter()
    new: Counter[str] = Counter()
    old_routers: set[str] = set()
    new_routers: set[str] = set()
    dotted_root = plan.services_dir.strip("/").replace("/", ".")
    for line in git(root, "diff", "--no-renames", "--name-status", before, after).splitlines():
        status, path = line.split("\t")[0], line.split("\t")[-1]
        if not path.endswith(".py") or PurePosixPath(path).name == "__init__.py":
            continue
        if status == "M" or (status == "D" and (path in moved or not _deleted_on_purpose(plan, number, path))):
            found, routers = statements(_show(root, before, path), path, dotted_root, path in wrapped)
            old += found
            old_routers |= routers
        if status in {"A", "M"}:
            found, routers = statements(_show(root, after, path), path, dotted_root, path in wrapped)
            new += found
            new_routers |= routers
    old.update(old_routers)
    new.update(new_routers)
    return old, new


@pytest.fixture(scope="module")
def phased_runs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict]:
    """Every phase of a fixture's plan, run once per fixture for the whole module (a
    parametrized module fixture would run them again for each phase's row)."""
    done: dict[str, dict] = {}

    def run(fixture: str) -> dict:
        if fixture not in done:
            source, plan_path = FIXTURE_PLANS[fixture]
            root = make_git_copy(source, tmp_path_factory.mktemp(fixture) / fixture)
            plan = load_plan(plan_path)
            commits, moved, wrapped = {}, {}, {}
            for number in plan.phases:
                before = git(root, "rev-parse", "HEAD").strip()
                report = run_phase(root, number, commit=True, echo=lambda _: None, plan=plan)
                commits[number] = (before, git(root, "rev-parse", "HEAD").strip())
                moved[number] = {old for old, _ in report.moves}
                origin = {new: old for old, new in report.moves}
                paths = {n.split(":")[0] for n in report.notes if "wrapped by the target's own ruff" in n}
                wrapped[number] = paths | {origin[p] for p in paths if p in origin}
            done[fixture] = {"root": root, "plan": plan, "commits": commits, "moved": moved, "wrapped": wrapped}
        return done[fixture]

    return run


PHASES = [(fixture, n) for fixture, (_, p) in sorted(FIXTURE_PLANS.items()) for n in load_plan(p).phases]


@pytest.mark.parametrize(("fixture", "number"), PHASES, ids=[f"{f}-phase{n}" for f, n in PHASES])
def test_phase_moves_statements_byte_identical(phased_runs: Callable[[str], dict], fixture: str, number: int) -> None:
    phased = phased_runs(fixture)
    old, new = phase_sides(
        phased["root"], phased["plan"], number, phased["commits"][number], phased["moved"][number],
        phased["wrapped"][number],
    )  # fmt: skip
    lost = old - new
    changed = new - old
    # a masked reference may have become a plain word (``app.main`` -> ``main`` in a comment)
    for text in list(lost.elements()):
        match = next((c for c in changed if same_but_paths(text, c)), None) if BLANK in text else None
        if match is not None:
            lost[text] -= 1
            changed[match] -= 1
    lost, changed = +lost, +changed
    assert not lost and not changed, (
        f"phase {number}: {sum(lost.values())} statement(s) not carried verbatim, "
        f"{sum(changed.values())} new or altered; first lost:\n{next(iter(lost), '')[:600]}\n"
        f"first altered:\n{next(iter(changed), '')[:600]}"
    )


def test_a_formatter_restyling_a_statement_is_caught(tmp_path: Path) -> None:
    """The comparison sees what ``ruff format`` does to a moved statement (quotes, wrapping)."""
    original = "def f(a,b):\n    return {'a':a,\n            'b':b}\n\n\nX = [1,2]\n"
    path = tmp_path / "moved.py"
    path.write_text(original)
    ruff = Path(sys.executable).parent / "ruff"
    subprocess.run([str(ruff), "format", "--quiet", "--isolated", str(path)], check=True)
    restyled = path.read_text()
    assert restyled != original
    assert statements(original, "moved.py", "services") != statements(restyled, "moved.py", "services")
    assert statements(original, "moved.py", "services") == statements(original, "other.py", "services")
