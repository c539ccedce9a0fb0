"""Write the import block of a generated module the way the target's own import sorter would.

The tool never runs a linter with ``--fix`` over what it writes: that restyles the user's
statements too (a modern ruff turns ``Optional[str]`` into ``str | None``). The heads of
generated modules are the tool's own text, so it sorts and wraps them itself, following the
target's settings: ``[tool.ruff.lint.isort]`` (or the older ``[tool.ruff.isort]``) and
``line-length`` from the nearest ruff configuration above the file, else ``[tool.isort]`` /
``.isort.cfg``, else ruff's defaults. The rules below are ruff's isort rules (sections,
natural case-insensitive order, members by type, wrapping in parentheses with a trailing
comma); a table test checks the output against a real ruff for every setting handled here.
"""

from __future__ import annotations

import configparser
import re
import sys
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL = (
    "future",
    "standard-library",
    "third-party",
    "first-party",
    "local-folder",
)
SECTIONS = (FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL)
RUFF_CONFIGS = (".ruff.toml", "ruff.toml", "pyproject.toml")
STDLIB_NAMES = frozenset(sys.stdlib_module_names)
NOQA_UNUSED = "# noqa: F401"


# comments ruff and black leave out of a line's width (and E501 out of its check)
_PRAGMA = re.compile(r"#\s*(?:noqa|type:|pyright:|pylint:|nosec|isort:|ruff:|mypy:)")


def line_width(line: str) -> int:
    """The width a formatter and E501 measure: a trailing pragma comment (``# noqa``,
    ``# type: ignore``, ...) does not count. A ``#`` inside a string before it makes the
    whole line count (the safe side: a line may be reported, never missed)."""
    code, hash_, comment = line.partition("#")
    return len(code.rstrip()) if hash_ and _PRAGMA.match(hash_ + comment) else len(line)


@dataclass(frozen=True)
class Import:
    """One import to write: ``import module [as alias]`` or ``from <dots>module import names``."""

    module: str
    level: int = 0
    names: tuple[tuple[str, str | None], ...] = ()  # (name, alias); empty for ``import module``
    alias: str | None = None  # ``import module as alias``
    # members the module needs although no code of it names them (``Model.model_rebuild()``
    # resolves forward references in the module's namespace): pyflakes would call them unused
    unused_on_purpose: frozenset[str] = frozenset()
    trailing_comma: bool = False  # written ``(a, b,)``: isort keeps such a list one name a line

    @property
    def is_from(self) -> bool:
        return bool(self.names) or self.level > 0


@dataclass(frozen=True)
class ImportStyle:
    """The import-sorting and string settings generated code follows."""

    line_length: int = 88
    indent: str = "    "
    quote: str = '"'
    known_first_party: frozenset[str] = frozenset()
    known_third_party: frozenset[str] = frozenset()
    known_local_folder: frozenset[str] = frozenset()
    extra_standard_library: frozenset[str] = frozenset()
    first_party_roots: frozenset[str] = frozenset()  # top-level names found in the source roots
    force_sort_within_sections: bool = False
    combine_as_imports: bool = False
    force_single_line: bool = False
    case_sensitive: bool = False
    order_by_type: bool = True
    from_first: bool = False
    lines_between_types: int = 0
    lines_after_imports: int = -1
    split_on_trailing_comma: bool = True
    sources: tuple[str, ...] = field(default_factory=tuple)  # config files the style came from

    # ------------------------------------------------------------------ sections
    def section(self, imp: Import) -> str:
        """The isort section of an import, in ruff's order of precedence."""
        if imp.level:
            return LOCAL
        if imp.module == "__future__":
            return FUTURE
        for names, section in (
            (self.known_first_party, FIRST_PARTY),
            (self.known_third_party, THIRD_PARTY),
            (self.known_local_folder, LOCAL),
            (self.extra_standard_library, STDLIB),
        ):
            if _matches(imp.module, names):
                return section
        top = imp.module.split(".")[0]
        if top in STDLIB_NAMES:
            return STDLIB
        if top in self.first_party_roots:
            return FIRST_PARTY
        return THIRD_PARTY

    # ------------------------------------------------------------------ rendering
    def render(self, imports: Iterable[Import], indent: str = "") -> str:
        """The import block: one group per section, a blank line between groups."""
        by_section: dict[str, list[Import]] = {}
        for imp in _combine(imports, self):
            by_section.setdefault(self.section(imp), []).append(imp)
        blocks = []
        for section in SECTIONS:
            found = by_section.get(section)
            if found:
                blocks.append(self._section_text(found, indent))
        return "\n".join(blocks)

    def blank_lines_after(self, next_is_definition: bool) -> int:
        """Blank lines between the import block and the first statement after it."""
        if self.lines_after_imports >= 0:
            return self.lines_after_imports
        return 2 if next_is_definition else 1

    def string(self, value: str) -> str:
        """``value`` as a string literal in the target's quote style."""
        quote = self.quote if self.quote in {"'", '"'} else '"'
        return f"{quote}{value}{quote}"

    def _section_text(self, imports: list[Import], indent: str) -> str:
        straight = sorted((i for i in imports if not i.is_from), key=self._module_key)
        froms = sorted((i for i in imports if i.is_from), key=self._module_key)
        if self.force_sort_within_sections:
            ordered = sorted(imports, key=self._module_key)
            return "".join(self._line(i, indent) for i in ordered)
        first, second = (froms, straight) if self.from_first else (straight, froms)
        text = "".join(self._line(i, indent) for i in first)
        if first and second and self.lines_between_types:
            text += "\n" * self.lines_between_types
        return text + "".join(self._line(i, indent) for i in second)

    def _module_key(self, imp: Import) -> tuple[Any, ...]:
        name = imp.module
        lowered = _natural(name if self.case_sensitive else name.lower())
        first = self._member_key(imp.names[0]) if imp.names else ()
        # relative imports: furthest first (``from .. import`` before ``from . import``)
        return (-imp.level, lowered, _natural(name), first, imp.alias or "")

    def _member_key(self, member: tuple[str, str | None]) -> tuple[Any, ...]:
        name, alias = member
        kind = _member_type(name) if self.order_by_type else 0
        lowered = _natural(name if self.case_sensitive else name.lower())
        return (kind, lowered, _natural(name), alias or "")

    def _line(self, imp: Import, indent: str) -> str:
        if not imp.is_from:
            return f"{indent}import {imp.module}" + (f" as {imp.alias}" if imp.alias else "") + "\n"
        source = "." * imp.level + imp.module
        members = sorted(imp.names, key=self._member_key)
        parts = [n if a is None else f"{n} as {a}" for n, a in members]
        noqa = [(a or n) in imp.unused_on_purpose for n, a in members]
        single = f"{indent}from {source} import {', '.join(parts)}"
        exploded = imp.trailing_comma and self.split_on_trailing_comma
        if len(single) <= self.line_length and not exploded:
            return single + (f"  {NOQA_UNUSED}" if any(noqa) else "") + "\n"
        inner = indent + self.indent
        lines = "".join(f"{inner}{p},{f'  {NOQA_UNUSED}' if q else ''}\n" for p, q in zip(parts, noqa, strict=True))
        return f"{indent}from {source} import (\n{lines}{indent})\n"


def _matches(module: str, names: frozenset[str]) -> bool:
    return any(module == n or module.startswith(n + ".") for n in names)


def _member_type(name: str) -> int:
    """ruff's order-by-type: CONSTANTS, then Classes, then everything else."""
    if len(name) > 1 and name.upper() == name and name.lower() != name:
        return 0
    if name[:1].isupper():
        return 1
    return 2


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order: digit runs compare as numbers (``x2`` before ``x10``)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.findall(r"\d+|\D+", text))


def _combine(imports: Iterable[Import], style: ImportStyle) -> list[Import]:
    """One statement per module, as isort writes it: aliased members on their own statement
    unless ``combine-as-imports``, every member alone with ``force-single-line``."""
    straight: dict[tuple[str, str | None], Import] = {}
    froms: dict[tuple[str, int, bool], dict[tuple[str, str | None], None]] = {}
    exploded: set[tuple[str, int]] = set()
    singles: list[Import] = []
    imports = list(imports)
    on_purpose = frozenset().union(*(i.unused_on_purpose for i in imports)) if imports else frozenset()
    for imp in imports:
        if not imp.is_from:
            straight[(imp.module, imp.alias)] = imp
            continue
        if imp.trailing_comma:
            exploded.add((imp.module, imp.level))
        for member in imp.names:
            if style.force_single_line:
                singles.append(Import(imp.module, imp.level, (member,), unused_on_purpose=on_purpose))
                continue
            aliased = member[1] is not None and not style.combine_as_imports
            key = (imp.module, imp.level, False) if not aliased else (imp.module, imp.level, True)
            if aliased:
                single = Import(
                    imp.module, imp.level, (member,), unused_on_purpose=on_purpose, trailing_comma=imp.trailing_comma
                )
                singles.append(single)
            else:
                froms.setdefault(key, {})[member] = None
    combined = [
        Import(m, lv, tuple(names), unused_on_purpose=on_purpose, trailing_comma=(m, lv) in exploded)
        for (m, lv, _), names in froms.items()
    ]
    unique_singles = list(dict.fromkeys(singles))
    return [*straight.values(), *combined, *unique_singles]


# ---------------------------------------------------------------------- configuration
def _load_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _ruff_table(path: Path) -> dict[str, Any] | None:
    """The ruff settings of a config file (``[tool.ruff]`` in pyproject.toml), None if it has none."""
    data = _load_toml(path)
    if path.name == "pyproject.toml":
        ruff = data.get("tool", {}).get("ruff")
        return ruff if isinstance(ruff, dict) else None
    return data


def _ruff_config(root: Path, directory: PurePosixPath) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ruff configuration at or above ``directory`` (repo-relative), as ruff finds it."""
    current = root / directory
    while True:
        for name in RUFF_CONFIGS:
            candidate = current / name
            if candidate.is_file():
                table = _ruff_table(candidate)
                if table is not None:
                    extend = table.get("extend")
                    if isinstance(extend, str):
                        base = _ruff_table((candidate.parent / extend).resolve())
                        if base:
                            table = _deep_merge(base, table)
                    return candidate, table
        if current == root or root not in current.parents:
            return None
        current = current.parent


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _isort_config(root: Path) -> tuple[Path, dict[str, Any]] | None:
    """``[tool.isort]`` / ``.isort.cfg`` / ``setup.cfg [isort]`` at the repository root, with
    keys in ruff's spelling (``known_first_party`` -> ``known-first-party``)."""
    pyproject = root / "pyproject.toml"
    table = _load_toml(pyproject).get("tool", {}).get("isort") if pyproject.is_file() else None
    if isinstance(table, dict):
        return pyproject, {k.replace("_", "-"): v for k, v in table.items()}
    for name, section in ((".isort.cfg", "settings"), ("setup.cfg", "isort"), ("tox.ini", "isort")):
        path = root / name
        if not path.is_file():
            continue
        parser = configparser.ConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except configparser.Error:
            continue
        if parser.has_section(section):
            values: dict[str, Any] = {}
            for key, raw in parser.items(section):
                value: Any = raw
                if raw.lower() in {"true", "false"}:
                    value = raw.lower() == "true"
                elif raw.lstrip("-").isdigit():
                    value = int(raw)
                elif "," in raw or key.startswith("known") or key.startswith("extra"):
                    value = [v.strip() for v in raw.replace("\n", ",").split(",") if v.strip()]
                values[key.replace("_", "-")] = value
            return path, values
    return None


def _roots(base: Path, sources: list[str]) -> frozenset[str]:
    """Top-level importable names in the source roots: isort's first-party detection."""
    found: set[str] = set()
    for src in sources:
        directory = (base / src).resolve()
        if not directory.is_dir():
            continue
        for entry in directory.iterdir():
            if entry.is_dir() and entry.name.isidentifier():
                found.add(entry.name)
            elif entry.suffix == ".py" and entry.stem.isidentifier():
                found.add(entry.stem)
    return frozenset(found)


def _names(value: Any) -> frozenset[str]:
    return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()


def style_for(root: Path, path: str, source: str | None = None) -> ImportStyle:
    """The style for a generated file at ``path`` (repo-relative) in the repository at ``root``.

    ``source`` is the text of the module the generated code comes from: where no formatter
    setting fixes the quote style, strings follow that file's own majority.
    """
    return _with_source(*_directory_style(root, path), source)


def _with_source(style: ImportStyle, quote_configured: bool, source: str | None) -> ImportStyle:
    return style if quote_configured or source is None else replace(style, quote=_majority_quote(source))


def _directory_style(root: Path, path: str) -> tuple[ImportStyle, bool]:
    """The style the configuration files above ``path`` set, and whether they set the quote."""
    directory = PurePosixPath(path).parent
    found = _ruff_config(root, directory)
    isort: dict[str, Any] = {}
    line_length = 88
    quote: str | None = None
    indent = "    "
    sources: list[str] = []
    base = root
    if found is not None:
        config_path, table = found
        base = config_path.parent
        lint = table.get("lint", {}) if isinstance(table.get("lint"), dict) else {}
        isort = lint.get("isort") or table.get("isort") or {}
        line_length = int(table.get("line-length", 88))
        width = table.get("indent-width")
        indent = " " * int(width) if isinstance(width, int) else indent
        fmt = table.get("format", {}) if isinstance(table.get("format"), dict) else {}
        quote = {"single": "'", "double": '"'}.get(str(fmt.get("quote-style", "")))
        src = table.get("src")
        src_dirs = [str(s) for s in src] if isinstance(src, list) else [".", "src"]
        sources.append(config_path.relative_to(root).as_posix())
    else:
        src_dirs = [".", "src"]
        isort_found = _isort_config(root)
        if isort_found is not None:
            config_path, isort = isort_found
            line_length = int(isort.get("line-length", 79 if isort.get("profile") != "black" else 88))
            sources.append(config_path.relative_to(root).as_posix())
        quote = _black_quote(root)
    style = ImportStyle(
        line_length=line_length,
        indent=indent,
        quote=quote or '"',
        known_first_party=_names(isort.get("known-first-party")),
        known_third_party=_names(isort.get("known-third-party")),
        known_local_folder=_names(isort.get("known-local-folder")),
        extra_standard_library=_names(isort.get("extra-standard-library")),
        first_party_roots=_roots(base, src_dirs),
        force_sort_within_sections=bool(isort.get("force-sort-within-sections", False)),
        combine_as_imports=bool(isort.get("combine-as-imports", False)),
        force_single_line=bool(isort.get("force-single-line", False)),
        case_sensitive=bool(isort.get("case-sensitive", False)),
        order_by_type=bool(isort.get("order-by-type", True)),
        from_first=bool(isort.get("from-first", False)),
        lines_between_types=int(isort.get("lines-between-types", 0)),
        lines_after_imports=int(isort.get("lines-after-imports", -1)),
        split_on_trailing_comma=bool(isort.get("split-on-trailing-comma", True)),
        sources=tuple(sources),
    )
    return style, quote is not None


def _black_quote(root: Path) -> str | None:
    """Black normalises to double quotes unless ``skip-string-normalization`` is set."""
    pyproject = root / "pyproject.toml"
    black = _load_toml(pyproject).get("tool", {}).get("black") if pyproject.is_file() else None
    if isinstance(black, dict):
        return None if black.get("skip-string-normalization") else '"'
    return None


def _majority_quote(source: str) -> str:
    """The quote character most of the file's one-line string literals use."""
    single = len(re.findall(r"(?<![\w'\"])'[^'\"\n]*'", source))
    double = len(re.findall(r"(?<![\w'\"])\"[^'\"\n]*\"", source))
    return "'" if single > double else '"'


class StyleCache:
    """One :class:`ImportStyle` per directory of a phase: config files are read once."""

    def __init__(self, root: Path, read_source: Callable[[str], str | None] | None = None) -> None:
        self.root = root
        self.read_source = read_source
        self._styles: dict[tuple[str, str | None], ImportStyle] = {}
        self._directories: dict[str, tuple[ImportStyle, bool]] = {}

    def __call__(self, path: str, source_path: str | None = None) -> ImportStyle:
        directory = str(PurePosixPath(path).parent)
        key = (directory, source_path)
        if key not in self._styles:
            if directory not in self._directories:  # the config files: once per directory
                self._directories[directory] = _directory_style(self.root, path)
            source = self.read_source(source_path) if self.read_source and source_path else None
            self._styles[key] = _with_source(*self._directories[directory], source)
        return self._styles[key]
