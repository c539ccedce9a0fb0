"""The in-memory set of changes one phase makes, checked as a whole and written atomically.

Steps of a phase change a :class:`VirtualTree` (moves, deletions, new contents) without
touching the disk. :func:`apply` then writes everything, stages it and (with ``--commit``)
commits it as one transaction or, on any failure (a git command or a commit hook that
fails, Ctrl-C, a failure injected for tests), puts everything back: files with their modes,
symlinks, directories, the git index, HEAD and its branch.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from restructure.gitrepo import GitError, GitRepo, HeadState

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
    """Numbers the steps of a phase's transaction and fails at the N-th one when the
    fault-injection variables ask for it.

    A step is a file write, a move on disk, a deletion, a directory removal or a git command
    (the index update of the moves, ``git rm --cached``, ``git add``, ``git commit``).
    ``RESTRUCTURE_FAULT_AT_WRITE=N`` makes step N fail: a write before it touches the disk,
    a git command after it has run, so that the rollback must undo what git did (a commit
    included). ``RESTRUCTURE_SIGINT_AT_WRITE=N`` sends Ctrl-C at step N; for a git command,
    while the command runs.
    """

    def __init__(self) -> None:
        self.count = 0
        self.fail_at = int(os.environ.get("RESTRUCTURE_FAULT_AT_WRITE", "0") or 0)
        self.signal_at = int(os.environ.get("RESTRUCTURE_SIGINT_AT_WRITE", "0") or 0)
        self._deferring = False
        self._fault: InjectedFault | None = None
        self._signal = False

    def tick(self, what: str) -> None:
        self.count += 1
        if self.count == self.fail_at:
            fault = InjectedFault(f"injected failure at write {self.count} ({what})")
            if not self._deferring:
                raise fault
            self._fault = fault
        if self.count == self.signal_at:
            if not self._deferring:
                os.kill(os.getpid(), signal.SIGINT)
            self._signal = True

    @contextlib.contextmanager
    def git(self, what: str) -> Iterator[Callable[[], None]]:
        """One step that runs a git command: the body gets the callback that the command
        calls once started (Ctrl-C lands while git runs); an injected fault follows it."""
        self._deferring = True
        try:
            self.tick(what)
        finally:
            self._deferring = False
        fault, interrupt = self._fault, self._signal
        self._fault, self._signal = None, False

        def started() -> None:
            if interrupt:
                os.kill(os.getpid(), signal.SIGINT)

        yield started
        if fault is not None:
            raise fault


@dataclass(frozen=True)
class _Saved:
    """A file as it was: its ``lstat`` mode (type and permission bits) and its bytes, or a
    symlink's target, so that an executable comes back executable and a symlink a symlink."""

    mode: int
    data: bytes

    @classmethod
    def read(cls, full: Path) -> _Saved | None:
        """None when there is no file (a directory is not a file)."""
        try:
            info = os.lstat(full)
        except (FileNotFoundError, NotADirectoryError):
            return None
        if stat.S_ISLNK(info.st_mode):
            return cls(info.st_mode, os.fsencode(os.readlink(full)))
        if stat.S_ISREG(info.st_mode):
            return cls(info.st_mode, full.read_bytes())
        return None

    def put_back(self, full: Path) -> None:
        if _Saved.read(full) == self:
            return  # as it was: leave it, with the stat data the restored index knows
        full.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(full) and (full.is_symlink() or not full.is_dir()):
            full.unlink()
        if stat.S_ISLNK(self.mode):
            os.symlink(os.fsdecode(self.data), full)
            return
        tmp = full.with_name(f".{full.name}.restructure-tmp")
        try:
            tmp.write_bytes(self.data)
            os.chmod(tmp, stat.S_IMODE(self.mode))
            os.replace(tmp, full)
        finally:
            tmp.unlink(missing_ok=True)


#: git's own state besides the index that a commit changes; restored byte for byte
_GIT_FILES = ("index", "COMMIT_EDITMSG", "logs/HEAD")


@dataclass
class _Backup:
    root: Path
    files: dict[str, _Saved | None] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)
    git_files: dict[Path, bytes | None] = field(default_factory=dict)
    head: HeadState | None = None

    def keep(self, path: str) -> None:
        if path not in self.files:
            self.files[path] = _Saved.read(self.root / path)

    def keep_dir(self, path: str) -> None:
        full = self.root / path
        for dirpath, dirnames, filenames in os.walk(full):
            rel = Path(dirpath).relative_to(self.root).as_posix()
            self.dirs.add(rel)
            for name in filenames:
                self.keep(f"{rel}/{name}")
            del dirnames[:0]

    def keep_git(self, repo: GitRepo, commits: bool = True) -> None:
        """The index, HEAD with its branch and their reflogs, the last commit message; only the
        index when the transaction makes no commit (nothing else in ``.git`` changes then)."""
        names = ["index"]
        if commits:
            self.head = repo.head_state()
            names = list(_GIT_FILES) + ([f"logs/{self.head.ref}"] if self.head.ref else [])
        for path in repo.state_paths(names):
            self.git_files[path] = path.read_bytes() if path.is_file() else None

    def restore(self, repo: GitRepo) -> None:
        """Everything back as it was; the git ref first, so that a failure there (reported
        after the rest is back) never keeps the work tree from coming back."""
        failure: BaseException | None = None
        if self.head is not None:
            try:
                repo.restore_head(self.head)
            except Exception as exc:  # finish the rollback, then report it
                failure = exc
        for path, data in self.git_files.items():
            if data is None:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            elif not path.is_file() or path.read_bytes() != data:
                path.write_bytes(data)
        for path, saved in self.files.items():
            full = self.root / path
            if saved is not None:
                saved.put_back(full)
            elif os.path.lexists(full) and (full.is_symlink() or not full.is_dir()):
                full.unlink()
        for rel in sorted(self.dirs):
            (self.root / rel).mkdir(parents=True, exist_ok=True)
        # directories that only our moves created
        for path in sorted(self.files, key=lambda p: -p.count("/")):
            parent = (self.root / path).parent
            while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
                if parent.relative_to(self.root).as_posix() in self.dirs:
                    break
                parent.rmdir()
                parent = parent.parent
        if failure is not None:
            raise failure


def _atomic_write(path: Path, text: str) -> None:
    """Replace the file's bytes, keeping its permission bits (a moved executable stays one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.restructure-tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:  # Ctrl-C half-way: the rollback does not know this file
        tmp.unlink(missing_ok=True)
        raise


def _write_in_place(path: Path, text: str) -> None:
    """Rewrite an existing regular file's bytes (its mode stays); anything else as
    :func:`_atomic_write` does it."""
    if path.is_file() and not path.is_symlink():
        path.write_text(text, encoding="utf-8")
    else:
        _atomic_write(path, text)


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


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """A second Ctrl-C must not cut the rollback short (the first one started it)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _empty(saved: _Saved | None) -> bool:
    return saved is not None and not saved.data


def renames_message(commit_message: str) -> str:
    """The message of a phase's renames commit: the phase's title, and why the tree it holds
    does not run (the references in the moved files are rewritten by the next commit)."""
    title = commit_message.splitlines()[0] if commit_message.strip() else "restructure"
    return (
        f"{title} (renames only)\n\n"
        "Whole-file moves with their contents unchanged, so that history follows each file\n"
        "(git log --follow) at 100 % similarity. The next commit rewrites the references in\n"
        "and to them; this tree alone does not run (git bisect skip it).\n"
    )


def apply(
    repo: GitRepo, changes: Changes, commit_message: str | None = None, throwaway: bool = False, what: str = "phase"
) -> list[str]:
    """Write ``changes`` as one transaction: moves (the index as ``git mv`` moves it, then the
    files), new contents, deletions, empty directories, staging, and the commit when
    ``commit_message`` is given.

    When a moved file is also edited (a reference inside it rewritten) or is empty, the
    moves are committed first on their own (:meth:`GitRepo.commit_renames`) and the phase
    commit follows; otherwise the phase is one commit.

    Either all of it happens, or, on any failure (a git command that fails, a hook that
    refuses the commit, Ctrl-C, a failure injected for tests), the work tree, file modes and
    symlinks, the index, HEAD and its branch are put back exactly as they were; a commit
    already made is undone. Returns the commits made, oldest first (none without a message).

    ``throwaway``: the work tree is the pre-flight's scratch copy, which no one else reads and
    which is deleted afterwards: a file that exists is rewritten in place rather than replaced
    by a new file renamed over it (creating a file is the costly part of a write on some file
    systems: 0.03 to 1 ms here). The rollback is the same. ``what`` names the transaction in
    the error that says it was undone ("phases" for several written together).
    """
    root = repo.root
    backup = _Backup(root)
    backup.keep_git(repo, commits=commit_message is not None)
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
    commits: list[str] = []
    with _sigint_as_exception():
        try:
            entries = repo.index_entries()
            tracked = set(entries)
            # a file deleted to make room for a move onto its path goes first
            destinations = {dest for _, dest in changes.moves}
            cleared = [p for p in changes.deletes if p in destinations]
            for path in cleared:
                counter.tick(f"delete {path}")
                (root / path).unlink()
            if [p for p in cleared if p in tracked]:
                with counter.git(f"git rm --cached ({len(cleared)} paths)") as started:
                    repo.remove_from_index([p for p in cleared if p in tracked], started=started)
            repo.check_move_targets(changes.moves)
            in_index = [(source, dest) for source, dest in changes.moves if source in tracked]
            if in_index:  # what ``git mv`` does to the index, for every move at once
                with counter.git(f"git update-index ({len(in_index)} moves)") as started:
                    repo.move_in_index(in_index, started=started, entries=entries)
            for source, dest in changes.moves:
                counter.tick(f"move {source}")
                repo.rename_on_disk(source, dest)
            for path, text in sorted(changes.writes.items()):
                counter.tick(f"write {path}")
                if throwaway:
                    _write_in_place(root / path, text)
                else:
                    _atomic_write(root / path, text)
            for path in changes.deletes:
                if path not in destinations:
                    counter.tick(f"delete {path}")
                    (root / path).unlink()
            # deleted tracked files leave the index with the staging below: ``git add -A`` of a
            # path gone from disk stages its removal, as ``git rm --cached`` would (which checks
            # nothing for a file no longer on disk); one git command instead of two
            removed = [p for p in changes.deletes if p in tracked and p not in destinations]
            for rel in touched_dirs:
                if _prunable(root, rel):
                    counter.tick(f"rmdir {rel}")
                    shutil.rmtree(root / rel)
            # stage what git tracked (at its old or new path) and files the phase created, even
            # inside a git-ignored directory; a user's untracked file stays untracked, rewritten
            # or not, and a user's ignored file is never forced in
            moved_from = {new: old for old, new in changes.moves}
            staged = sorted(
                p
                for p in changes.writes
                if moved_from.get(p, p) in tracked or (p not in moved_from and backup.files.get(p) is None)
            )
            if staged or removed:
                with counter.git(f"git add ({len(staged)} paths, {len(removed)} removed)") as started:
                    repo.add(sorted(staged + removed), force=True, started=started)
            if commit_message is not None:
                renamed = [(s, d) for s, d in changes.moves if s in tracked]
                if any(d in changes.writes or _empty(backup.files.get(s)) for s, d in renamed):
                    with counter.git("renames commit (git commit-tree)") as started:
                        renames = repo.commit_renames(renames_message(commit_message), renamed, started=started)
                    commits.extend([renames] if renames else [])
                touched = [p for pair in changes.moves for p in pair] + list(changes.writes) + changes.deletes
                with counter.git("git commit") as started:
                    commit = repo.commit_paths(commit_message, touched, started=started)
                commits.extend([commit] if commit else [])
        except GitError as exc:
            with _sigint_ignored():
                backup.restore(repo)
            verb = "were" if what.endswith("s") else "was"
            undone = f"the {what} {verb} undone: work tree, index and HEAD are as they were"
            raise GitError(f"{str(exc).rstrip('.')}; {undone}") from exc
        except BaseException:
            with _sigint_ignored():
                backup.restore(repo)
            raise
    return commits
