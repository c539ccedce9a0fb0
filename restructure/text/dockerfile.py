"""A small Dockerfile parser: instructions with line numbers, continuations, JSON forms.

Enough to refuse a Dockerfile that ``docker build`` would refuse for its syntax, and to
find the ``CMD`` and ``COPY`` lines the restructure rewrites.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

INSTRUCTIONS = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
    "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
}  # fmt: skip
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


def parse(text: str, path: str = "Dockerfile") -> list[Instruction]:
    instructions: list[Instruction] = []
    pending = ""
    start = 0
    saw_from = False
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
            raise DockerfileError(f"{path}:{start}: unknown Dockerfile instruction {keyword!r}")
        if keyword == "FROM":
            saw_from = True
        elif not saw_from and keyword != "ARG":
            raise DockerfileError(f"{path}:{start}: {keyword} before the first FROM")
        if keyword in JSON_FORM and value.strip().startswith("["):
            try:
                parsed = json.loads(value.strip())
            except json.JSONDecodeError as exc:
                raise DockerfileError(f"{path}:{start}: {keyword} JSON form does not parse: {exc.msg}") from exc
            if not isinstance(parsed, list) or not all(isinstance(p, str) for p in parsed):
                raise DockerfileError(f"{path}:{start}: {keyword} JSON form must be a list of strings")
        instructions.append(Instruction(keyword, value, start))
    if pending:
        raise DockerfileError(f"{path}: ends inside a line continuation")
    if not saw_from:
        raise DockerfileError(f"{path}: no FROM instruction")
    return instructions
