"""Where each service's code is imported from, inferred from the repository's own evidence.

A service's modules can be imported from the repository root (``services.x_service.app.main``),
from the service directory (``app.main``, with the service folder as the working directory or
the image's ``WORKDIR``), from a directory put on ``sys.path`` (pytest ``pythonpath``, a
``conftest.py`` that edits ``sys.path``, alembic ``prepend_sys_path``), or from several of
these at once. Each root is kept with the references that prove it: an import or a target
string that names a module of the service when read from that root, or a command that
starts it in a Docker image whose files come from that directory.

Two uses: a relative import resolves only in a module that some root makes part of a
package (``main.py`` run as the top-level module ``main`` has no package), and a reference
is rewritten in the terms of the root it is written in.
"""

from __future__ import annotations

import configparser
import functools
import posixpath
import tomllib
from dataclasses import dataclass, field

from restructure import entrypoints, images
from restructure.python.reference_sites import Site, sites
from restructure.resolve import ChangedModules, Space, join, looked_at
from restructure.trees import FileTree

EVIDENCE_SHOWN = 3


@dataclass
class Root:
    """A directory on ``sys.path`` for a service's code, and what says so."""

    directory: str  # "" is the repository root
    evidence: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, where: str) -> None:
        self.count += 1
        if len(self.evidence) < EVIDENCE_SHOWN and where not in self.evidence:
            self.evidence.append(where)


@dataclass
class ImportRoots:
    """The roots of every service, and the extra ``sys.path`` entries that apply below a directory."""

    services: dict[str, dict[str, Root]] = field(default_factory=dict)  # service dir -> root dir -> Root
    extra: dict[str, list[str]] = field(default_factory=dict)  # directory -> roots for files below it
    sites_of: dict[str, list[Site] | None] = field(default_factory=dict)  # text -> sites (shared cache)
    # answers per path: the gate and the rewriters ask about every file many times per phase
    _service: dict[str, str | None] = field(default_factory=dict, repr=False)
    _candidates: dict[str, list[str]] = field(default_factory=dict, repr=False)  # emptied by add_extra
    _order: dict[str, int] = field(default_factory=dict, repr=False)  # extra's directories, as added

    def service_of(self, path: str) -> str | None:
        """The service directory ``path`` lies in (the services are fixed once inferred)."""
        if path not in self._service:
            self._service[path] = next((s for s in self.services if path.startswith(s + "/")), None)
        return self._service[path]

    def add_extra(self, directory: str, root: str) -> None:
        """A ``sys.path`` entry for the files below ``directory``."""
        self.extra.setdefault(directory, []).append(root)
        self._candidates.clear()

    def candidates(self, path: str) -> list[str]:
        """Roots an absolute import in ``path`` may be resolved from: its directory and every
        ancestor (a test run from any of them), and the extra entries of the directories above it."""
        if path not in self._candidates:
            self._candidates[path] = self._candidates_uncached(path)
        return list(self._candidates[path])

    def _candidates_uncached(self, path: str) -> list[str]:
        found: list[str] = []
        directory = posixpath.dirname(path)
        while True:
            found.append(directory)
            if not directory:
                break
            directory = posixpath.dirname(directory)
        # the entries of the directories above the file, in the order they were added (a
        # lookup per ancestor: a generated 5x tree has an entry for each of its 62 services)
        if len(self._order) != len(self.extra):
            self._order = {base: index for index, base in enumerate(self.extra)}
        above = [d for d in found if d in self.extra]
        for base in sorted(above, key=self._order.__getitem__):
            found.extend(r for r in self.extra[base] if r not in found)
        return found

    def packages(self, path: str) -> list[str]:
        """Roots under which the module at ``path`` is imported (for its relative imports):
        the service's evidenced roots, or every candidate when nothing says."""
        service = self.service_of(path)
        if service and self.services.get(service):
            return [r for r in self.services[service] if not r or path.startswith(r + "/")]
        return self.candidates(path)

    def read_sites(self, text: str) -> list[Site] | None:
        if text not in self.sites_of:
            self.sites_of[text] = sites(text)
        return self.sites_of[text]


def service_dirs(tree: FileTree, services_dir: str = "services") -> list[str]:
    """Every directory directly under ``services_dir`` that holds Python code."""
    prefix = services_dir.strip("/") + "/"
    found = set()
    for path in tree.paths:
        if path.startswith(prefix) and path.endswith(".py"):
            parts = path[len(prefix) :].split("/")
            if len(parts) > 1 and not parts[0].startswith((".", "__")):
                found.add(prefix + parts[0])
    return sorted(found)


# The sites of a text depend on the text alone: one memo for the process, so that the phases
# of one ``invoke all`` (and the gate's scans of the trees before and after each) read each
# unchanged file once, not once per phase. Cleared when it grows past the bound.
_SITES: dict[str, list[Site] | None] = {}
_SITES_BOUND = 200_000


def infer(
    tree: FileTree, services_dir: str = "services", cache: dict[str, list[Site] | None] | None = None
) -> ImportRoots:
    """The import roots of every service of ``tree``, each with its evidence."""
    roots = ImportRoots(services={d: {} for d in service_dirs(tree, services_dir)})
    if cache is None:
        if len(_SITES) > _SITES_BOUND:
            _SITES.clear()
        cache = _SITES
    roots.sites_of = cache
    _config_roots(tree, roots)
    space = Space(tree)
    # the same module is named from the same root by many files: resolved once per question,
    # and carried over from the tree inferred before where no lookup of it changed since
    answers, readers = _carried_answers(tree)
    for path in sorted(tree.paths):
        if not path.endswith(".py"):
            continue
        text = tree.read(path)
        found = roots.read_sites(text) if text is not None else None
        candidates = roots.candidates(path) if found else []
        for site in found or []:
            if site.kind == "syspath":
                if site.module != "<file>":
                    roots.add_extra(posixpath.dirname(path), join(posixpath.dirname(path), site.module))
                    candidates = roots.candidates(path)  # the file's later imports see the new entry
                continue
            if site.kind not in {"import", "from", "patch", "asgi"} or site.level:
                continue
            module = site.module.split(":")[0]
            for root in candidates:
                key = (root, site.kind, module, site.names if site.kind == "from" else ())
                if key not in answers:
                    answers[key] = _resolves(space, root, site, module)
                    for base in looked_at(root, module, key[3]):
                        readers.setdefault(base, set()).add(key)
                resolved = answers[key]
                if resolved:
                    _note(roots, root, resolved, f"{path}:{site.line}: {site.text}")
    _image_roots(tree, roots)
    _LAST_ANSWERS[:] = [(tree, answers, readers)]
    return roots


AnswerKey = tuple[str, str, str, tuple[str, ...]]  # (root, kind, module, names)
Answers = dict[AnswerKey, str | None]  # -> the file found
Readers = dict[str, set[AnswerKey]]  # base (``root/a/b``) -> the answers whose lookup reads it

# The answers of the last inference and its tree: the next phase infers on a tree that differs
# by what one phase wrote, and an answer none of whose lookups can have changed still holds.
# With them, which answers read each base (every answer of the lineage, dropped or not).
_LAST_ANSWERS: list[tuple[FileTree, Answers, Readers]] = []


def _carried_answers(tree: FileTree) -> tuple[Answers, Readers]:
    """The last inference's answers that ``tree`` gives too: those whose lookups read no
    module file added, removed or rewritten and no directory that came or went since
    (:class:`~restructure.resolve.ChangedModules`; the bases each answer reads are indexed when
    it is made, so the answers dropped are found from the changed bases, not by testing every
    answer). The earlier tree's texts are the ones it read then (every Python file: the
    inference reads them all)."""
    if not _LAST_ANSWERS:
        return {}, {}
    old, answers, readers = _LAST_ANSWERS[0]
    if old is tree:
        return answers, readers
    known = old.texts_read()
    both = old.paths & tree.paths
    changed = (old.paths ^ tree.paths) | {
        p for p in both if p.endswith(".py") and (p not in known or known[p] != tree.read(p))
    }
    changes = ChangedModules(old, tree, changed)
    carried = dict(answers)
    for base in changes.bases:
        for key in readers.get(base, ()):
            carried.pop(key, None)
    return carried, readers


def _resolves(space: Space, root: str, site: Site, module: str) -> str | None:
    """The file (or package) of the service that ``site`` names when read from ``root``, if the
    whole reference works from there. A directory without ``__init__.py`` proves nothing by its
    name alone: an installed package of the same name wins over it (``from alembic import
    context`` next to a migrations folder called ``alembic``), so the names must be found in it."""
    resolved = space.module(root, module) or (site.kind == "patch" and _longest(space, root, module)) or None
    if resolved is None:
        return None
    is_file = resolved.endswith(".py")
    if site.kind == "from":
        found = any(space.has_name(root, module, n) for n in site.names if n != "*")
        return resolved if found or (is_file and "*" in site.names) else None
    return resolved if is_file else None


def _longest(space: Space, root: str, dotted: str) -> str | None:
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        found = space.module(root, ".".join(parts[:cut]))
        if found:
            return found
    return None


def _note(roots: ImportRoots, root: str, resolved: str, where: str) -> None:
    service = roots.service_of(resolved)
    if service is None or not (not root or service == root or service.startswith(root + "/")):
        return
    roots.services[service].setdefault(root, Root(root)).add(where)


def _image_roots(tree: FileTree, roots: ImportRoots) -> None:
    """A command that starts a service's module in an image roots it where the image's files came from."""
    built: list[tuple[images.Image, str]] = []
    for dockerfile, contexts in images.dockerfile_contexts(tree).items():
        for context in sorted(contexts):
            image = images.build(tree, dockerfile, context)
            if image is not None:
                built.append((image, dockerfile))
    for path in sorted(tree.paths):
        if images.is_compose(path):
            built.extend((s.image, s.compose) for s in images.compose_services(tree, path) if s.image is not None)
    for image, written in built:
        for line, _, words in image.commands:
            for target in entrypoints.targets(words):
                if target.kind == "file":
                    continue
                module = target.value.split(":")[0]
                for root in image.roots(target.cwd, target.app_dir):
                    found = image.space.module(root, module)
                    host = image.space.host(found) if found else None
                    if host is None:
                        continue
                    depth = module.count(".") + (2 if host.endswith("/__init__.py") else 1)
                    host_root = "/".join(host.split("/")[:-depth]) if depth <= host.count("/") + 1 else None
                    if host_root is not None:
                        _note(roots, host_root, host, f"{written}:{line}: {' '.join(words)} (in {image.space.label})")


def _config_roots(tree: FileTree, roots: ImportRoots) -> None:
    """pytest ``pythonpath`` and alembic ``prepend_sys_path``: roots for the files below the config."""
    for path in sorted(tree.paths):
        name = posixpath.basename(path)
        if name not in _CONFIG_NAMES:
            continue
        here = posixpath.dirname(path)
        for entry in _config_entries(name, tree.read(path) or ""):
            roots.add_extra(here, join(here, entry))


_CONFIG_NAMES = frozenset({"pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini", "alembic.ini"})


@functools.lru_cache(maxsize=256)
def _config_entries(name: str, text: str) -> tuple[str, ...]:
    """The path entries a config file of that name adds to ``sys.path``; once per text (every
    phase infers the roots again, and the configs rarely change)."""
    if name == "pyproject.toml":
        try:
            options = tomllib.loads(text).get("tool", {}).get("pytest", {}).get("ini_options", {})
        except tomllib.TOMLDecodeError:
            return ()
        value = options.get("pythonpath", [])
        return tuple(value.split() if isinstance(value, str) else [str(v) for v in value])
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return ()
    entries: list[str] = []
    for section, key in (("pytest", "pythonpath"), ("tool:pytest", "pythonpath"), ("alembic", "prepend_sys_path")):
        if parser.has_option(section, key):
            entries.extend(parser.get(section, key).replace("%(here)s", ".").split())
    return tuple(entries)


def describe(roots: ImportRoots) -> list[str]:
    """Lines for ``invoke status --roots``: each service, its roots and the evidence."""
    lines = []
    for service, found in roots.services.items():
        if not found:
            lines.append(f"{service}: no evidence; every directory above a file counts as a root")
            continue
        lines.append(f"{service}:")
        for root in sorted(found.values(), key=lambda r: -r.count):
            what = {"": "the repository root", service: "the service directory"}.get(root.directory)
            shown = f"{root.directory or '.'} ({what}; " if what else f"{root.directory} ("
            lines.append(f"  root {shown}{root.count} reference(s))")
            lines.extend(f"    {e}" for e in root.evidence)
    for base, extra in sorted(roots.extra.items()):
        lines.append(
            f"extra sys.path for files below {base or '(repository root)'}: {', '.join(r or '.' for r in extra)}"
        )
    return lines
