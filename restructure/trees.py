"""Read-only views of a repository's files, for checks that compare two states of it.

The reference check resolves references in an old tree and in a new one: a git revision,
the work tree, or a phase's in-memory :class:`~restructure.editset.VirtualTree`. Each view
lists the paths and reads a file's text (None for binary or non-UTF-8 files), and knows the
directories, so a module can be looked up without touching the disk again.
"""

from __future__ import annotations

import bisect
import itertools
import posixpath
import subprocess
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from restructure.disk import read_file
from restructure.editset import VirtualTree

UTF8_BOM = "\ufeff"


def decode(data: bytes) -> str | None:
    """Text of a file, None for binary or non-UTF-8 bytes (a leading BOM is dropped)."""
    if b"\0" in data[:8192]:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text.removeprefix(UTF8_BOM)


@dataclass
class FileTree:
    """Paths of a tree (repository-relative, POSIX) and a reader of their text.

    ``origin`` maps a path to the path the same file had in the tree this one is compared
    with (a moved file); paths absent from it kept their path."""

    paths: frozenset[str]
    reader: Callable[[str], str | None]
    origin: dict[str, str] = field(default_factory=dict)
    _texts: dict[str, str | None] = field(default_factory=dict, repr=False)
    # what other modules derive from this tree alone (the images its Dockerfiles build), kept
    # with it: a tree's paths never change, and its texts are read once
    derived: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        _LIVE[next(_NUMBERS)] = self

    def derive(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """``make()``, once per ``key`` for this tree (see ``derived``)."""
        if key not in self.derived:
            self.derived[key] = make()
        return self.derived[key]

    def texts_read(self) -> Mapping[str, str | None]:
        """The texts read so far (a reader from disk reads what is there *now*: comparing a
        tree with a later one must use these, not read again)."""
        return self._texts

    def read(self, path: str) -> str | None:
        if path not in self._texts:
            self._texts[path] = self.reader(path) if path in self.paths else None
        return self._texts[path]

    @cached_property
    def dirs(self) -> frozenset[str]:
        """Every directory that holds a file ("" is the root)."""
        return directories(self.paths)

    def is_dir(self, path: str) -> bool:
        return path.strip("/") in self.dirs

    def exists(self, path: str) -> bool:
        return path.strip("/") in self.paths or self.is_dir(path)

    def under(self, path: str) -> list[str]:
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        ordered = self._ordered
        start = bisect.bisect_left(ordered, prefix)
        end = bisect.bisect_left(ordered, prefix[:-1] + chr(ord("/") + 1), start) if prefix else len(ordered)
        return ordered[start:end]

    @cached_property
    def _ordered(self) -> list[str]:
        """The paths sorted: the paths under a directory are one slice of it (a Dockerfile's
        ``COPY dir`` asks for them, for every image of every tree a phase looks at)."""
        return sorted(self.paths)


# Every tree not yet freed (weakly: a tree no one holds leaves on its own).
_LIVE: weakref.WeakValueDictionary[int, FileTree] = weakref.WeakValueDictionary()
_NUMBERS = itertools.count()


def release_derived() -> int:
    """Drop what was derived from every tree built so far; returns how many trees held some.

    What a tree derives holds the tree (an image's space reads it), so a tree and its images
    form a reference cycle that only the garbage collector frees: a phase's trees, their
    texts and images stayed in memory until a collection walked them. A phase calls this
    when it ends (its trees are not used after it; one that is reads its files again and
    derives anew): refcounting then frees them at once, and the collector can run seldom
    (:mod:`restructure.gc_tuning`)."""
    released = 0
    for tree in list(_LIVE.values()):
        if tree.derived:
            tree.derived.clear()
            released += 1
    return released


def directories(paths: Iterable[str]) -> frozenset[str]:
    """Every directory that holds one of ``paths`` ("" is the root). Asked of every image's
    files in every tree a phase looks at: the parent is cut off the string directly, with
    ``posixpath.dirname`` only where that would differ (a top-level file, a doubled slash)."""
    found = {""}
    for path in paths:
        parent = _parent(path)
        while parent not in found:
            found.add(parent)
            parent = _parent(parent)
    return frozenset(found)


def _parent(path: str) -> str:
    head = path.rpartition("/")[0]
    return head if head and not head.endswith("/") else posixpath.dirname(path)


def from_virtual(tree: VirtualTree) -> FileTree:
    """The tree a phase would leave, read from memory where it changed and from disk elsewhere."""

    def reader(path: str) -> str | None:
        if path in tree.texts:
            return tree.texts[path].removeprefix(UTF8_BOM)
        data = read_file(tree.root, tree.files.get(path) or path)
        return decode(data) if data is not None else None

    moved = {p: o for p, o in tree.files.items() if o is not None and o != p}
    return FileTree(frozenset(tree.files), reader, moved)


def from_disk(root: Path, paths: list[str]) -> FileTree:
    def reader(path: str) -> str | None:
        data = read_file(root, path)
        return decode(data) if data is not None else None

    return FileTree(frozenset(paths), reader)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)


def from_revision(root: Path, revision: str) -> FileTree:
    """The tree of ``revision``; every blob is read in one ``git cat-file --batch``."""
    listed = _git(root, "ls-tree", "-r", "-z", "--full-tree", revision)
    if listed.returncode != 0:
        raise ValueError(f"{revision}: not a revision of {root}: {listed.stderr.decode().strip()}")
    blobs: dict[str, str] = {}
    for entry in listed.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode != "120000":
            blobs[path] = sha
    texts: dict[str, str | None] = {}

    def load() -> None:
        order = list(blobs)
        batch = subprocess.run(
            ["git", "-C", str(root), "cat-file", "--batch"],
            input="".join(blobs[p] + "\n" for p in order).encode(),
            capture_output=True,
            check=True,
        )
        data, position = batch.stdout, 0
        for path in order:
            header_end = data.index(b"\n", position)
            size = int(data[position:header_end].split()[2])
            body = data[header_end + 1 : header_end + 1 + size]
            position = header_end + 1 + size + 1
            texts[path] = decode(body)

    def reader(path: str) -> str | None:
        if not texts and blobs:
            load()
        return texts.get(path)

    return FileTree(frozenset(blobs), reader)


def renames_since(root: Path, revision: str) -> dict[str, str]:
    """new path -> old path for the files git sees as renamed between ``revision`` and the work tree."""
    result = _git(root, "diff", "-M", "--name-status", "-z", revision)
    fields = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    found: dict[str, str] = {}
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status.startswith(("R", "C")):
            found[fields[index + 2]] = fields[index + 1]
            index += 3
        else:
            index += 2
    return found
