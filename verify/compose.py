"""docker-compose files: which commands start a service, and the objects they name."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from verify.services import Service
from verify.target import run_script

OBJECTS = Path(__file__).with_name("objects.py")


class ComposeError(ValueError):
    pass


@dataclass(frozen=True)
class Command:
    file: str
    entry: str
    kind: str  # uvicorn / arq
    spec: str  # module:attr


def compose_files(repo: Path) -> list[Path]:
    found = [*repo.glob("docker-compose*.yml"), *repo.glob("docker-compose*.yaml"), *repo.glob("compose*.yml")]
    return sorted(set(found))


def load(path: Path, repo: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ComposeError(
            f"{path.relative_to(repo)}:{mark.line + 1 if mark else '?'}: does not parse: {getattr(exc, 'problem', exc)}"
        ) from exc
    if not isinstance(data, dict):
        raise ComposeError(f"{path.relative_to(repo)}: not a compose mapping")
    return data


def entries(repo: Path, *, skip_unreadable: bool = False) -> Iterator[tuple[Path, str, dict]]:
    """(compose file, entry name, spec) of every service entry of every compose file; a file
    that does not parse raises, or is passed over with ``skip_unreadable``."""
    for path in compose_files(repo):
        try:
            data = load(path, repo)
        except ComposeError:
            if skip_unreadable:
                continue
            raise
        for entry, spec in (data.get("services") or {}).items():
            if isinstance(spec, dict):
                yield path, entry, spec


def serves(entry: str, spec: dict, service: Service) -> bool:
    """Whether a compose entry builds or runs ``service``: its Dockerfile, its package in the
    command, or the entry named after it (``members``, ``members-worker``, ``members-service``)."""
    build = spec.get("build")
    dockerfile = str(build.get("dockerfile", "")) if isinstance(build, dict) else ""
    parsed = parse_command(spec["command"]) if "command" in spec else None
    return (
        f"{service.relative_root}/" in dockerfile
        or (parsed is not None and parsed[1].startswith(service.package + "."))
        or entry.split("-")[0] == service.name
        or entry == service.dirname.replace("_", "-")
    )


def _build_of(spec: dict) -> tuple[str, str] | None:
    """(context, Dockerfile relative to it) of a compose entry's ``build:``; None when it builds nothing."""
    build = spec.get("build")
    if isinstance(build, str):
        return build, "Dockerfile"
    if isinstance(build, dict):
        return str(build.get("context", ".")), str(build.get("dockerfile", "Dockerfile"))
    return None


def dockerfile_of(repo: Path, service: Service) -> Path | None:
    """The service's Dockerfile: the one in its directory, else the one a compose entry that
    serves it builds (``dockerfile: docker/orders.Dockerfile``), when that file is in the
    repository. None: nothing builds an image of it."""
    if service.dockerfile is not None:
        return service.dockerfile
    top = repo.resolve()
    for path, entry, spec in entries(repo, skip_unreadable=True):
        if (built := _build_of(spec)) is None:
            continue
        context, name = built
        found = (path.parent / context / name).resolve()
        if serves(entry, spec, service) and found.is_file() and top in found.parents:
            return found
    return None


def build_context(repo: Path, dockerfile: Path) -> tuple[Path, str]:
    """The build context compose gives ``dockerfile`` (its ``build.context``, or ``build: DIR``),
    and where that was read; the repository root when no compose entry builds it."""
    wanted = dockerfile.resolve()
    for path, entry, spec in entries(repo, skip_unreadable=True):
        if (built := _build_of(spec)) is None:
            continue
        context, name = built
        root = (path.parent / context).resolve()
        if (root / name).resolve() == wanted and (root == repo.resolve() or repo.resolve() in root.parents):
            return root, f"{path.name} {entry}: build context {context}"
    return repo.resolve(), "the repository root (no compose entry builds this Dockerfile)"


def parse_command(command: object) -> tuple[str, str] | None:
    """``(kind, module:attr)`` for a uvicorn or arq command line."""
    args = shlex.split(command) if isinstance(command, str) else [str(a) for a in command or []]
    if not args:
        return None
    program = Path(args[0]).name
    if program in {"python", "python3"} and len(args) > 2 and args[1] == "-m":
        program, args = args[2], args[2:]
    if program == "uvicorn":
        target = next((a for a in args[1:] if ":" in a and not a.startswith("-")), None)
        return ("uvicorn", target) if target else None
    if program == "arq" and len(args) > 1:
        module, _, attr = args[1].rpartition(".")
        return "arq", f"{module}:{attr}"
    return None


def commands_for(repo: Path, service: Service) -> list[Command]:
    """Commands in every compose file whose entry builds or runs this service."""
    out = []
    for path, entry, spec in entries(repo):
        parsed = parse_command(spec["command"]) if "command" in spec else None
        if parsed is not None and serves(entry, spec, service):
            out.append(Command(path.name, entry, parsed[0], parsed[1]))
    return out


def describe(python: str, repo: Path, specs: list[str], env: dict[str, str] | None = None) -> dict[str, dict]:
    if not specs:
        return {}
    result = run_script(python, repo, OBJECTS, sorted(set(specs)), env)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise ComposeError(f"could not inspect {', '.join(specs)}: {result.stderr.strip()[-300:]}")
    return json.loads(lines[-1])
