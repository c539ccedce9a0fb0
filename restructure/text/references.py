"""Rewrite module paths and file paths inside plain text, bounded by token edges.

Used for YAML, Dockerfiles, shell scripts, ini/toml files, Markdown and for the prose
inside Python comments and docstrings. A token is replaced only where it is not part
of a longer identifier or path (``app.main`` never matches inside ``webapp.main``).

A prose line that already names both ends of a relocation ("move ``app/main.py`` ->
``main.py``") is a note about the move, not a reference: rewriting its old end would turn
it into nonsense ("``main.py`` -> ``main.py``"), so such a line is left as it is. Prose is
every line of Markdown and other documents, of a Python comment or docstring, and
the ``#`` comment lines of YAML, Dockerfiles, shell scripts, ini and toml files; a code line
(a compose ``command:``, a Dockerfile ``CMD``) is always rewritten.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import yaml

from restructure.relocation import RelocationMap, dotted_of_dir, module_of
from restructure.text.yaml_load import SAFE

_DOTTED_TAIL = r"(?:\.[A-Za-z_]\w*)*"
# A path ends where no word goes on: ``main.py.`` ends a sentence, ``main.pyc`` is another file.
_PATH_END = r"(?!\w|[.-]\w)"
# A service directory named by a placeholder or a shell variable: <svc>, {svc}, ${svc}_service, $1, *.
_TEMPLATE_SEGMENT = r"[\w-]*(?:<\w+>|\$?\{\w+\}|\$\w+|\*)[\w-]*"
# One form of reference: its pattern, and the new text of a match (None: not a moved name).
Pass = tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]


@dataclass(eq=False)
class TextRewriter:
    relocation: RelocationMap

    @cached_property
    def _dotted_re(self) -> re.Pattern[str] | None:
        names = sorted(self.relocation.old_module_names(), key=len, reverse=True)
        if not names:
            return None
        alternatives = "|".join(re.escape(n) for n in names)
        return re.compile(rf"(?<![\w.])(?:{alternatives}){_DOTTED_TAIL}(?![\w])")

    @cached_property
    def _path_re(self) -> re.Pattern[str] | None:
        paths = sorted({*self.relocation.paths, *self.relocation.dir_paths}, key=len, reverse=True)
        if not paths:
            return None
        alternatives = "|".join(re.escape(p) for p in paths)
        # a repository path may sit below a prefix: ``./services/...``, ``/app/services/...``
        return re.compile(rf"(?<![\w.-])(?:{alternatives}){_PATH_END}")

    @cached_property
    def _placeholder_res(self) -> list[re.Pattern[str]]:
        """``services/<svc>`` + a moved path tail, and ``services.<svc>`` + a moved module tail."""
        root = self.relocation.placeholder_root
        out = []
        for sep, dotted_root, end in (("/", root, _PATH_END), (".", root.replace("/", "."), r"(?!\w)")):
            tails = sorted((t for t in self.relocation.placeholders if t.startswith(sep)), key=len, reverse=True)
            if tails:
                alternatives = "|".join(re.escape(t) for t in tails)
                out.append(
                    re.compile(
                        rf"(?<![\w.-])({re.escape(dotted_root)}{re.escape(sep)}{_TEMPLATE_SEGMENT})({alternatives}){end}"
                    )
                )
        return out

    @cached_property
    def _service_dirs(self) -> tuple[str, ...]:
        return tuple(sorted({f.service_dir + "/" for f in self.relocation.relative}))

    @functools.cache  # noqa: B019 - one rewriter per phase, few service directories
    def _relative_re(self, service_dir: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
        forms = {f.old: f.new for f in self.relocation.relative if f.service_dir == service_dir}
        if not forms:
            return None
        alternatives = "|".join(re.escape(o) for o in sorted(forms, key=len, reverse=True))
        return re.compile(rf"(?<![\w./-])(?:{alternatives})(?![\w-]|\.[A-Za-z_])"), forms

    def rewrite(self, text: str, path: str, counts: Counter[str], kind: str, prose: bool | None = None) -> str:
        """``text`` of the file at ``path`` with every reference rewritten; counts by ``kind``.

        Prose lines that name both ends of a relocation are kept (see the module docstring);
        ``prose`` says whether ``text`` is prose when its kind does not (a Python string is
        prose as a docstring, data elsewhere)."""
        if kind not in PROSE_KINDS and prose is not True and self._service_dirs and "cd " in text:
            text = self._after_cd(text, path, counts, kind)
        if kind == "compose" and self._service_dirs:
            text = self._in_service_entries(text, path, counts, kind)
        passes = self._passes(path)
        protected = self.protected_lines(text, path, kind, passes, prose)
        if not protected:
            return self._apply(text, passes, counts, kind)
        out: list[str] = []
        run: list[str] = []
        for number, line in enumerate(text.splitlines(keepends=True)):
            if number in protected:
                out.append(self._apply("".join(run), passes, counts, kind))
                out.append(line)
                run = []
            else:
                run.append(line)
        out.append(self._apply("".join(run), passes, counts, kind))
        return "".join(out)

    def _after_cd(self, text: str, path: str, counts: Counter[str], kind: str) -> str:
        """A command after ``cd services/x_service`` (a Makefile recipe, a script, a compose
        ``command:``) names that service's modules from its directory: ``uvicorn app.main:app``
        there is rewritten with the service's relative forms, up to the next ``cd``."""
        here = path.rsplit("/", 1)[0] if "/" in path else ""
        known = {d[:-1] for d in self._service_dirs}
        out = []
        logical: list[str] = []  # a command continued with a trailing backslash is one line
        for physical in text.splitlines(keepends=True):
            logical.append(physical)
            if physical.rstrip("\r\n").endswith("\\"):
                continue
            line, logical = "".join(logical), []
            matches = list(_CD.finditer(line)) if not is_prose_line(line, kind) else []
            if not matches:
                out.append(line)
                continue
            pieces, position = [line[: matches[0].end()]], matches[0].end()
            for index, match in enumerate(matches):
                end = matches[index + 1].end() if index + 1 < len(matches) else len(line)
                segment = line[position:end] if index + 1 < len(matches) else line[position:]
                directory = next(
                    (d for d in (_normal(f"{here}/{match.group(1)}"), _normal(match.group(1))) if d in known), None
                )
                compiled = self._relative_re(directory) if directory else None
                if compiled is not None:
                    pattern, forms = compiled
                    segment = self._apply(segment, [(pattern, lambda m, f=forms: f[m.group(0)])], counts, kind)
                pieces.append(segment)
                position = end
            out.append("".join(pieces))
        return "".join(out) + "".join(logical)

    def _in_service_entries(self, text: str, path: str, counts: Counter[str], kind: str) -> str:
        """A compose entry built from a service folder (``build.context``), or run in one mounted
        at its ``working_dir``, names that service's modules from the folder: ``command: uvicorn
        app.main:app`` and ``args: {SERVICE_MODULE: app.main}`` there take the service's
        relative forms, on the entry's own lines (comment lines are prose, left to the notes)."""
        here = path.rsplit("/", 1)[0] if "/" in path else ""
        spans = [
            (first, last, directory)
            for first, last, folder in compose_entry_folders(text)
            if (directory := _normal(f"{here}/{folder}")) + "/" in self._service_dirs
        ]
        if not spans:
            return text
        lines = text.splitlines(keepends=True)
        for first, last, directory in spans:
            compiled = self._relative_re(directory)
            if compiled is None:
                continue
            pattern, forms = compiled
            for number in range(first, min(last + 1, len(lines))):
                if not is_prose_line(lines[number], kind):
                    lines[number] = self._apply(
                        lines[number], [(pattern, lambda m, f=forms: f[m.group(0)])], counts, kind
                    )
        return "".join(lines)

    def _passes(self, path: str) -> list[Pass]:
        """(pattern, new text of a match or None) for every form a reference can take in ``path``."""
        out: list[Pass] = []
        placeholders = self.relocation.placeholders
        out.extend((p, lambda m: m.group(1) + placeholders[m.group(2)]) for p in self._placeholder_res)
        if self._dotted_re is not None:
            out.append((self._dotted_re, lambda m: self.relocation.map_dotted_path(m.group(0))))
        if self._path_re is not None:
            out.append((self._path_re, lambda m: self.new_path(m.group(0))))
        for service_dir in self._service_dirs_of(path):
            compiled = self._relative_re(service_dir)
            if compiled is not None:
                pattern, forms = compiled
                out.append((pattern, lambda m, f=forms: f[m.group(0)]))
        return out

    @staticmethod
    def _apply(
        text: str,
        passes: list[Pass],
        counts: Counter[str],
        kind: str,
    ) -> str:
        def replace(match: re.Match[str], new_of: Callable[[re.Match[str]], str | None]) -> str:
            new = new_of(match)
            if new is None or new == match.group(0):
                return match.group(0)
            counts[kind] += 1
            return new

        for pattern, new_of in passes:
            if text:
                text = pattern.sub(lambda m, f=new_of: replace(m, f), text)
        return text

    def protected_lines(
        self,
        text: str,
        path: str,
        kind: str,
        passes: list[Pass] | None = None,
        prose: bool | None = None,
    ) -> set[int]:
        """0-based numbers of the prose lines of ``text`` that name an old path or module and,
        elsewhere on the same line, what it becomes: notes about a move, to be left alone.
        ``prose`` True or False: every line of ``text`` is prose, or none is; None: by ``kind``."""
        if prose is False:
            return set()
        protected: set[int] = set()
        starts: list[int] | None = None
        for pattern, new_of in passes if passes is not None else self._passes(path):
            for match in pattern.finditer(text):
                new = new_of(match)
                if new is None or new == match.group(0):
                    continue
                first = text.rfind("\n", 0, match.start()) + 1
                end = text.find("\n", match.end())
                line = text[first : len(text) if end == -1 else end]
                if not prose and not is_prose_line(line, kind):
                    continue
                if starts is None:
                    starts = line_starts(text)
                number = bisect.bisect_right(starts, match.start()) - 1
                if number in protected:
                    continue
                span = (match.start() - first, match.end() - first)
                if names_elsewhere(line, new, span):
                    protected.add(number)
        return protected

    def _service_dirs_of(self, path: str) -> list[str]:
        return [d[:-1] for d in self._service_dirs if path.startswith(d)]

    def new_path(self, token: str) -> str | None:
        """Where the repository path ``token`` (a file, or one under a moved directory) went."""
        if token in self.relocation.paths:
            return self.relocation.paths[token]
        for old, new in sorted(self.relocation.dir_paths.items(), key=lambda kv: -len(kv[0])):
            if token == old or token.startswith(old + "/"):
                return new + token[len(old) :]
        return None


_CD = re.compile(r"(?<![\w-])cd\s+([\w./-]+)")


def compose_entry_folders(text: str) -> list[tuple[int, int, str]]:
    """(first line, last line, folder) of each compose service entry that runs from a folder
    of the repository: its build context, or a volume's host folder mounted at its
    ``working_dir``. Lines are 0-based; folders as written, relative to the compose file."""
    try:
        root = SAFE.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    services = next((v for k, v in root.value if getattr(k, "value", None) == "services"), None)
    if not isinstance(services, yaml.MappingNode):
        return []
    out = []
    for key, entry in services.value:
        if not isinstance(entry, yaml.MappingNode):
            continue
        fields = {getattr(k, "value", None): v for k, v in entry.value}
        folder = None
        build = fields.get("build")
        if isinstance(build, yaml.ScalarNode):
            folder = build.value
        elif isinstance(build, yaml.MappingNode):
            folder = next(
                (v.value for k, v in build.value if k.value == "context" and isinstance(v, yaml.ScalarNode)), None
            )
        workdir = fields.get("working_dir")
        volumes = fields.get("volumes")
        if folder is None and isinstance(workdir, yaml.ScalarNode) and isinstance(volumes, yaml.SequenceNode):
            for volume in volumes.value:
                host, _, rest = str(getattr(volume, "value", "")).partition(":")
                if rest.split(":")[0].rstrip("/") == workdir.value.rstrip("/") and host.startswith("."):
                    folder = host
        if folder and not folder.startswith(("/", "http", "git@")) and "$" not in folder:
            out.append((key.start_mark.line, entry.end_mark.line - (1 if entry.end_mark.column == 0 else 0), folder))
    return out


def _normal(path: str) -> str:
    """``a/./b/../c`` -> ``a/c``; a leading ``./`` and trailing ``/`` dropped."""
    out: list[str] = []
    for part in path.split("/"):
        if part in {"", "."}:
            continue
        if part == ".." and out:
            out.pop()
        else:
            out.append(part)
    return "/".join(out)


# Kinds whose every line is prose, and kinds whose ``#`` comment lines are (``;`` in ini files).
PROSE_KINDS = frozenset({"markdown", "docs", "python-comment"})
COMMENT_MARKS = {"compose": "#", "yaml": "#", "dockerfile": "#", "shell": "#", "toml": "#", "text": "#", "ini": "#;"}


def is_prose_line(line: str, kind: str) -> bool:
    if kind in PROSE_KINDS:
        return True
    marks = COMMENT_MARKS.get(kind)
    stripped = line.lstrip()
    return bool(marks and stripped and stripped[0] in marks)


def line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def _other_forms(new: str) -> set[str]:
    """``new`` and its other spelling: the dotted module of a path, the path of a module."""
    forms = {new}
    if "/" in new:
        dotted = module_of(new) or dotted_of_dir(new.rstrip("/"))
        if dotted and "." in dotted:
            forms.add(dotted)
    elif "." in new and not new.endswith(".py"):
        module, _, _ = new.partition(":")
        forms |= {module.replace(".", "/") + ".py", module.replace(".", "/")}
    return forms


def names_elsewhere(line: str, new: str, span: tuple[int, int]) -> bool:
    """Does ``line`` name ``new`` (or its other spelling) outside ``span``, as a whole token?

    A bare word (``main``, ``tests``) counts only as a quoted token (`` `main` ``, `` `tests/` ``): as a word of
    prose it is not a path. ``tests/conftest.py`` inside ``app/tests/conftest.py`` is not the
    new path, ``./services/x/main.py`` is."""
    for form in _other_forms(new):
        if "/" in form or "." in form:
            pattern = rf"(?<![\w.-])(?<!\w/){re.escape(form)}(?!\w|[.-]\w)"
        else:
            pattern = rf"(?<=[`'\"]){re.escape(form)}(?=/?[`'\":])"
        for match in re.finditer(pattern, line):
            if match.end() <= span[0] or match.start() >= span[1]:
                return True
    return False
