"""A small Dockerfile parser: instructions with line numbers, continuations, JSON forms.

Enough to refuse a Dockerfile that ``docker build`` would refuse for its syntax, and to
find the ``CMD`` and ``COPY`` lines the restructure rewrites.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

INSTRUCTIONS = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
    "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
}  # fmt: skip
UTF8_BOM = "\ufeff"
JSON_FORM = {"CMD", "ENTRYPOINT", "RUN", "SHELL", "VOLUME", "COPY", "ADD"}


class DockerfileError(ValueError):
    pass


@dataclass(frozen=True)
class Instruction:
    keyword: str
    value: str
    line: int

    @property
    def exec_form(self) -> list[str] | None:
        """The JSON (exec) form's arguments, or None for the shell form."""
        text = self.value.strip()
        if not text.startswith("["):
            return None
        return json.loads(text)


@functools.lru_cache(maxsize=1024)
def parsed(text: str, path: str) -> tuple[tuple[Instruction, ...], tuple[str, ...]]:
    """:func:`parse` with a problems list, once per text and path: the images of every tree
    a phase looks at are built from the same few Dockerfiles (instructions are frozen)."""
    problems: list[str] = []
    return tuple(parse(text, path, problems)), tuple(problems)


def parse(text: str, path: str = "Dockerfile", problems: list[str] | None = None) -> list[Instruction]:
    """The instructions of a Dockerfile, in order, each with the line it starts on.

    With ``problems`` None, the first thing ``docker build`` would refuse raises
    :class:`DockerfileError`. With a list, parsing goes on: what Docker itself accepts (an
    instruction before the first ``FROM``, a UTF-8 byte-order mark) or what it would refuse is
    appended to ``problems`` as one line, and the instructions that parse are returned.
    """
    instructions: list[Instruction] = []
    pending = ""
    start = 0
    saw_from = False

    def fail(message: str) -> None:
        if problems is None:
            raise DockerfileError(message)
        problems.append(message)

    if text.startswith(UTF8_BOM):
        text = text[len(UTF8_BOM) :]  # Docker reads past it; so do we
        if problems is not None:
            problems.append(f"{path}:1: starts with a UTF-8 byte-order mark (Docker accepts it)")
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical = pending + stripped
        pending = ""
        keyword, _, value = logical.partition(" ")
        keyword = keyword.upper()
        if keyword not in INSTRUCTIONS:
            fail(f"{path}:{start}: unknown Dockerfile instruction {keyword!r}")
            continue
        if keyword == "FROM":
            saw_from = True
        elif not saw_from and keyword != "ARG":
            # Docker accepts it (the instruction applies to no stage); the file's own problem
            fail(f"{path}:{start}: {keyword} before the first FROM")
        if keyword in JSON_FORM and value.strip().startswith("["):
            try:
                parsed = json.loads(value.strip())
            except json.JSONDecodeError as exc:
                fail(f"{path}:{start}: {keyword} JSON form does not parse: {exc.msg}")
                continue
            if not isinstance(parsed, list) or not all(isinstance(p, str) for p in parsed):
                fail(f"{path}:{start}: {keyword} JSON form must be a list of strings")
                continue
        instructions.append(Instruction(keyword, value, start))
    if pending:
        fail(f"{path}: ends inside a line continuation")
    if not saw_from:
        fail(f"{path}: no FROM instruction")
    return instructions
