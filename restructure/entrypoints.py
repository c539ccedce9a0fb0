"""Commands that start the repository's code, read as data: the module or file each one names.

``uvicorn pkg.main:app``, ``gunicorn -k ... pkg.main:app``, ``arq pkg.worker.Settings``,
``celery -A pkg.worker``, ``python -m pkg.main`` and ``python path/to/script.py``, in a
Dockerfile ``CMD``/``ENTRYPOINT`` (both forms), a compose ``command:``, a shell script or a
Makefile recipe. Shell operators (``&&``, ``;``, ``|``) separate commands, ``cd DIR`` moves
the directory the next ones run in, and ``sh -c "..."`` is read as the script it runs.
"""

from __future__ import annotations

import functools
import re
import shlex
from dataclasses import dataclass

ASGI_TARGET = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(?:\(\))?$")
DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
PYTHON = re.compile(r"^(?:.*/)?python(?:\d+(?:\.\d+)*)?$")
SEPARATORS = {"&&", "||", ";", "|", "&"}
# options of the servers that take a value (so the value is not the application)
VALUED = {
    "--host", "--port", "-b", "--bind", "-w", "--workers", "-k", "--worker-class", "--log-level",
    "--timeout", "-t", "--env-file", "--log-config", "--root-path", "--forwarded-allow-ips", "-c", "--config",
    "--uds", "--fd", "--reload-dir", "--ssl-keyfile", "--ssl-certfile", "--limit-concurrency", "--backlog",
    "--timeout-keep-alive", "--proxy-headers", "--name", "-n", "--threads", "--max-requests", "-Q", "-l",
    "--loglevel", "--concurrency", "--pool", "--user", "--group", "-u", "-g", "--pid", "--access-logfile",
    "--error-logfile", "--chdir", "--app-dir",
}  # fmt: skip


@dataclass(frozen=True)
class Target:
    """One thing a command starts: ``kind`` module (``pkg.main``), asgi (``pkg.main:app``),
    dotted (``pkg.worker.Settings``) or file (``path/to/script.py``), run from ``cwd``
    (relative to where the command starts; "" for there) with ``app_dir`` on the path."""

    kind: str
    value: str
    cwd: str = ""
    app_dir: str = ""


def split(command: str) -> list[str]:
    """Shell words of ``command``; a line shlex cannot read falls back to whitespace."""
    return list(_split(command))


@functools.lru_cache(maxsize=4096)
def _split(command: str) -> tuple[str, ...]:
    """Once per command text: every tree a phase looks at builds the same Dockerfiles again."""
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        return tuple(lexer)
    except ValueError:
        return tuple(command.split())


def targets(words: list[str], cwd: str = "") -> list[Target]:
    """Every target the command line ``words`` starts, with the directory it runs in."""
    found: list[Target] = []
    commands: list[list[str]] = [[]]
    for word in words:
        if word in SEPARATORS:
            commands.append([])
        else:
            commands[-1].append(word)
    for command in commands:
        while command and (("=" in command[0] and not command[0].startswith("-")) or command[0] in {"exec", "env"}):
            command = command[1:]  # FOO=bar uvicorn ..., exec uvicorn ..., env ...
        if not command:
            continue
        head = command[0].rsplit("/", 1)[-1]
        if head == "cd" and len(command) > 1:
            cwd = _join(cwd, command[1])
            continue
        if head in {"sh", "bash"} and "-c" in command:
            index = command.index("-c")
            if index + 1 < len(command):
                found.extend(targets(split(command[index + 1]), cwd))
            continue
        found.extend(_one(command, cwd))
    return found


def _join(cwd: str, directory: str) -> str:
    if directory.startswith("/") or directory.startswith("$") or directory == "-":
        return directory
    parts = [p for p in f"{cwd}/{directory}".split("/") if p and p != "."]
    out: list[str] = []
    for part in parts:
        if part == ".." and out and out[-1] != "..":
            out.pop()
        else:
            out.append(part)
    return "/".join(out)


def _positionals(args: list[str]) -> list[str]:
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg.startswith("-"):
            skip = arg in VALUED
            continue
        out.append(arg)
    return out


def _option(args: list[str], *names: str) -> str:
    for index, arg in enumerate(args):
        for name in names:
            if arg == name and index + 1 < len(args):
                return args[index + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return ""


def _one(command: list[str], cwd: str) -> list[Target]:
    head = command[0].rsplit("/", 1)[-1]
    args = command[1:]
    if PYTHON.match(head):
        if "-m" in args:
            index = args.index("-m")
            if index + 1 >= len(args):
                return []
            module, rest = args[index + 1], args[index + 2 :]
            if module in {"uvicorn", "gunicorn", "arq", "celery", "hypercorn"}:
                return _one([module, *rest], cwd)
            return [Target("module", module, cwd)] if DOTTED.match(module) or module.isidentifier() else []
        positional = _positionals(args)
        if positional and positional[0].endswith(".py"):
            return [Target("file", positional[0], cwd)]
        return []
    if head in {"uvicorn", "gunicorn", "hypercorn"}:
        app_dir = _option(args, "--app-dir", "--chdir")
        chosen = [a for a in _positionals(args) if ASGI_TARGET.match(a)]
        return [Target("asgi", chosen[0].removesuffix("()"), cwd, app_dir)] if chosen else []
    if head == "arq":
        chosen = [a for a in _positionals(args) if DOTTED.match(a)]
        return [Target("dotted", chosen[0], cwd)] if chosen else []
    if head == "celery":
        app = _option(args, "-A", "--app")
        return [Target("module", app.split(":")[0], cwd)] if app and DOTTED.match(app.split(":")[0]) else []
    return []
