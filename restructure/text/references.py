"""Rewrite module paths and file paths inside plain text, bounded by token edges.

Used for YAML, Dockerfiles, shell scripts, ini/toml files, Markdown and for the prose
inside Python comments and docstrings. A token is replaced only where it is not part
of a longer identifier or path (``app.main`` never matches inside ``webapp.main``).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from restructure.relocation import RelocationMap

_DOTTED_TAIL = r"(?:\.[A-Za-z_]\w*)*"
# A path ends where no word goes on: ``main.py.`` ends a sentence, ``main.pyc`` is another file.
_PATH_END = r"(?!\w|[.-]\w)"
# A service directory named by a placeholder or a shell variable: <svc>, {svc}, ${svc}_service, $1, *.
_TEMPLATE_SEGMENT = r"[\w-]*(?:<\w+>|\$?\{\w+\}|\$\w+|\*)[\w-]*"


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

    def rewrite(self, text: str, path: str, counts: Counter[str], kind: str) -> str:
        """``text`` of the file at ``path`` with every reference rewritten; counts by ``kind``."""
        for pattern in self._placeholder_res:
            text = pattern.sub(
                lambda m: self._count(counts, kind, m.group(1) + self.relocation.placeholders[m.group(2)]), text
            )
        if self._dotted_re is not None:
            text = self._dotted_re.sub(lambda m: self._map_dotted(m.group(0), counts, kind), text)
        if self._path_re is not None:
            text = self._path_re.sub(lambda m: self._map_path(m.group(0), counts, kind), text)
        for service_dir in self._service_dirs_of(path):
            compiled = self._relative_re(service_dir)
            if compiled is not None:
                pattern, forms = compiled
                text = pattern.sub(lambda m, f=forms: self._count(counts, kind, f[m.group(0)]), text)
        return text

    def _service_dirs_of(self, path: str) -> list[str]:
        return [d[:-1] for d in self._service_dirs if path.startswith(d)]

    @staticmethod
    def _count(counts: Counter[str], kind: str, new: str) -> str:
        counts[kind] += 1
        return new

    def _map_dotted(self, token: str, counts: Counter[str], kind: str) -> str:
        new = self.relocation.map_dotted_path(token)
        if new is None or new == token:
            return token
        return self._count(counts, kind, new)

    def _map_path(self, token: str, counts: Counter[str], kind: str) -> str:
        if token in self.relocation.paths:
            return self._count(counts, kind, self.relocation.paths[token])
        for old, new in sorted(self.relocation.dir_paths.items(), key=lambda kv: -len(kv[0])):
            if token == old or token.startswith(old + "/"):
                return self._count(counts, kind, new + token[len(old) :])
        return token
