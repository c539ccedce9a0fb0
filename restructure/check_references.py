"""Resolve every reference to the repository's own code in two trees; list what stopped resolving.

References: imports (absolute from every root, relative in the package a root makes),
``mock.patch``/``monkeypatch.setattr`` strings, ``"pkg.mod:app"`` strings, the commands of
Dockerfiles (``CMD``/``ENTRYPOINT``, resolved in the image their ``COPY`` lines build),
``COPY`` sources, compose ``command``/``entrypoint``/``build``/``build.args``/``volumes``,
shell scripts, Makefiles and Procfiles, pytest and alembic config paths, and the files a
loader imports by a path built in code (``spec_from_file_location(..., ROOT / "app" / "main.py")``).

A reference is *own code* when the first name it uses is a module of the tree (in either
tree: a package that a phase removes still makes ``app.main`` own code); third-party names
are not checked. What the check reports is what resolves in the old tree and does not in
the new one: a reference broken in both is the repository's own state, not the change's.
"""

from __future__ import annotations

import configparser
import functools
import posixpath
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from restructure import entrypoints, images
from restructure import roots as import_roots
from restructure.editset import VirtualTree
from restructure.python import file_paths
from restructure.python.reference_sites import Site
from restructure.resolve import ChangedModules, Space, join, looked_at
from restructure.trees import FileTree

SCRIPT_SUFFIXES = (".sh", ".bash")
SCRIPT_NAMES = {"Makefile", "Procfile", "makefile", "GNUmakefile"}


@dataclass(frozen=True)
class Reference:
    path: str
    line: int
    text: str
    kind: str


@dataclass(frozen=True)
class Finding:
    reference: Reference
    why: str | None  # None: resolves
    site: Site | None = None  # a Python reference: to ask later from which roots it resolves


@dataclass
class Result:
    """The outcome of one comparison: counts, and the references the change broke."""

    checked: int = 0  # own references of the old tree
    broken_before: int = 0  # of those, not resolving already in the old tree
    broken: list[Finding] = field(default_factory=list)  # resolved before, not after
    problems: list[str] = field(default_factory=list)  # upstream problems met on the way (reported)

    def lines(self) -> list[str]:
        return [f"{f.reference.path}:{f.reference.line}: {f.reference.text}: {f.why}" for f in self.broken]


@dataclass
class Scanner:
    """Resolves the references of ``tree``; ``other`` is the tree it is compared with (for own-ness)."""

    tree: FileTree
    roots: import_roots.ImportRoots
    other: FileTree | None = None
    problems: list[str] = field(default_factory=list)
    skip: frozenset[str] = frozenset()  # Python files not scanned (they resolve the same in both trees)

    def __post_init__(self) -> None:
        self.space = Space(self.tree)
        self.other_space = Space(self.other) if self.other is not None else None
        self.contexts = images.dockerfile_contexts(self.tree)
        self._own: dict[tuple[tuple[str, ...], str], bool] = {}

    def own(self, root_list: list[str], dotted: str, image: images.Image | None = None) -> bool:
        """Does ``dotted`` name code of the repository: a module file (not a bare directory,
        which a third-party package of the same name wins over) at one of its leading parts,
        in this tree or the other, or in the image the command runs in?

        Memoised for the tree's own roots: every file of a directory asks it with the same
        roots, and most files import the same few modules."""
        if image is not None:
            return self._own_uncached(root_list, dotted, image)
        key = (tuple(root_list), dotted)
        found = self._own.get(key)
        if found is None:
            found = self._own[key] = self._own_uncached(root_list, dotted, None)
        return found

    def _own_uncached(self, root_list: list[str], dotted: str, image: images.Image | None) -> bool:
        parts = dotted.split(".")
        for cut, part in enumerate(parts):  # a module name is identifiers only
            if not part.isidentifier():
                parts = parts[:cut]
                break
        heads = ["/".join(parts[:cut]) for cut in range(len(parts), 0, -1)]
        if image is not None:
            if _any_module_file([image.space], root_list, heads):
                return True
            root_list = [*self.roots.candidates(image.dockerfile), image.context]
        spaces = [self.space] + ([self.other_space] if self.other_space is not None else [])
        return _any_module_file(spaces, root_list, heads)

    def scan(self) -> list[Finding]:
        found: list[Finding] = []
        for path in sorted(self.tree.paths):
            if path.endswith(".py"):
                if path not in self.skip:
                    found.extend(self._python(path))
                continue
            name = path.rpartition("/")[2]  # a tree's paths are normalised: no trailing slash
            if images.is_dockerfile(path):
                found.extend(self._dockerfile(path))
            elif images.is_compose(path):
                found.extend(self._compose(path))
            elif path.endswith(SCRIPT_SUFFIXES) or name in SCRIPT_NAMES:
                found.extend(self._script(path))
            elif name in {"pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini", "alembic.ini"}:
                found.extend(self._config(path))
        return found

    # -- Python -----------------------------------------------------------------------------

    def _python(self, path: str) -> list[Finding]:
        text = self.tree.read(path)
        out = self._loader_paths(path, text) if text is not None else []
        sites = self.roots.read_sites(text) if text is not None else None
        if not sites:
            return out
        candidates = self.roots.candidates(path)
        for site in sites:
            reference = Reference(path, site.line, site.text, site.kind)
            if site.kind == "syspath":
                continue
            if site.kind == "from" and site.level:
                out.append(Finding(reference, self._relative(path, site), site))
                continue
            module = site.module.split(":")[0]
            named = [f"{module}.{n}" for n in site.names] if site.kind == "from" else []
            if not any(self.own(candidates, m) for m in [module, *named]):
                continue
            if site.kind == "import":
                ok = any(self.space.module(r, module) for r in candidates)
                out.append(Finding(reference, None if ok else f"no module {module} from {_shown(candidates)}", site))
            elif site.kind == "from":
                out.append(Finding(reference, self._from(candidates, site.module, site.names), site))
            elif site.kind == "patch":
                why = _first_why(self.space.dotted_target(r, module) for r in candidates)
                out.append(Finding(reference, why, site))
            elif site.kind == "asgi":
                out.append(Finding(reference, _first_why(self._asgi(self.space, r, site.module) for r in candidates)))
        return out

    def _loader_paths(self, path: str, text: str) -> list[Finding]:
        """Files a loader imports by a path built in code (``spec_from_file_location``)."""
        return [
            Finding(
                Reference(path, found.line, found.text, "file-path"),
                None if self.tree.exists(found.target) else f"no {found.target} in the repository",
            )
            for found in file_paths.find(text, path)
        ]

    def roots_of(self, path: str, site: Site) -> frozenset[str]:
        """Every root from which the Python reference ``site`` of ``path`` resolves (the scan
        stops at the first; a rewritten reference must still work from one the old one did)."""
        if site.kind == "from" and site.level:
            return frozenset(r for r in self.roots.packages(path) if self._relative_at(path, site, r) is None)
        module = site.module.split(":")[0]
        found = set()
        for root in self.roots.candidates(path):
            if site.kind == "import":
                ok = self.space.module(root, module) is not None
            elif site.kind == "from":
                ok = self._from([root], site.module, site.names) is None
            else:
                ok = self.space.dotted_target(root, module) is None
            if ok:
                found.add(root)
        return frozenset(found)

    def _from(self, candidates: list[str], module: str, names: tuple[str, ...]) -> str | None:
        reasons = []
        for root in candidates:
            if not self.space.module(root, module):
                continue
            missing = [n for n in names if not self.space.has_name(root, module, n)]
            if not missing:
                return None
            reasons.append(f"{module} has no name {missing[0]}")
        return reasons[0] if reasons else f"no module {module} from {_shown(candidates)}"

    def _relative(self, path: str, site: Site) -> str | None:
        """``from ..x import y`` in ``path``: resolved in the package each root makes of it."""
        reasons = []
        for root in self.roots.packages(path):
            why = self._relative_at(path, site, root)
            if why is None:
                return None
            reasons.append(why)
        return reasons[0] if reasons else "no root makes it part of a package"

    def _relative_at(self, path: str, site: Site, root: str) -> str | None:
        parts = (path[len(root) + 1 :] if root else path).removesuffix(".py").split("/")
        package = parts[:-1]  # the package of a module, and of an __init__ itself
        if len(package) < site.level:
            where = "the top-level module" if not package else "a module of the package"
            named = ".".join(p for p in parts if p != "__init__")
            return f"{path} is {where} {named} from {root or '.'}: the import goes beyond its package"
        base = package[: len(package) - (site.level - 1)]
        module = ".".join(base + ([site.module] if site.module else []))
        if site.module and not self.space.module(root, module):
            return f"no module {module} from {root or '.'}"
        missing = [n for n in site.names if not self.space.has_name(root, module, n)]
        if missing:
            return f"{module} has no name {missing[0]}"
        return None

    @staticmethod
    def _asgi(space: Space, root: str, target: str) -> str | None:
        module, _, attribute = target.partition(":")
        found = space.module(root, module)
        if found is None:
            return f"no module {module} in {space.label} from {root or '/'}"
        names = space.names(found)
        if names is not None and attribute and attribute not in names:
            return f"{module} has no name {attribute}"
        return None

    # -- commands ---------------------------------------------------------------------------

    def _target(self, space: Space, root_list: list[str], target: entrypoints.Target) -> str | None:
        reasons = []
        for root in root_list:
            if target.kind == "file":
                path = join(root, target.value) if not target.value.startswith("/") else target.value.lstrip("/")
                why = None if space.is_file(path) else f"no file {path or target.value} in {space.label}"
            elif target.kind == "asgi":
                why = self._asgi(space, root, target.value)
            elif target.kind == "module":
                why = None if space.module(root, target.value) else f"no module {target.value} in {space.label}"
            else:
                why = space.dotted_target(root, target.value)
            if why is None:
                return None
            reasons.append(why)
        return reasons[0] if reasons else "nowhere to resolve it"

    def _commands(self, path: str, line: int, words: list[str], space: Space, start: list[str], kind: str,
                  image: images.Image | None = None) -> list[Finding]:  # fmt: skip
        out = []
        for target in entrypoints.targets(words):
            if target.kind == "file":
                roots = [join(s, target.cwd) for s in start]
                if not any(space.is_file(join(r, target.value)) for r in roots) and not self._known_file(target, path):
                    continue
            else:
                roots = (
                    image.roots(target.cwd, target.app_dir)
                    if image
                    else [join(s, target.cwd, target.app_dir) for s in start]
                )
                if not self.own(roots, target.value.split(":")[0], image):
                    continue
            reference = Reference(path, line, " ".join(words), kind)
            out.append(Finding(reference, self._target(space, roots, target)))
        return out

    def _known_file(self, target: entrypoints.Target, path: str) -> bool:
        """A script path counts as own code when a file of that name is anywhere in either tree."""
        name = posixpath.basename(target.value)
        trees = [self.tree] + ([self.other] if self.other is not None else [])
        return any(p == name or p.endswith("/" + name) for t in trees for p in t.paths)

    def _dockerfile(self, path: str) -> list[Finding]:
        out = []
        for context in sorted(self.contexts.get(path, {posixpath.dirname(path)})):
            image = images.build(self.tree, path, context)
            if image is None:
                continue
            self.problems.extend(p for p in image.problems if p not in self.problems)
            for copy in image.copies:
                reference = Reference(path, copy.line, f"COPY {copy.source}", "docker-copy")
                out.append(
                    Finding(
                        reference,
                        None if copy.found else f"{copy.host or '.'} is not in the build context {context or '.'}",
                    )
                )
            for line, keyword, words in image.commands:
                out.extend(self._commands(path, line, words, image.space, [], f"docker-{keyword.lower()}", image))
        return out

    def _compose(self, path: str) -> list[Finding]:
        out = []
        for service in images.compose_services(self.tree, path):
            where = Reference(path, service.line, f"{service.name}: build {service.context or '.'}", "compose-build")
            if service.context:
                why = None if self.tree.is_dir(service.context) else f"no directory {service.context}"
                if why is None and service.dockerfile and service.dockerfile not in self.tree.paths:
                    why = f"no Dockerfile {service.dockerfile}"
                out.append(Finding(where, why))
            for line, written, host in service.volumes:
                reference = Reference(path, line, f"{service.name}: volume {written}", "compose-volume")
                out.append(
                    Finding(reference, None if self.tree.exists(host) else f"no {host or '.'} in the repository")
                )
            image = service.image
            space = image.space if image else self.space
            start = [posixpath.dirname(path)]
            for entry in (service.command, service.entrypoint):
                if entry is not None:
                    out.extend(self._commands(path, entry[0], entry[1], space, start, "compose-command", image))
            for line, name, value in service.args:
                dotted = value.split(":")[0]
                if image is None or not entrypoints.DOTTED.match(dotted):
                    continue
                roots = image.roots()
                if not self.own(roots, dotted, image):
                    continue
                target = entrypoints.Target("asgi" if ":" in value else "module", value)
                reference = Reference(path, line, f"{service.name}: {name}={value}", "compose-build-arg")
                out.append(Finding(reference, self._target(image.space, roots, target)))
        return out

    def _script(self, path: str) -> list[Finding]:
        text = self.tree.read(path)
        if text is None:
            return []
        out = []
        here = posixpath.dirname(path)
        logical, start = "", 0
        for number, raw in enumerate(text.splitlines(), start=1):
            if not logical:
                start = number
            if raw.rstrip().endswith("\\"):
                logical += raw.rstrip()[:-1] + " "
                continue
            logical += raw
            line, logical = logical.strip(), ""
            if not line or line.startswith("#"):
                continue
            words = entrypoints.split(
                line.lstrip("@-").split(":", 1)[1]
                if posixpath.basename(path) == "Procfile" and ":" in line
                else line.lstrip("@-")
            )
            out.extend(self._commands(path, start, words, self.space, [here, ""], "script"))
        return out

    def _config(self, path: str) -> list[Finding]:
        here, name = posixpath.dirname(path), posixpath.basename(path)
        text = self.tree.read(path) or ""
        entries = _config_entries(name, text)
        out = []
        lines = text.splitlines()
        for key, value in entries:
            if ":" in value and key == "script_location" and not value.startswith("%"):
                continue  # a package resource (pkg:dir)
            location = join(here, value.replace("%(here)s", "."))
            line = next((i for i, t in enumerate(lines, start=1) if key in t and value in t), 1)
            reference = Reference(path, line, f"{key} = {value}", "config-path")
            out.append(
                Finding(reference, None if self.tree.exists(location) else f"no {location or '.'} in the repository")
            )
        return out


@functools.lru_cache(maxsize=1024)
def _config_entries(name: str, text: str) -> tuple[tuple[str, str], ...]:
    """(key, value) of every path a config file names (pytest's ``testpaths`` and
    ``pythonpath``, alembic's locations); none when it does not parse. Once per text: every
    phase scans the same config files in its old and its new tree."""
    entries: list[tuple[str, str]] = []
    if name == "pyproject.toml":
        try:
            options = tomllib.loads(text).get("tool", {}).get("pytest", {}).get("ini_options", {})
        except tomllib.TOMLDecodeError:
            return ()
        for key in ("testpaths", "pythonpath"):
            value = options.get(key, [])
            entries.extend((key, str(v)) for v in (value.split() if isinstance(value, str) else value))
        return tuple(entries)
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return ()
    wanted = {
        "pytest": ("testpaths", "pythonpath"), "tool:pytest": ("testpaths", "pythonpath"),
        "alembic": ("script_location", "version_locations", "prepend_sys_path"),
    }  # fmt: skip
    for section, keys in wanted.items():
        for key in keys:
            if parser.has_option(section, key):
                entries.extend((key, v) for v in parser.get(section, key).replace(",", " ").split())
    return tuple(entries)


def _places(findings: list[Finding], origin: dict[str, str]) -> list[tuple[Finding, int]]:
    """Each finding with its index among the findings of its kind in its (original) file."""
    seen: Counter[tuple[str, str]] = Counter()
    out = []
    for finding in findings:
        key = (origin.get(finding.reference.path, finding.reference.path), finding.reference.kind)
        out.append((finding, seen[key]))
        seen[key] += 1
    return out


def _any_module_file(spaces: list[Space], root_list: list[str], heads: list[str]) -> bool:
    """Is any of ``heads`` (module paths, ``a/b``) a module file of a root in a space?
    ``Space.module`` would say the same, one call per root and head."""
    for space in spaces:
        files = space.module_files
        for root in root_list:
            normal = join(root)
            prefix = normal + "/" if normal else ""
            if any(prefix + h in files for h in heads):
                return True
    return False


def _shown(roots: list[str]) -> str:
    return ", ".join(r or "." for r in roots[:3]) + (" ..." if len(roots) > 3 else "")


def _first_why(reasons: Iterable[str | None]) -> str | None:
    """None if any root resolves it, else the most telling reason (one past "no module")."""
    collected = []
    for why in reasons:
        if why is None:
            return None
        collected.append(why)
    telling = [w for w in collected if not w.startswith("no module")]
    return (telling or collected or ["nowhere to resolve it"])[0]


def compare(
    old: FileTree,
    new: FileTree,
    services_dir: str = "services",
    roots: import_roots.ImportRoots | None = None,
    unchanged: frozenset[str] | None = None,
) -> Result:
    """References of ``old`` that resolve there and not in ``new`` (``new.origin`` maps moved files).

    ``unchanged``: paths the caller knows hold the same bytes in both trees. A Python file among
    them whose references can only resolve through unchanged files is not scanned in either tree
    (:func:`unaffected`), and ``checked`` counts the references of the files scanned."""
    roots = roots or import_roots.infer(old, services_dir)
    skip = unaffected(old, new, roots, unchanged) if unchanged is not None else frozenset()
    before = Scanner(old, roots, new, skip=skip)
    old_findings = before.scan()
    after = Scanner(new, roots, old, skip=skip)
    new_findings = after.scan()
    result = Result(checked=len(old_findings))
    # A reference broken in the old tree stays the repository's own state when the change
    # rewrote its text: it is matched by its text, or else by its place among the file's
    # references of its kind (the n-th Dockerfile CMD is still the n-th).
    by_text: Counter[tuple[str, str, str]] = Counter()
    by_place: set[tuple[str, str, int]] = set()
    for finding, place in _places(old_findings, {}):
        if finding.why is not None:
            result.broken_before += 1
            by_text[(finding.reference.path, finding.reference.kind, finding.reference.text)] += 1
            by_place.add((finding.reference.path, finding.reference.kind, place))
    resolved_before = {
        (finding.reference.path, finding.reference.kind, place): finding
        for finding, place in _places(old_findings, {})
        if finding.why is None and finding.site is not None
    }
    kinds_before = Counter((f.reference.path, f.reference.kind) for f in old_findings)
    kinds_after = Counter((new.origin.get(f.reference.path, f.reference.path), f.reference.kind) for f in new_findings)
    for finding, place in _places(new_findings, new.origin):
        if finding.why is None:
            elsewhere = _root_changed(
                finding, place, resolved_before, (kinds_before, kinds_after), (before, after), new
            )
            if elsewhere is not None:
                result.broken.append(elsewhere)
            continue
        ref = finding.reference
        origin = new.origin.get(ref.path, ref.path)
        key = (origin, ref.kind, ref.text)
        if by_text[key]:
            by_text[key] -= 1
            continue
        if (origin, ref.kind, place) in by_place:
            continue
        result.broken.append(finding)
    result.problems = sorted(set(before.problems) | set(after.problems))
    return result


def unaffected(
    old: FileTree, new: FileTree, roots: import_roots.ImportRoots, unchanged: frozenset[str]
) -> frozenset[str]:
    """The Python files of ``unchanged`` whose every reference resolves the same in both trees
    (:class:`~restructure.resolve.ChangedModules`; a relative import is looked up from its
    package): such a file cannot break. Files that load a module by a path built in code are
    always scanned."""
    changes = ChangedModules.between(old, new, unchanged)
    found = set()
    for path in unchanged:
        if not path.endswith(".py") or path not in old.paths or path not in new.paths:
            continue
        text = old.read(path)
        if text is not None and file_paths.mentions_loader(text):
            continue
        sites = roots.read_sites(text) if text is not None and changes.bases else None
        if not sites or not changes.reads_changed(_file_reads(roots, path, text or "", sites)):
            found.add(path)
    return frozenset(found)


# What each file's lookups read, by file, text and the roots it is read from: the gate of every
# phase asks it again for every unchanged file, and few of them changed. Bounded like the sites.
_READS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], frozenset[str]] = {}
_READS_BOUND = 200_000


def _file_reads(roots: import_roots.ImportRoots, path: str, text: str, sites: list[Site]) -> frozenset[str]:
    """Every base (:func:`~restructure.resolve.looked_at`) the scan of ``path`` reads for ``sites``."""
    key = (path, text, tuple(roots.candidates(path)), tuple(roots.packages(path)))
    found = _READS.get(key)
    if found is None:
        if len(_READS) > _READS_BOUND:
            _READS.clear()
        found = _READS[key] = frozenset(
            base
            for lookup_roots, dotted, names in _lookups(roots, path, sites)
            for root in lookup_roots
            for base in looked_at(root, dotted, names)
        )
    return found


def _lookups(
    roots: import_roots.ImportRoots, path: str, sites: list[Site]
) -> Iterable[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    """(roots, dotted module, names) of the lookups the scan of ``path`` makes for ``sites``."""
    candidates: tuple[str, ...] | None = None
    for site in sites:
        if site.kind == "syspath":
            continue
        if site.kind == "from" and site.level:
            for root in roots.packages(path):
                parts = (path[len(root) + 1 :] if root else path).removesuffix(".py").split("/")
                package = parts[:-1]
                if len(package) < site.level:
                    continue  # refused from the path alone
                base = package[: len(package) - (site.level - 1)]
                yield (root,), ".".join(base + ([site.module] if site.module else [])), site.names
            continue
        if candidates is None:
            candidates = tuple(roots.candidates(path))
        yield candidates, site.module.split(":")[0], site.names


def _root_changed(
    finding: Finding,
    place: int,
    resolved_before: dict[tuple[str, str, int], Finding],
    kinds: tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]],
    scanners: tuple[Scanner, Scanner],
    new: FileTree,
) -> Finding | None:
    """A rewritten Python reference that resolves, but only from roots its original did not:
    ``from .scoring import f`` (which worked from the repository root) rewritten to
    ``from services.scoring import f`` resolves from the service folder only, where the code
    never ran. Compared where the file keeps the number of references of that kind, so the
    n-th one after is the rewrite of the n-th one before."""
    ref = finding.reference
    origin = new.origin.get(ref.path, ref.path)
    old = resolved_before.get((origin, ref.kind, place))
    if old is None or old.reference.text == ref.text or finding.site is None or old.site is None:
        return None
    if kinds[0][(origin, ref.kind)] != kinds[1][(origin, ref.kind)]:
        return None
    was = scanners[0].roots_of(origin, old.site)
    now = scanners[1].roots_of(ref.path, finding.site)
    if not was or was & now:
        return None
    shown = ", ".join(sorted(r or "." for r in now))
    return Finding(ref, f"resolves only from {shown}; its original {old.reference.text!r} from {_shown(sorted(was))}")


def check_repository(repo: Path, against: str = "HEAD", services_dir: str = "services") -> Result:
    """The work tree of ``repo`` (tracked and untracked, not ignored) against the revision ``against``."""
    import subprocess

    from restructure import trees

    listed = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-z", "-c", "-o", "--exclude-standard"],
        capture_output=True, check=True,
    )  # fmt: skip
    paths = sorted(
        {p for p in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if p and (repo / p).is_file()}
    )
    new = trees.from_disk(repo, paths)
    new.origin = trees.renames_since(repo, against)
    return compare(trees.from_revision(repo, against), new, services_dir)


def gate(
    root: Path, original: list[str], tree: VirtualTree, roots: import_roots.ImportRoots, old: FileTree | None = None
) -> Result:
    """A phase's pre-flight: the tree as it is on disk (``old``: the phase's view of it, if it
    has one) against the tree the phase would write."""
    from restructure import trees

    unchanged = frozenset(p for p, origin in tree.files.items() if origin == p and p not in tree.texts)
    return compare(old or trees.from_disk(root, original), trees.from_virtual(tree), roots=roots, unchanged=unchanged)
