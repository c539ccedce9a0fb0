"""The net effect of several phases' changes: one set of moves, writes and deletions.

``invoke all`` without ``--commit`` leaves every phase's work uncommitted in one work tree
and index, so nothing but the end result is ever seen there. Once the pre-flight has run
every phase on a scratch copy and kept what each wrote (:class:`~restructure.editset.Changes`,
each relative to the tree the phase before it left), the target can receive the sum of them
as a single transaction: all of it or, on any failure, none of it (phase by phase, a failure
in phase 9 left phases 1 to 8 written), and each file is written, backed up and staged once
instead of once per phase that touched it.

The composition follows every original file through the phases: where it is now (moves
chain: ``a`` to ``b`` in one phase and ``b`` to ``c`` in another is one move), whether it is
gone, and the text last written at each path (a text travels with its file when a later
phase moves it). What :func:`restructure.editset.apply` needs from the result is what a
phase's own changes give it: moves from original paths, the final texts by final path, and
the original paths whose file is gone (a path another file moves onto is listed too, so the
move finds it free, as the engine lists a phase's own).
"""

from __future__ import annotations

from collections.abc import Iterable

from restructure.editset import Changes


class NotComposable(ValueError):
    """The phases move files in a cycle (``a`` to ``t``, ``b`` to ``a``, ``t`` to ``b``): as one
    transaction two files would swap places, which no order of moves does without a third
    path. The caller writes those phases one by one instead."""


def compose(phases: Iterable[Changes], original: Iterable[str]) -> Changes:
    """The changes that take the tree ``original`` (its paths) to where ``phases``, applied
    one after the other, take it."""
    present = set(original)
    at: dict[str, str | None] = {}  # a touched path now -> the original path of its file (None: new)
    texts: dict[str, str] = {}  # a path now -> the text last written there
    vacated: set[str] = set()  # original paths whose own file left them (moved or deleted)

    def origin(path: str) -> str | None:
        return at.get(path, path)  # None: a file a phase created

    def exists(path: str) -> bool:
        return path in at or (path in present and path not in vacated)

    def take(path: str) -> None:
        """The file at ``path`` leaves it (moves away or is deleted)."""
        if path in at:
            del at[path]
        else:
            vacated.add(path)
        texts.pop(path, None)

    for changes in phases:
        # every source and deletion refers to the tree before the phase: read them all before
        # anything moves (a phase may swap two files)
        moving = [(dest, origin(source), texts.get(source)) for source, dest in changes.moves]
        for source, _ in changes.moves:
            take(source)
        for path in changes.deletes:
            if exists(path):
                take(path)
        for dest, source_origin, text in moving:
            at[dest] = source_origin
            if text is not None:
                texts[dest] = text
        for path, text in changes.writes.items():
            if not exists(path):
                at[path] = None
            texts[path] = text

    alive = {o for o in at.values() if o is not None}
    moves = _vacated_first(sorted((o, now) for now, o in at.items() if o is not None and o != now))
    # an original path whose file is gone: deleted, unless a new file now stands there (it is
    # written over it); a file moved onto it needs it deleted first, as in a phase's own changes
    deletes = sorted(p for p in vacated if p not in alive and (p not in at or at[p] is not None))
    return Changes(moves, dict(sorted(texts.items())), deletes)


def _vacated_first(moves: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``moves`` in an order where each destination has been moved away from first (``b`` to
    ``c`` before ``a`` to ``b``): a chain the phases made one step at a time. Raises
    :class:`NotComposable` on a cycle."""
    pending = dict(moves)  # source -> destination
    ordered: list[tuple[str, str]] = []
    while pending:
        ready = [source for source, dest in pending.items() if dest not in pending]
        if not ready:
            raise NotComposable(f"{', '.join(sorted(pending))}: moved in a cycle across phases")
        for source in ready:
            ordered.append((source, pending.pop(source)))
    return ordered


def files_after(paths: Iterable[str], changes: Changes) -> list[str]:
    """The files of a work tree (``paths``, as :meth:`GitRepo.tracked_files` lists them) after
    ``changes`` are written there: what the next phase would read from git again. Valid where
    every file the changes move is tracked: a user's untracked file moved into a git-ignored
    directory would drop out of git's list (the caller asks git then)."""
    files = set(paths) - set(changes.deletes) - {source for source, _ in changes.moves}
    files |= {dest for _, dest in changes.moves} | set(changes.writes)
    return sorted(files)
