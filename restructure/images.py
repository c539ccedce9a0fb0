"""What a Docker image built from the repository holds, read from its Dockerfile and compose files.

``docker build`` copies files of the build context into the image (``COPY``/``ADD``, each
stage its own file system, ``COPY --from`` between stages); the container starts in the last
``WORKDIR`` with the last ``CMD``/``ENTRYPOINT``; compose adds the build context, build args,
a ``working_dir``, a ``command`` and bind-mounted ``volumes``. Reading all of that as data
gives the image's file system as a :class:`~restructure.resolve.Space` backed by files of
the tree, so "does the image hold ``main.py``" and "does ``uvicorn main:app`` resolve in it"
are questions about the tree alone: nothing is built or run.
"""

from __future__ import annotations

import fnmatch
import functools
import posixpath
import re
from dataclasses import dataclass, field, replace

import yaml

from restructure import entrypoints
from restructure.resolve import Space, join
from restructure.text import dockerfile
from restructure.text.yaml_load import Loaders
from restructure.trees import FileTree

_VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)")


def is_dockerfile(path: str) -> bool:
    name = posixpath.basename(path.rstrip("/"))  # asked of every path in every scan: no Path object
    return name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".dockerfile")


def is_compose(path: str) -> bool:
    name = posixpath.basename(path.rstrip("/"))
    return (name.startswith("docker-compose") or name.startswith("compose")) and name.endswith((".yml", ".yaml"))


def substitute(text: str, values: dict[str, str]) -> str | None:
    """``text`` with ``$X``/``${X}``/``${X:-default}`` replaced; None when a variable has no value."""
    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1) or match.group(3)
        if name in values:
            return values[name]
        if match.group(2) is not None:
            return match.group(2)
        missing = True
        return match.group(0)

    out = _VARIABLE.sub(one, text)
    return None if missing else out


@dataclass
class CopyLine:
    """One ``COPY``/``ADD`` source of the build context: where it is written and what it names."""

    line: int
    source: str  # as written
    host: str  # the tree path it names ("" for the context itself)
    found: bool


@dataclass
class Image:
    """The file system of the final stage, and what starts in it."""

    dockerfile: str
    context: str
    space: Space
    workdir: str = "/"
    pythonpath: list[str] = field(default_factory=list)
    commands: list[tuple[int, str, list[str]]] = field(default_factory=list)  # (line, keyword, words)
    copies: list[CopyLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    args: dict[str, str] = field(default_factory=dict)

    def roots(self, cwd: str = "", app_dir: str = "") -> list[str]:
        """Directories on ``sys.path`` for a command run in ``cwd`` (relative to the workdir)."""
        start = join(self.workdir, cwd) if not cwd.startswith("/") else cwd
        found = [join(start, app_dir) if app_dir else start, *self.pythonpath]
        return [r.lstrip("/") for r in found]


def _words(value: str) -> list[str]:
    text = value.strip()
    if text.startswith("["):
        try:
            parsed = dockerfile.json.loads(text)
            return [str(p) for p in parsed] if isinstance(parsed, list) else []
        except ValueError:
            return []
    return entrypoints.split(text)


def _copy_args(value: str) -> tuple[dict[str, str], list[str]]:
    words = _words(value)
    flags = {}
    while words and words[0].startswith("--"):
        name, _, flag_value = words.pop(0)[2:].partition("=")
        flags[name] = flag_value
    return flags, words


def build(tree: FileTree, path: str, context: str) -> Image | None:
    """The image ``path`` builds with ``context``; None when the Dockerfile cannot be read.

    Once per tree: the import roots, the build contexts and the reference gate all ask for
    the images of the same trees. The image is shared: callers only read it."""
    return tree.derive(("image", path, context), lambda: _build(tree, path, context))  # type: ignore[no-any-return]


def _build(
    tree: FileTree,
    path: str,
    context: str,
    build_args: dict[str, str] | None = None,
    label: str = "",
) -> Image | None:
    """The image ``path`` builds with ``context`` and ``build_args``, a new one each call."""
    text = tree.read(path)
    if text is None:
        return None
    instructions, noted = dockerfile.parsed(text, path)
    problems = list(noted)
    values: dict[str, str] = {}
    for instruction in instructions:  # ARG defaults, then the build's own values
        if instruction.keyword == "ARG":
            name, _, default = instruction.value.strip().partition("=")
            values.setdefault(name.strip(), default.strip().strip("\"'"))
    values.update(build_args or {})
    stages: dict[str, dict[str, str]] = {}
    files: dict[str, str] = {}
    workdir, pythonpath = "/", []
    commands: list[tuple[int, str, list[str]]] = []
    copies: list[CopyLine] = []
    index = 0
    for instruction in instructions:
        keyword, value = instruction.keyword, instruction.value
        if keyword == "FROM":
            words = value.split()
            base = words[0] if words else ""
            files = dict(stages.get(base, {}))
            workdir, commands = "/", []
            stage = words[2] if len(words) >= 3 and words[1].upper() == "AS" else str(index)
            stages[stage] = files
            stages[str(index)] = files
            index += 1
        elif keyword == "WORKDIR":
            directory = substitute(value.strip(), values) or value.strip()
            workdir = directory if directory.startswith("/") else join("/", workdir, directory)
        elif keyword == "ENV":
            for name, env_value in _env_pairs(value):
                values[name] = env_value
                if name == "PYTHONPATH":
                    pythonpath = [p for p in env_value.split(":") if p and not p.startswith("$")]
        elif keyword in {"COPY", "ADD"}:
            _copy(tree, instruction.line, value, context, workdir, files, stages, copies, values)
        elif keyword in {"CMD", "ENTRYPOINT"}:
            words = [substitute(w, values) or w for w in _words(value)]
            commands.append((instruction.line, keyword, words))
    space = Space(tree, {p.lstrip("/"): host for p, host in files.items()}, label or f"the image of {path}")
    return Image(path, context, space, workdir, pythonpath, commands, copies, problems, values)


def _env_pairs(value: str) -> list[tuple[str, str]]:
    words = entrypoints.split(value)
    if len(words) >= 2 and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]
    return [tuple(w.split("=", 1)) for w in words if "=" in w]  # type: ignore[misc]


def _copy(
    tree: FileTree,
    line: int,
    value: str,
    context: str,
    workdir: str,
    files: dict[str, str],
    stages: dict[str, dict[str, str]],
    copies: list[CopyLine],
    values: dict[str, str],
) -> None:
    flags, words = _copy_args(value)
    if len(words) < 2:
        return
    *sources, dest = [substitute(w, values) or w for w in words]
    dest = dest if dest.startswith("/") else join("/", workdir, dest) + ("/" if dest.endswith("/") else "")
    into_dir = dest.endswith("/") or len(sources) > 1
    origin = stages.get(flags["from"]) if "from" in flags else None
    if "from" in flags and origin is None:
        return  # an external image: nothing of the tree
    for source in sources:
        if "://" in source:
            continue
        if origin is not None:
            _copy_within(origin, source, dest, into_dir, files)
            continue
        host = join(context, source.lstrip("/"))
        if host.startswith(".."):
            continue
        if any(c in source for c in "*?["):
            matched = [p for p in tree.paths if fnmatch.fnmatch(p, host)]
            found = bool(matched) or any(fnmatch.fnmatch(d, host) for d in tree.dirs)
            for match in matched:
                files[join(dest, posixpath.basename(match))] = match
            copies.append(CopyLine(line, source, host, found))
            continue
        if host in tree.paths:
            target = join(dest, posixpath.basename(host)) if into_dir or _is_image_dir(files, dest) else dest
            files[target] = host
            copies.append(CopyLine(line, source, host, True))
        elif tree.is_dir(host):
            for path in tree.under(host):
                files[join(dest, path[len(host) :].lstrip("/"))] = path
            copies.append(CopyLine(line, source, host, True))
        else:
            copies.append(CopyLine(line, source, host, False))


def _is_image_dir(files: dict[str, str], path: str) -> bool:
    prefix = path.rstrip("/") + "/"
    return any(p.startswith(prefix) for p in files)


def _copy_within(origin: dict[str, str], source: str, dest: str, into_dir: bool, files: dict[str, str]) -> None:
    source = join("/", source)
    if source in origin:
        files[join(dest, posixpath.basename(source)) if into_dir else dest] = origin[source]
        return
    prefix = source.rstrip("/") + "/"
    for path, host in origin.items():
        if path.startswith(prefix):
            files[join(dest, path[len(prefix) :])] = host


@dataclass
class ComposeService:
    """One compose service that builds from the tree: where it is written and what it runs."""

    compose: str
    name: str
    line: int
    image: Image | None
    context: str
    dockerfile: str
    workdir: str | None
    command: tuple[int, list[str]] | None
    entrypoint: tuple[int, list[str]] | None
    volumes: list[tuple[int, str, str]]  # (line, host path as written, tree path)
    args: list[tuple[int, str, str]]  # (line, name, value)


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    """Records the line of every mapping key, so a reference is reported where it is written."""
    mapping = _Lines(loader.construct_mapping(node, deep=True))
    mapping.lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    return mapping


class _Lines(dict):
    lines: dict[str, int]


_LOADERS = Loaders("ComposeLoader", {yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG: _mapping})


def _line(mapping: object, key: str, default: int = 1) -> int:
    return getattr(mapping, "lines", {}).get(key, default)


@functools.lru_cache(maxsize=64)
def _load_compose(text: str) -> object:
    """A compose file's data, parsed once per text: a phase asks for the same files many times
    (the import roots, the build contexts, the gate's old and new trees). Callers only read it."""
    try:
        return _LOADERS.load(text)
    except yaml.YAMLError:
        return None


def compose_services(tree: FileTree, path: str) -> list[ComposeService]:
    """Every service of the compose file ``path`` (its build, command, working dir and mounts).

    Once per tree (see :func:`build`); callers only read the services and their images."""
    return tree.derive(("compose", path), lambda: _compose_services(tree, path))  # type: ignore[no-any-return]


def _compose_services(tree: FileTree, path: str) -> list[ComposeService]:
    text = tree.read(path)
    if text is None:
        return []
    data = _load_compose(text)
    if not isinstance(data, dict) or not isinstance(data.get("services"), dict):
        return []
    here = posixpath.dirname(path)
    out = []
    for name, spec in data["services"].items():
        if not isinstance(spec, dict):
            continue
        spec_build = spec.get("build")
        target = _build_target(spec_build, here)
        context, dockerfile_path = target if target else (None, "")
        args: list[tuple[int, str, str]] = []
        if isinstance(spec_build, dict):
            raw_args = spec_build.get("args") or {}
            pairs = raw_args.items() if isinstance(raw_args, dict) else (a.split("=", 1) for a in raw_args if "=" in a)
            args = [(_line(raw_args, str(k), _line(spec_build, "args")), str(k), str(v)) for k, v in pairs]
        image = None
        if context is not None:
            label = f"the image of {path} service {name}"
            image = _compose_image(tree, dockerfile_path, context, {k: v for _, k, v in args}, label)
            if image is not None:
                _mount(tree, image, spec, here)
        volumes = []
        for volume in spec.get("volumes") or []:
            host = volume.split(":", 1)[0] if isinstance(volume, str) else str((volume or {}).get("source", ""))
            if host.startswith((".", "/")) and not host.startswith("/"):
                volumes.append((_line(spec, "volumes"), host, join(here, host)))
        working_dir = spec.get("working_dir")
        if image is not None and working_dir:
            image.workdir = str(working_dir)
        out.append(
            ComposeService(
                path, str(name), _line(data["services"], str(name)), image, context or "", dockerfile_path,
                str(working_dir) if working_dir else None,
                _command(spec, "command"), _command(spec, "entrypoint"), volumes, args,
            )
        )  # fmt: skip
    return out


def _command(spec: dict, key: str) -> tuple[int, list[str]] | None:
    value = spec.get(key)
    if isinstance(value, str):
        return _line(spec, key), entrypoints.split(value)
    if isinstance(value, list):
        return _line(spec, key), [str(v) for v in value]
    return None


def _compose_image(
    tree: FileTree, dockerfile_path: str, context: str, build_args: dict[str, str], label: str
) -> Image | None:
    """The image a compose service builds, for that service alone (its mounts and working dir
    are set on it): the build itself is done once per tree for each Dockerfile, context and
    build arguments, as services of several compose files often share one."""
    key = ("compose-image", dockerfile_path, context, tuple(sorted(build_args.items())))
    shared = tree.derive(key, lambda: _build(tree, dockerfile_path, context, build_args))
    if shared is None:
        return None
    return replace(shared, space=shared.space.relabelled(label))


def _mount(tree: FileTree, image: Image, spec: dict, here: str) -> None:
    """Bind mounts of the tree (``.:/app``) overlay the image's files at run time. A service
    without one keeps its image's space as it is (copying the image's file table for every
    service of every tree the phases look at cost more than the rest of the compose read)."""
    mounts: list[tuple[str, str]] = []
    for volume in spec.get("volumes") or []:
        if not isinstance(volume, str) or ":" not in volume:
            continue
        host, container = volume.split(":", 2)[:2]
        if host.startswith(".") and container.startswith("/"):
            mounts.append((host, container))
    if not mounts:
        return
    files = dict(image.space.files or {})
    for host, container in mounts:
        source = join(here, host)
        if source in tree.paths:
            files[container.lstrip("/")] = source
        files.update(_mounted(tree, source, container))
    image.space = Space(tree, files, image.space.label)


def _mounted(tree: FileTree, source: str, container: str) -> dict[str, str]:
    """The files of the tree's directory ``source`` as a mount at ``container`` shows them,
    once per tree: compose files often mount the same directory (the repository) in many
    services."""

    def listing() -> dict[str, str]:
        paths = tree.under(source) if tree.is_dir(source) else []
        return {join(container, path[len(source) :].lstrip("/")).lstrip("/"): path for path in paths}

    return tree.derive(("mounted", source, container), listing)  # type: ignore[no-any-return]


def dockerfile_contexts(tree: FileTree) -> dict[str, set[str]]:
    """Dockerfile -> the build contexts compose files give it (its own directory when none does).

    Only the compose files' ``build:`` entries are read (not the images they build, which
    copy the tree): every phase asks this of its old and new trees, and the roots ask again."""
    derived = tree.derive(("contexts",), lambda: _dockerfile_contexts(tree))
    return {p: set(contexts) for p, contexts in derived.items()}


def _dockerfile_contexts(tree: FileTree) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {p: set() for p in tree.paths if is_dockerfile(p)}
    for path in sorted(tree.paths):
        if is_compose(path) and (text := tree.read(path)) is not None:
            for context, dockerfile_path in _build_entries(text, posixpath.dirname(path)):
                if dockerfile_path in found:
                    found[dockerfile_path].add(context)
    return {p: contexts or {posixpath.dirname(p)} for p, contexts in found.items()}


@functools.lru_cache(maxsize=64)
def _build_entries(text: str, here: str) -> tuple[tuple[str, str], ...]:
    """(context, Dockerfile path) of every service of a compose file that builds one."""
    data = _load_compose(text)
    if not isinstance(data, dict) or not isinstance(data.get("services"), dict):
        return ()
    found = (_build_target(spec.get("build"), here) for spec in data["services"].values() if isinstance(spec, dict))
    return tuple(target for target in found if target is not None)


def _build_target(spec_build: object, here: str) -> tuple[str, str] | None:
    """(context, Dockerfile path) of a compose ``build:`` value, relative to the repository;
    None when the entry builds nothing."""
    if isinstance(spec_build, str):
        return join(here, spec_build), join(here, spec_build, "Dockerfile")
    if isinstance(spec_build, dict):
        context = join(here, str(spec_build.get("context", ".")))
        return context, join(context, str(spec_build.get("dockerfile", "")) or "Dockerfile")
    return None
