"""Keep each Docker image's contents when a phase moves files out of (or into) what it copies.

A Dockerfile that copies ``app/`` holds ``app/main.py``; once the phase moves it to
``main.py`` the rewritten ``CMD uvicorn main:app`` names a file the image no longer gets.
For every image (a Dockerfile with each build context compose gives it) this compares what
the old tree's image held with what the new tree's image holds: a moved file (or directory)
the image held before and lacks now gets a ``COPY`` line of its own, right after the line that
brought it in, placed where the old place's directory maps to in the image; a ``COPY``
whose source the phase removed loses that source (the whole instruction when it was the only
one). Edits are whole physical lines of the instruction; every other byte stays.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field

from restructure import images
from restructure.resolve import join
from restructure.text import dockerfile
from restructure.trees import FileTree


@dataclass
class Edits:
    """Line edits of one Dockerfile: lines to insert after a line, instructions to drop."""

    after: dict[int, list[str]] = field(default_factory=dict)  # 1-based start line -> new lines
    drop: set[int] = field(default_factory=set)  # start lines of instructions to remove
    notes: list[str] = field(default_factory=list)


def _span(lines: list[str], start: int) -> int:
    """The last physical line (1-based) of the instruction starting on ``start``."""
    end = start
    while end <= len(lines) and lines[end - 1].rstrip().endswith("\\"):
        end += 1
    return min(end, len(lines))


def apply_edits(text: str, edits: Edits) -> str:
    """``text`` with the instructions in ``edits.drop`` removed and the new lines inserted."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    out: list[str] = []
    number = 1
    while number <= len(lines):
        end = _span([line.rstrip("\r\n") for line in lines], number)
        block = lines[number - 1 : end]
        kept = number not in edits.drop
        if kept:
            out.extend(block)
        if number in edits.after:
            if kept and out and not out[-1].endswith("\n"):
                out[-1] += newline
            out.extend(line + newline for line in edits.after[number])
        number = end + 1
    return "".join(out)


def _copy_line(template: str, sources: list[str], dest: str) -> str:
    """A ``COPY`` in the style of ``template`` (its keyword case, flags and JSON or shell form)."""
    keyword = template.strip().split()[0]
    flags, words = images._copy_args(template.strip()[len(keyword) :])
    kept = [f"--{k}={v}" if v else f"--{k}" for k, v in flags.items() if k != "from"]
    if template.strip()[len(keyword) :].strip().startswith("[") or (
        words and template.rstrip().endswith("]") and "[" in template
    ):
        return " ".join([keyword, *kept, json.dumps([*sources, dest])])
    return " ".join([keyword, *kept, *sources, dest])


def plan_edits(
    old: FileTree,
    new: FileTree,
    path: str,
    moves: list[tuple[str, str]],
    dir_moves: dict[str, str],
    removed: list[str],
    contexts_of: dict[str, set[str]] | None = None,
) -> Edits:
    """The edits of the Dockerfile at ``path`` (in ``new``) that keep its images' contents.

    ``contexts_of`` is ``images.dockerfile_contexts(old)`` when the caller edits several
    Dockerfiles of one tree (it reads every compose file: once per phase, not per Dockerfile)."""
    edits = Edits()
    origin = new.origin.get(path, path)
    text = new.read(path)
    if text is None or old.read(origin) is None:
        return edits
    if contexts_of is None:
        contexts_of = images.dockerfile_contexts(old)
    contexts = contexts_of.get(origin, {posixpath.dirname(origin)})
    raw = text.splitlines()
    instructions = {i.line: i for i in dockerfile.parse(text, path, [])}
    moved_to = dict(moves)
    for context in sorted(contexts):
        before = images.build(old, origin, context)
        after = images.build(new, path, context)
        if before is None or after is None:
            continue
        held = set((before.space.files or {}).values())
        has = set((after.space.files or {}).values())
        # a COPY source the phase removed (moved away or deleted): drop it
        for copy in after.copies:
            if not copy.found and (copy.host in removed or copy.host in dir_moves or copy.host in moved_to):
                instruction = instructions.get(copy.line)
                if instruction is None:
                    continue
                _flags, words = images._copy_args(instruction.value)
                if len(words) == 2:
                    edits.drop.add(copy.line)
                else:
                    edits.notes.append(f"{path}:{copy.line}: COPY names {copy.source}, which the phase removed")
        # moved files the image held and lacks now: copy them from their new place
        wanted: dict[int, list[tuple[list[str], str]]] = {}
        done: set[str] = set()
        for old_path, new_path in moves:
            if old_path not in held or new_path in has or new_path in done:
                continue
            line, image_path = _brought_by(before, old_path)
            if line is None:
                continue
            unit_old, unit_new = old_path, new_path
            for old_dir, new_dir in dir_moves.items():
                if old_path.startswith(old_dir + "/") and new_path.startswith(new_dir + "/"):
                    unit_old, unit_new = old_dir, new_dir
            fresh = _new_package(old, new, unit_new, held, moved_to)
            if fresh is not None:  # a package the phase creates for it: copied whole, __init__.py included
                unit_old, unit_new = posixpath.dirname(unit_old), fresh
            # the image directory of the old place's directory, followed to the new place
            target = join("/", posixpath.dirname(image_path), posixpath.relpath(unit_new, posixpath.dirname(old_path)))
            source = posixpath.relpath(unit_new, context) if context else unit_new
            if source.startswith(".."):
                edits.notes.append(f"{path}: {unit_new} is outside the build context {context}; copy it by hand")
                continue
            is_dir = unit_old != old_path
            done.update(p for _, p in moves if p == unit_new or p.startswith(unit_new + "/"))
            dest = _written_dest(instructions[line].value, target, before.workdir) + ("/" if is_dir else "")
            wanted.setdefault(line, []).append(([source + ("/" if is_dir else "")], dest))
        for line, copies in wanted.items():
            template = raw[line - 1]
            if line in instructions and _span(raw, line) != line:  # a multi-line COPY: its one-line form
                template = f"{raw[line - 1].split()[0]} {instructions[line].value}"
            edits.after.setdefault(line, []).extend(_copy_line(template, s, d) for s, d in copies)
    return edits


def _new_package(old: FileTree, new: FileTree, moved: str, held: set[str], moved_to: dict[str, str]) -> str | None:
    """The directory ``moved`` lands in when the phase creates it and everything in it is a
    file the image held (moved in) or one the phase writes (its ``__init__.py``); None else."""
    directory = posixpath.dirname(moved)
    if not directory or old.is_dir(directory) or old.exists(directory):
        return None
    arrived = {to: fro for fro, to in moved_to.items()}
    for path in new.under(directory):
        source = arrived.get(path)
        if source is not None and source not in held:
            return None
        if source is None and old.exists(path):
            return None
    return directory


def _brought_by(image: images.Image, host: str) -> tuple[int | None, str]:
    """The ``COPY`` line that put ``host`` into the image, and the image path it has there."""
    for image_path, source in (image.space.files or {}).items():
        if source == host:
            for copy in reversed(image.copies):
                if copy.found and (copy.host == host or host.startswith(copy.host.rstrip("/") + "/") or not copy.host):
                    return copy.line, "/" + image_path
    return None, ""


def _written_dest(value: str, target: str, workdir: str) -> str:
    """``target`` written as the ``COPY`` with ``value`` writes its destination: relative to
    the workdir (``./main.py``) when it does, absolute otherwise."""
    words = images._copy_args(value)[1]
    dest = words[-1] if words else "/"
    if dest.startswith("/"):
        return target
    relative = posixpath.relpath(target, workdir if workdir.startswith("/") else "/" + workdir)
    return "./" + relative if dest.startswith("./") or dest == "." else relative
