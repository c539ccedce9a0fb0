"""The in-memory set of changes one phase makes, checked as a whole and written atomically.

Steps of a phase change a :class:`VirtualTree` (moves, deletions, new contents) without
touching the disk. :func:`apply` then writes everything or, on any failure (an exception,
Ctrl-C, a failure injected for tests), puts every byte back: files, the git index and
directories.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from restructure.gitrepo import GitRepo

# tool caches a run of the code leaves in a package: ignored by git, never the user's work
CACHE_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


class InjectedFault(RuntimeError):
    """Raised by the fault-injection hook (``RESTRUCTURE_FAULT_AT_WRITE``) in tests."""


@dataclass
class VirtualTree:
    """The repository as the phase will leave it, built up in memory.

    ``files`` maps a final path to the original path its bytes come from (None for a new
    file); ``texts`` holds new contents by final path.
    """

    root: Path
    files: dict[str, str | None] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_paths(cls, root: Path, paths: list[str]) -> VirtualTree:
        return cls(root, {p: p for p in paths})

    def exists(self, path: str) -> bool:
        return path in self.files

    def is_dir(self, path: str) -> bool:
        prefix = path.rstrip("/") + "/"
        return any(p.startswith(prefix) for p in self.files)

    def under(self, path: str) -> list[str]:
        prefix = path.rstrip("/") + "/"
        return sorted(p for p in self.files if p.startswith(prefix))

    def read(self, path: str) -> str:
        if path in self.texts:
            return self.texts[path]
        origin = self.files[path]
        if origin is None:
            return ""
        return (self.root / origin).read_text(encoding="utf-8")

    def write(self, path: str, text: str) -> None:
        if path not in self.files:
            self.files[path] = None
        self.texts[path] = text

    def delete(self, path: str) -> None:
        self.files.pop(path, None)
        self.texts.pop(path, None)

    def move(self, source: str, dest: str) -> list[tuple[str, str]]:
        """Move a file or a directory (every file below it); returns the file moves made."""
        if source in self.files:
            pairs = [(source, dest)]
        else:
            pairs = [(p, dest.rstrip("/") + p[len(source.rstrip("/")) :]) for p in self.under(source)]
        for old, new in pairs:
            if new in self.files:
                raise FileExistsError(f"{new}: already exists; cannot move {old} there")
        for old, new in pairs:
            self.files[new] = self.files.pop(old)
            if old in self.texts:
                self.texts[new] = self.texts.pop(old)
        return pairs

    def changed_texts(self) -> dict[str, str]:
        """Final paths whose bytes differ from their origin (new files included)."""
        changed = {}
        for path, text in self.texts.items():
            origin = self.files.get(path)
            if origin is None or (self.root / origin).read_text(encoding="utf-8") != text:
                changed[path] = text
        return changed


@dataclass
class Changes:
    """What :func:`apply` does, derived from a :class:`VirtualTree` and the original paths."""

    moves: list[tuple[str, str]]
    writes: dict[str, str]
    deletes: list[str]

    @property
    def empty(self) -> bool:
        return not (self.moves or self.writes or self.deletes)


def diff_tree(tree: VirtualTree, original: list[str]) -> Changes:
    origins = {origin: final for final, origin in tree.files.items() if origin is not None}
    moves = sorted((o, f) for o, f in origins.items() if o != f)
    deletes = sorted(p for p in original if p not in origins)
    return Changes(moves, tree.changed_texts(), deletes)


class _WriteCounter:
    """Counts writes; fails at the N-th one when the fault-injection variables ask for it."""

    def __init__(self) -> None:
        self.count = 0
        self.fail_at = int(os.environ.get("RESTRUCTURE_FAULT_AT_WRITE", "0") or 0)
        self.signal_at = int(os.environ.get("RESTRUCTURE_SIGINT_AT_WRITE", "0") or 0)

    def tick(self, what: str) -> None:
        self.count += 1
        if self.count == self.fail_at:
            raise InjectedFault(f"injected failure at write {self.count} ({what})")
        if self.count == self.signal_at:
            os.kill(os.getpid(), signal.SIGINT)


@dataclass
class _Backup:
    root: Path
    files: dict[str, bytes | None] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)
    index: bytes | None = None
    index_path: Path | None = None

    def keep(self, path: str) -> None:
        if path in self.files:
            return
        full = self.root / path
        self.files[path] = full.read_bytes() if full.is_file() else None

    def keep_dir(self, path: str) -> None:
        full = self.root / path
        for dirpath, dirnames, filenames in os.walk(full):
            rel = Path(dirpath).relative_to(self.root).as_posix()
            self.dirs.add(rel)
            for name in filenames:
                self.keep(f"{rel}/{name}")
            del dirnames[:0]

    def restore(self) -> None:
        for path, data in self.files.items():
            full = self.root / path
            if data is None:
                with contextlib.suppress(FileNotFoundError):
                    full.unlink()
            else:
                full.parent.mkdir(parents=True, exist_ok=True)
                full.write_bytes(data)
        for rel in sorted(self.dirs):
            (self.root / rel).mkdir(parents=True, exist_ok=True)
        if self.index_path is not None:
            if self.index is None:
                with contextlib.suppress(FileNotFoundError):
                    self.index_path.unlink()
            else:
                self.index_path.write_bytes(self.index)
        # directories that only our moves created
        for path in sorted(self.files, key=lambda p: -p.count("/")):
            parent = (self.root / path).parent
            while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
                if parent.relative_to(self.root).as_posix() in self.dirs:
                    break
                parent.rmdir()
                parent = parent.parent


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.restructure-tmp")
    tmp.write_text(text, encoding="utf-8")
    if path.exists():
        shutil.copymode(path, tmp)
    os.replace(tmp, path)


def _parents(paths: list[str]) -> list[str]:
    found: set[str] = set()
    for path in paths:
        parent = PurePosixPath(path).parent
        while str(parent) not in {".", ""}:
            found.add(parent.as_posix())
            parent = parent.parent
    return sorted(found, key=lambda p: -p.count("/"))


def _prunable(root: Path, rel: str) -> bool:
    """A directory holding nothing but caches can go."""
    full = root / rel
    if not full.is_dir():
        return False
    return all(child.is_dir() and child.name in CACHE_DIRS for child in full.iterdir())


@contextlib.contextmanager
def _sigint_as_exception() -> Iterator[None]:
    """Make sure Ctrl-C arrives as KeyboardInterrupt so the rollback runs."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.default_int_handler:
        try:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        except ValueError:  # not the main thread
            previous = None
    try:
        yield
    finally:
        if previous is not None and previous is not signal.default_int_handler:
            signal.signal(signal.SIGINT, previous)


def apply(repo: GitRepo, changes: Changes) -> None:
    """Write ``changes``: moves with ``git mv``, new contents, deletions, empty directories.

    Everything is put back byte for byte when anything fails, including Ctrl-C.
    """
    root = repo.root
    backup = _Backup(root)
    index_path = repo.git_dir / "index"
    backup.index_path = index_path
    backup.index = index_path.read_bytes() if index_path.exists() else None
    counter = _WriteCounter()
    touched_dirs = _parents([p for pair in changes.moves for p in pair] + changes.deletes)
    for source, dest in changes.moves:
        backup.keep(source)
        backup.keep(dest)
    for path in changes.writes:
        backup.keep(path)
    for path in changes.deletes:
        backup.keep(path)
    for rel in touched_dirs:
        if (root / rel).is_dir():
            backup.dirs.add(rel)
            for cache in CACHE_DIRS:
                if (root / rel / cache).is_dir():
                    backup.keep_dir(f"{rel}/{cache}")
    with _sigint_as_exception():
        try:
            tracked = set(repo.tracked_index_files())
            for source, dest in changes.moves:
                counter.tick(f"move {source}")
                repo.mv_file(source, dest, source in tracked)
            for path, text in sorted(changes.writes.items()):
                counter.tick(f"write {path}")
                _atomic_write(root / path, text)
            for path in changes.deletes:
                counter.tick(f"delete {path}")
                (root / path).unlink()
            repo.remove_from_index([p for p in changes.deletes if p in tracked])
            for rel in touched_dirs:
                if _prunable(root, rel):
                    counter.tick(f"rmdir {rel}")
                    shutil.rmtree(root / rel)
            # stage what git tracked (at its old or new path) and files the phase created;
            # a user's untracked file stays untracked, rewritten or not
            moved_from = {new: old for old, new in changes.moves}
            repo.add(
                sorted(
                    p
                    for p in changes.writes
                    if moved_from.get(p, p) in tracked or (p not in moved_from and backup.files.get(p) is None)
                )
            )
        except BaseException:
            backup.restore()
            raise
