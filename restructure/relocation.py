"""Old module / old path -> new, for one phase: the single map every rewriter applies.

A phase's moves produce entries for exact files (``services/x/app/main.py`` ->
``services/x/main.py``, module ``services.x.app.main`` -> ``services.x.main``) and for
directories (every module below ``services.x.app.tests`` moves with it). Splits add
symbol entries (``services.x.models.Cohort`` -> ``services.x.models.cohort``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath


def module_of(path: str) -> str | None:
    """Dotted module for a ``.py`` path (``a/b/__init__.py`` -> ``a.b``); None otherwise."""
    pure = PurePosixPath(path)
    if pure.suffix != ".py":
        return None
    parts = list(pure.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def dotted_of_dir(path: str) -> str | None:
    parts = PurePosixPath(path).parts
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


@dataclass(frozen=True)
class RelativeForm:
    """A reference written relative to a service directory (``app.main`` in its README)."""

    service_dir: str  # e.g. services/events_service
    old: str
    new: str
    dotted: bool


@dataclass
class RelocationMap:
    modules: dict[str, str] = field(default_factory=dict)
    packages: dict[str, str] = field(default_factory=dict)  # prefix moves
    symbols: dict[str, str] = field(default_factory=dict)  # old.module.Name -> new module
    paths: dict[str, str] = field(default_factory=dict)
    dir_paths: dict[str, str] = field(default_factory=dict)
    relative: list[RelativeForm] = field(default_factory=list)
    # all-services moves, as the tail after a templated service segment
    # (``services/<svc>/app/main.py``, ``services.${svc}_service.app.main``):
    # "/app/main.py" -> "/main.py", ".app.main" -> ".main"
    placeholders: dict[str, str] = field(default_factory=dict)
    placeholder_root: str = "services"
    # patch("old.module.name") -> the new module whose code looks ``name`` up (splits, merges)
    patch_sites: dict[str, str] = field(default_factory=dict)
    # old.module.name -> several new modules look it up: a human must choose
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    # evidence that settles an ambiguous patch target (restructure.python.patch_targets):
    # old.module.name -> the new module defining it; old.module -> (methods, path, new module)
    # of every route the split placed
    homes: dict[str, str] = field(default_factory=dict)
    route_homes: dict[str, list[tuple[frozenset[str], str, str]]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.modules or self.packages or self.symbols or self.paths or self.dir_paths)

    def add_file_move(self, old: str, new: str, service_dir: str | None) -> None:
        self.paths[old] = new
        old_mod, new_mod = module_of(old), module_of(new)
        if old_mod and new_mod and old_mod != new_mod:
            self.modules[old_mod] = new_mod
        if service_dir:
            self._add_relative(service_dir, old, new)

    def add_dir_move(self, old: str, new: str, service_dir: str | None) -> None:
        self.dir_paths[old.rstrip("/")] = new.rstrip("/")
        old_mod, new_mod = dotted_of_dir(old), dotted_of_dir(new)
        if old_mod and new_mod:
            self.packages[old_mod] = new_mod
        if service_dir:
            self._add_relative(service_dir, old, new)

    def _add_relative(self, service_dir: str, old: str, new: str) -> None:
        prefix = service_dir.rstrip("/") + "/"
        if not (old.startswith(prefix) and new.startswith(prefix)):
            return
        rel_old, rel_new = old[len(prefix) :], new[len(prefix) :]
        forms = [(f"%(here)s/{rel_old}", f"%(here)s/{rel_new}")]  # alembic.ini at the service root
        if "/" in rel_old or "." in rel_old:
            forms.append((rel_old, rel_new))
        else:  # a one-word directory name is a word of prose too: only its path form
            forms.append((rel_old + "/", rel_new + "/"))
        for form_old, form_new in forms:
            form = RelativeForm(service_dir, form_old, form_new, dotted=False)
            if form not in self.relative:
                self.relative.append(form)
        old_mod = module_of(rel_old) or dotted_of_dir(rel_old)
        new_mod = module_of(rel_new) or dotted_of_dir(rel_new)
        if old_mod and new_mod and old_mod != new_mod and "." in old_mod:
            dotted = RelativeForm(service_dir, old_mod, new_mod, dotted=True)
            if dotted not in self.relative:
                self.relative.append(dotted)

    def add_placeholder_move(self, services_dir: str, old_rel: str, new_rel: str) -> None:
        """Generic forms of an all-services move, where a placeholder or a variable names the
        service: ``services/<svc>/app/main.py``, ``services.${svc}_service.app.main``."""
        self.placeholder_root = services_dir.rstrip("/")
        self.placeholders[f"/{old_rel.strip('/')}"] = f"/{new_rel.strip('/')}"
        old_mod = module_of(old_rel) or dotted_of_dir(old_rel)
        new_mod = module_of(new_rel) or dotted_of_dir(new_rel)
        if old_mod and new_mod and old_mod != new_mod:
            self.placeholders[f".{old_mod}"] = f".{new_mod}"

    # Import roots of the file being rewritten (see :meth:`rooted`): dotted names of the
    # directories its imports may be written from, and of those that run its module top-level.
    prefixes: tuple[str, ...] = ()
    top_level_roots: tuple[str, ...] = ()

    def rooted(self, prefixes: tuple[str, ...], top_level_roots: tuple[str, ...] = ()) -> RelocationMap:
        """This map for one file whose imports are written from the roots ``prefixes``
        (``app.main`` from ``services/x_service`` means ``services.x_service.app.main``):
        a name found under a root is mapped and written back in that root's terms."""
        return replace(self, prefixes=prefixes, top_level_roots=top_level_roots)

    def map_module(self, dotted: str) -> str | None:
        """The new name of module ``dotted`` (or of a module below a moved package); a name
        written from one of :attr:`prefixes` stays written from it."""
        found = self._map_full(dotted)
        if found is not None:
            return found
        for prefix in self.prefixes:
            new = self._map_full(f"{prefix}.{dotted}")
            if new is not None and new.startswith(prefix + "."):
                return new[len(prefix) + 1 :]
        return None

    def root_of(self, module: str) -> str | None:
        """The deepest of :attr:`top_level_roots` (dotted) that ``module`` (a full name) lies under."""
        found = [r for r in self.top_level_roots if module.startswith(r + ".")]
        return max(found, key=len) if found else None

    def _map_full(self, dotted: str) -> str | None:
        if dotted in self.modules:
            return self.modules[dotted]
        best = None
        for old, new in self.packages.items():
            if (dotted == old or dotted.startswith(old + ".")) and (best is None or len(old) > len(best[0])):
                best = (old, new)
        if best:
            return best[1] + dotted[len(best[0]) :]
        return None

    def map_dotted_path(self, dotted: str) -> str | None:
        """Map ``module[.attr...]``: the longest leading part that names a moved module."""
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            head = ".".join(parts[:cut])
            if cut < len(parts):
                symbol_target = self.symbols.get(".".join(parts[: cut + 1]))
                if symbol_target is not None:
                    return ".".join([symbol_target, *parts[cut:]])
            new = self.map_module(head)
            if new is not None:
                return ".".join([new, *parts[cut:]])
        return None

    def old_module_names(self) -> set[str]:
        names = set(self.modules) | set(self.packages)
        names |= {s.rsplit(".", 1)[0] for s in self.symbols}
        return names

    def needles(self) -> set[str]:
        """Substrings of which at least one occurs in any file a rewrite could change."""
        return self.shared_needles() | {form.old for form in self.relative if form.old}

    def shared_needles(self) -> set[str]:
        """:meth:`needles` less the service-relative forms (``app.main``, ``app/main.py``):
        those are references only in a file of that service (or after a ``cd`` into it)."""
        found = self.old_dotted_names() | set(self.paths) | set(self.dir_paths) | set(self.placeholders)
        return {n for n in found if n}

    def old_dotted_names(self) -> set[str]:
        """Every dotted name a rewrite can start from: the old modules and packages, and the
        modules of patch targets (``patch("pkg.models.helper")`` must follow ``helper`` even
        when ``pkg.models`` keeps its name: a module split into a package of the same name)."""
        return self.old_module_names() | {key.rsplit(".", 1)[0] for key in (*self.patch_sites, *self.ambiguous)}
