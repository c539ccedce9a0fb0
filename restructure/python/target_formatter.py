"""Wrap a line that a rewritten reference pushed over the limit, with the target's own formatter.

Rewriting ``mock.patch("svc.app.router._fetch")`` to ``mock.patch("svc.routers.sessions._fetch")``
makes the string longer; a line that fitted the target's line length can outgrow it, and
the target's ``ruff format --check`` then fails on a statement the tool only had to touch.
The tool never restyles a user's code with its own formatter (a newer ruff restyles far
more than the target's would). It uses the target's: the ``ruff`` the target requires (a
lock file's pin, ``requirements*.txt``, ``pyproject.toml`` in any of its dialects), found
in the target's own virtualenv, on ``PATH`` or next to this tool, and only when that
binary's version satisfies the requirement. It formats only the logical line the rewrite changed (``--range``), in the
real tree (its configuration applies), and the result is accepted only when nothing
outside that line changed and the syntax tree is the same. Without such a binary the line
is left as written and reported.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import functools
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from restructure.python import syntax

_REQUIREMENT = re.compile(r"^\s*ruff\s*(?:\[[^\]]*\])?\s*([<>=!~][^;#]*)?(?:[;#].*)?$", re.IGNORECASE)
VENV_DIRS = (".venv", "venv", "env")


@dataclass(frozen=True)
class Formatter:
    """The target's ruff: its binary, its version, and where the requirement was read."""

    binary: str
    version: str
    requirement: str  # "requirements-dev.txt: ruff>=0.5"


def _requirement_lines(root: Path) -> list[tuple[str, str]]:
    """(requirement text, source) of every requirement the target declares at its root.

    What the verify harness installs comes first (:func:`verify.dependencies.declared`: a lock
    file's pins, Poetry and PDM tables, ``requirements*.txt``), then every group of
    ``pyproject.toml``: ruff sits in a lint group the harness has no reason to install."""
    from verify import dependencies  # the one reader of what a target declares, in every format

    try:
        declared = dependencies.declared(root)
        pyproject = root / "pyproject.toml"
        data = tomllib.loads(pyproject.read_text(encoding="utf-8")) if pyproject.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError):
        return []
    label = ", ".join(s for s in declared.sources if not s.startswith("requirements")) or "pyproject.toml"
    found = [(package, label) for package in declared.packages]
    for path in declared.requirement_files:
        try:
            found += [(line, path.name) for line in path.read_text(encoding="utf-8").splitlines()]
        except (OSError, UnicodeDecodeError):
            continue
    project = data.get("project", {})
    groups = [*project.get("optional-dependencies", {}).values(), *data.get("dependency-groups", {}).values()]
    for group in groups:
        found += [(item, "pyproject.toml") for item in group if isinstance(item, str)]
    return found


def ruff_requirement(root: Path) -> tuple[SpecifierSet, str] | None:
    """The version range of ruff the target requires, and where it says so."""
    for line, source in _requirement_lines(root):
        match = _REQUIREMENT.match(line)
        if match:
            try:
                spec = SpecifierSet((match[1] or "").strip())
            except InvalidSpecifier:
                continue
            return spec, f"{source}: ruff{spec}"
    return None


def _version(binary: str) -> Version | None:
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
        return Version(done.stdout.split()[-1]) if done.returncode == 0 and done.stdout.split() else None
    except (OSError, subprocess.TimeoutExpired, InvalidVersion):
        return None


# a scratch copy (the pre-flight's) -> the repository it copies: the target's virtualenv is
# untracked, so only the original has it
_HOMES: dict[Path, Path] = {}


@contextlib.contextmanager
def copy_of(scratch: Path, original: Path) -> Iterator[None]:
    """While phases run on ``scratch``, look for the target's ruff in ``original``'s virtualenv."""
    _HOMES[scratch.resolve()] = original
    try:
        yield
    finally:
        _HOMES.pop(scratch.resolve(), None)
        find.cache_clear()


def _candidates(root: Path) -> list[str]:
    home = _HOMES.get(root.resolve(), root)
    found = [str(home / venv / "bin" / "ruff") for venv in VENV_DIRS]
    found += [shutil.which("ruff") or "", str(Path(sys.executable).parent / "ruff")]
    return list(dict.fromkeys(c for c in found if c and Path(c).is_file()))


@functools.lru_cache(maxsize=16)
def find(root: Path) -> Formatter | None:
    """The target's own ruff, or None when it requires none or no binary here satisfies it."""
    required = ruff_requirement(root)
    if required is None:
        return None
    spec, said = required
    for binary in _candidates(root):
        version = _version(binary)
        if version is not None and spec.contains(version, prereleases=True):
            return Formatter(binary, str(version), said)
    return None


def _statement_span(tree: ast.Module, line: int) -> tuple[int, int] | None:
    """Lines of the innermost statement on ``line``; for a compound statement, its header."""
    best: tuple[int, int] | None = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or not node.lineno <= line <= (node.end_lineno or node.lineno):
            continue
        body = getattr(node, "body", None)
        end = node.end_lineno or node.lineno
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            first_body = min([body[0].lineno, *(d.lineno for d in getattr(body[0], "decorator_list", []))])
            if line >= first_body:
                continue  # the line is inside the body: an inner statement holds it
            end = first_body - 1
        if best is None or node.lineno >= best[0]:
            best = (node.lineno, end)
    return best


def wrap(formatter: Formatter, root: Path, path: str, text: str, line: int) -> str | None:
    """``text`` with the logical line holding ``line`` formatted by the target's ruff, or None
    when that cannot be done without touching anything else."""
    try:
        tree = syntax.parse(text)  # shared: the phase reads the same texts with ``ast`` elsewhere
    except SyntaxError:
        return None
    span = _statement_span(tree, line)
    if span is None:
        return None
    first, last = span
    end = len(text.splitlines()[last - 1]) + 1  # the end of the statement's last line, not the next line's start
    done = subprocess.run(
        [formatter.binary, "format", "--quiet", f"--range={first}:1-{last}:{end}", "--stdin-filename", path, "-"],
        cwd=root,
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0 or done.stdout == text:
        return None
    out = done.stdout
    old_lines, new_lines = text.splitlines(), out.splitlines()
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag != "equal" and not (first - 1 <= i1 and i2 <= last):
            return None  # the formatter changed more than the statement
    try:
        same = ast.dump(syntax.parse(out)) == ast.dump(tree)
    except SyntaxError:
        return None
    return out if same else None
