"""A rendition of a monorepo in which every name the plan does not determine is replaced.

The shipped plan names target modules (``models/coach_profile.py``, ``routers/programs.py``)
and the files they come from; which class or function goes where must follow from the code.
A plan or an inference that leans on a fixture's own helper, class or route names works on
that fixture and nowhere else. This rendition replaces, systematically and consistently
across the tree, every word of the repository's own function and class names and of its
route path segments that the plan does not use, by rotating its vowels (``checkout`` ->
``chickuat``): the words the plan's module names are made of stay, so a placement that is
inferred from the plan's intent still has its evidence, and one that matched a fixture
name does not.

Safe by construction: a name is renamed only when every occurrence is the repository's own
(defined at module level in the tree, never an attribute, keyword argument, parameter,
method or name imported from outside); it is rewritten token by token in Python files
(names, and identifiers inside strings such as patch targets and ``relationship("X")``);
route segments are rewritten in path strings of Python files only when no other file kind
(a compose healthcheck, a Dockerfile) names them.
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from restructure.placement import same_word, stem

VOWELS = str.maketrans("aeiouAEIOU", "eiouaEIOUA")
WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ROUTE_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "api_route", "websocket"}
# names frameworks call by convention (alembic's env, pytest's hooks, ASGI entry points)
CONVENTIONAL = {"main", "app", "lifespan", "upgrade", "downgrade", "run_migrations_offline", "run_migrations_online",
                "create_app", "setup", "teardown"}  # fmt: skip
# the affixes of a naming convention, not of a domain (``XCreate``, ``XResponse``, ``get_x``)
CONVENTION_WORDS = {
    "create", "update", "response", "request", "base", "in", "out", "read", "list", "schema", "model", "detail",
    "summary", "public", "internal", "get", "set", "is", "has", "to", "from", "by", "db", "orm", "config",
    "settings", "id", "ids", "api", "router", "mixin", "error", "exception", "async", "sync", "handler",
}  # fmt: skip
SKIP_DIRS = {".git", "__pycache__", ".venv", "node_modules", ".ruff_cache", ".pytest_cache"}


def _variants(word: str) -> set[str]:
    out = {word, word + "s", word + "es", word.removesuffix("s"), word.removesuffix("es")}
    if word.endswith("ies"):
        out.add(word[:-3] + "y")
    if word.endswith("y"):
        out.add(word[:-1] + "ies")
    return out


def plan_words(plan: Path) -> set[str]:
    """Every word of the plan (module names, titles, comments), in its singular and plural forms."""
    text = plan.read_text(encoding="utf-8")
    yaml.safe_load(text)  # a plan that does not parse names nothing
    return {v for w in re.findall(r"[a-z]+", text.lower()) for v in _variants(w)}


def rotate(word: str) -> str:
    return word.translate(VOWELS)


def is_protected(word: str, protected: set[str]) -> bool:
    """The word, or one of the same stem (``score`` / ``scoring``, ``enrol`` / ``enrolment``),
    is a word of the plan: the same word in placement's eyes (:mod:`restructure.placement`)."""
    lower = word.lower()
    if lower in protected or word.isdigit():
        return True
    stemmed = stem(lower)
    return any(same_word(stemmed, stem(p)) for p in protected)


def rename_words(name: str, protected: set[str]) -> str:
    """``name`` with each unprotected word's vowels rotated (case and separators kept)."""

    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        return word if is_protected(word, protected) else rotate(word)

    return WORD.sub(one, name)


def python_files(repo: Path) -> list[Path]:
    return sorted(p for p in repo.rglob("*.py") if not SKIP_DIRS & set(p.relative_to(repo).parts))


def config_text(repo: Path) -> str:
    """Every file but Python and Markdown (compose, Dockerfiles, scripts, ini): a name or a
    segment one of them mentions keeps its spelling (prose may go stale, a command may not)."""
    out = []
    for path in sorted(repo.rglob("*")):
        parts = set(path.relative_to(repo).parts)
        if path.is_file() and path.suffix not in {".py", ".md"} and not SKIP_DIRS & parts:
            try:
                out.append(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                continue
    return "\n".join(out)


def _mentioned(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


@dataclass
class Names:
    defined: set[str] = field(default_factory=set)  # module-level def/class names of the tree
    unsafe: set[str] = field(default_factory=set)  # names some occurrence of which is not ours
    segments: set[str] = field(default_factory=set)  # literal route path segments
    classes: set[str] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)  # string literals that are one bare identifier


def _own_module(module: str | None, packages: set[str]) -> bool:
    return bool(module) and module.split(".")[0] in packages


def collect(repo: Path, files: list[Path]) -> Names:
    names = Names()
    packages = {p.name for p in repo.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    packages |= {p.stem for p in repo.glob("*.py")}  # the tree's own top-level module names
    for path in files:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.defined.add(node.name)
                if isinstance(node, ast.ClassDef):
                    names.classes.add(node.name)
        names.strings |= {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.isidentifier()
        }
        module_level = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                names.unsafe.add(node.attr)
            elif isinstance(node, ast.keyword | ast.arg) and node.arg:
                names.unsafe.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if id(node) not in module_level:
                    names.unsafe.add(node.name)  # a method or nested definition
                if isinstance(node, ast.ClassDef):
                    for item in node.body:
                        targets = [item.target] if isinstance(item, ast.AnnAssign) else getattr(item, "targets", [])
                        names.unsafe |= {t.id for t in targets if isinstance(t, ast.Name)}  # fields
                for decorator in getattr(node, "decorator_list", []):
                    _route_segments(decorator, names.segments)
            elif isinstance(node, ast.ImportFrom) and not node.level and not _own_module(node.module, packages):
                names.unsafe |= {alias.asname or alias.name for alias in node.names}
                names.unsafe |= {alias.name for alias in node.names}
            elif isinstance(node, ast.Import):
                names.unsafe |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def _route_segments(decorator: ast.expr, out: set[str]) -> None:
    if (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in ROUTE_METHODS
        and decorator.args
        and isinstance(decorator.args[0], ast.Constant)
        and isinstance(decorator.args[0].value, str)
    ):
        out |= {s for s in decorator.args[0].value.split("/") if re.fullmatch(r"[a-z][a-z0-9_-]*", s)}


def renaming(repo: Path, plan: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(identifier map, route segment map) for ``repo`` under ``plan``'s protected words."""
    files = python_files(repo)
    names = collect(repo, files)
    protected = plan_words(plan) | CONVENTION_WORDS
    reserved = set(keyword.kwlist) | set(dir(builtins)) | CONVENTIONAL
    taken = names.defined | names.unsafe | reserved
    elsewhere = config_text(repo)
    identifiers: dict[str, str] = {}
    for name in sorted(names.defined - names.unsafe - reserved):
        if name.startswith(("test_", "Test", "__")) or _mentioned(name, elsewhere):
            continue
        if name in names.strings and name not in names.classes:
            continue  # "coach_notes" may be a table name as well as a function: keep both
        new = rename_words(name, protected)
        while new != name and (new in taken or new in identifiers.values() or keyword.iskeyword(new)):
            new += "_r"
        if new != name:
            identifiers[name] = new
    segments: dict[str, str] = {}
    for segment in sorted(names.segments):
        new = rename_words(segment, protected)
        if new != segment and not _mentioned(segment, elsewhere):
            segments[segment] = new
    return identifiers, segments


def _rewrite_string(token: str, identifiers: dict[str, str], segments: dict[str, str]) -> str:
    prefix_end = next(i for i, ch in enumerate(token) if ch in "'\"")
    prefix, body = token[:prefix_end], token[prefix_end:]
    quote = body[:3] if body[:3] in {'"""', "'''"} else body[0]
    inner = body[len(quote) : len(body) - len(quote)]
    if re.fullmatch(r"[A-Za-z_][\w.]*", inner):  # a dotted name: patch target, relationship("X")
        inner = ".".join(identifiers.get(part, part) for part in inner.split("."))
    elif "/" not in inner and "f" not in prefix.lower() and "\n" not in inner and _expression(inner):
        # code in a string: an annotation (Mapped["X | None"]), an order_by ("desc(X.at)")
        inner = rewrite_python(inner, identifiers, {})
    elif "/" in inner and segments:
        inner = re.sub(r"(?<=/)([a-z][a-z0-9_-]*)(?=/|$|\?|\")", lambda m: segments.get(m.group(1), m.group(1)), inner)
    return prefix + quote + inner + quote


def _expression(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def rewrite_python(text: str, identifiers: dict[str, str], segments: dict[str, str]) -> str:
    """``text`` with every NAME token in ``identifiers`` and every string naming one replaced;
    the other tokens (comments, spacing) are left byte for byte."""
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits: list[tuple[int, int, str]] = []
    for tok in tokens:
        new = None
        if tok.type == tokenize.NAME and tok.string in identifiers:
            new = identifiers[tok.string]
        elif tok.type == tokenize.STRING:
            rewritten = _rewrite_string(tok.string, identifiers, segments)
            new = rewritten if rewritten != tok.string else None
        if new is not None:
            start = offsets[tok.start[0] - 1] + tok.start[1]
            end = offsets[tok.end[0] - 1] + tok.end[1]
            edits.append((start, end, new))
    for start, end, new in reversed(edits):
        text = text[:start] + new + text[end:]
    return text


def apply(repo: Path, plan: Path) -> tuple[int, int, int]:
    """Rename in place; (identifiers renamed, route segments renamed, files changed)."""
    identifiers, segments = renaming(repo, plan)
    changed = 0
    for path in python_files(repo):
        text = path.read_text(encoding="utf-8")
        try:
            new = rewrite_python(text, identifiers, segments)
        except (tokenize.TokenError, SyntaxError):
            continue
        if new != text:
            ast.parse(new)
            path.write_text(new, encoding="utf-8")
            changed += 1
    return len(identifiers), len(segments), changed
