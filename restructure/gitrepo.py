"""The target repository as git sees it: work-tree checks, tracked files, moves and commits."""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from restructure.disk import is_file

#: Called once the git process has started (fault injection delivers Ctrl-C "during" it).
Started = Callable[[], None] | None

#: Hooks that can refuse a ``git commit``, in the order git runs them.
COMMIT_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg")


class GitError(RuntimeError):
    """A git precondition failed; the message is one line naming the repository and the fix."""


def _run(
    repo: Path, args: list[str], started: Started = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run git to the end even when Ctrl-C arrives meanwhile, then raise the interrupt.

    A git command cut short (killed while writing ``index.lock`` or a ref) would leave
    lock files and half-done state that no rollback can reason about; a finished one is a
    known state that the caller's rollback undoes. A Ctrl-C from the terminal reaches git
    too, which stops cleanly (git removes its own lock files on SIGINT); the tool waits for
    it either way. Output goes to files so that waiting can be resumed after an interrupt.
    """
    with _output_files() as (out, err), _input_file(stdin) as given:
        process = subprocess.Popen(["git", *args], cwd=repo, stdout=out, stderr=err, stdin=given)
        interrupt: KeyboardInterrupt | None = None
        try:
            if started is not None:
                started()
        except KeyboardInterrupt as exc:
            interrupt = exc
        while True:
            try:
                returncode = process.wait()
                break
            except KeyboardInterrupt as exc:
                interrupt = exc
        if interrupt is not None:
            raise interrupt
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "surrogateescape")
        stderr = err.read().decode("utf-8", "surrogateescape")
    return subprocess.CompletedProcess(["git", *args], returncode, stdout, stderr)


@contextmanager
def _input_file(text: str | None) -> Iterator[IO[bytes] | int]:
    """git's standard input: ``text`` in a file (read by git at its own pace, so waiting
    needs no pipe to be fed), or nothing."""
    if text is None:
        yield subprocess.DEVNULL
        return
    with tempfile.TemporaryFile() as file:
        file.write(text.encode("utf-8", "surrogateescape"))
        file.seek(0)
        yield file


_OUTPUT: dict[int, tuple[IO[bytes], IO[bytes]]] = {}  # pid -> git's stdout and stderr files
_OUTPUT_LOCK = threading.Lock()


@contextmanager
def _output_files() -> Iterator[tuple[IO[bytes], IO[bytes]]]:
    """Two empty anonymous files for git's stdout and stderr.

    The tool runs hundreds of git commands in a phase, and creating two temporary files for
    each cost more than most of the commands themselves: one pair is kept per process and
    emptied before each use. A command run while the pair is in use (another thread) gets a
    pair of its own, a forked child never shares its parent's, and a pair is dropped when the
    caller leaves with an error (the git it started may still be writing to it)."""
    if not _OUTPUT_LOCK.acquire(blocking=False):
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            yield out, err
        return
    pid = os.getpid()
    try:
        pair = _OUTPUT.get(pid)
        if pair is None:
            pair = _OUTPUT[pid] = (tempfile.TemporaryFile(), tempfile.TemporaryFile())  # noqa: SIM115 (kept open)
        for file in pair:
            file.seek(0)
            file.truncate()
        try:
            yield pair
        except BaseException:
            del _OUTPUT[pid]
            for file in pair:
                file.close()
            raise
    finally:
        _OUTPUT_LOCK.release()


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    """git's own error line (``fatal:``/``error:``, not the advice after it), else the last
    line a hook printed, else the exit code."""
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip() and not line.startswith("hint:")]
    errors = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (errors or lines or [f"exit {result.returncode}"])[-1]


def _git(
    repo: Path, *args: str, check: bool = True, started: Started = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    result = _run(repo, list(args), started, stdin)
    if check and result.returncode != 0:
        shown = " ".join(args[:4]) + (" ..." if len(args) > 4 else "")
        raise GitError(f"{repo}: git {shown} failed: {_last_line(result)}")
    return result


@dataclass(frozen=True)
class HeadState:
    """Where HEAD points: the branch ref (None when detached) and its commit (None when unborn)."""

    ref: str | None
    commit: str | None


#: Work trees opened in this process, by their top directory: a run opens the same one in
#: every phase (and asks for its git directory each time); one ``git rev-parse`` is enough
#: while its ``.git`` is there.
_OPENED: dict[Path, GitRepo] = {}


#: :meth:`GitRepo.state_paths` already asked, and the variables that would move them.
_STATE_PATHS: dict[tuple[object, ...], list[Path]] = {}
_STATE_VARIABLES = ("GIT_DIR", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY")


@dataclass(frozen=True)
class GitRepo:
    root: Path

    @classmethod
    def open(cls, path: Path | str) -> GitRepo:
        """The work tree at ``path``; refuses anything that is not the top of a git work tree."""
        path = Path(path).resolve()
        known = _OPENED.get(path)
        if known is not None and os.path.lexists(path / ".git"):  # the top of a work tree stays one
            return known
        if not path.is_dir():
            raise GitError(f"{path}: not a directory; pass --repo PATH to a git work tree")
        result = _git(path, "rev-parse", "--show-toplevel", check=False)
        if result.returncode != 0:
            raise GitError(f"{path}: not a git repository; run 'git init' there or pass --repo PATH to a git work tree")
        top = Path(result.stdout.strip()).resolve()
        if top != path:
            raise GitError(f"{path}: is inside the git work tree {top}; pass --repo {top}")
        return _OPENED.setdefault(top, cls(top))

    @functools.cached_property
    def git_dir(self) -> Path:
        """The repository's git directory (asked once: it does not move while the tool runs)."""
        out = _git(self.root, "rev-parse", "--absolute-git-dir").stdout.strip()
        return Path(out)

    def git_paths(self, names: list[str]) -> list[Path]:
        """Files of the repository's git state (``index``, ``logs/HEAD``, ``hooks/pre-commit``)
        as git resolves them: worktrees, ``core.hooksPath`` and ``GIT_INDEX_FILE`` included."""
        args = [arg for name in names for arg in ("--git-path", name)]
        out = _git(self.root, "rev-parse", *args).stdout.splitlines()
        return [Path(line) if Path(line).is_absolute() else self.root / line for line in out]

    def state_paths(self, names: list[str]) -> list[Path]:
        """:meth:`git_paths` of git's own state files (``index``, ``logs/HEAD``), asked once per
        work tree and set of names: a run backs them up before each phase's write, and where
        git keeps them changes only with the variables that move them (part of the key)."""
        key = (self.root, tuple(names), *(os.environ.get(v) for v in _STATE_VARIABLES))
        found = _STATE_PATHS.get(key)
        if found is None or not os.path.lexists(self.root / ".git"):
            found = _STATE_PATHS[key] = self.git_paths(names)
        return list(found)

    def state_dir(self) -> Path:
        """Where the tool keeps reports and snapshots: inside ``.git``, so never in the tree."""
        path = self.git_dir / "restructure"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def dirty_paths(self) -> list[str]:
        out = _git(self.root, "status", "--porcelain", "--untracked-files=normal").stdout
        return [line[3:] for line in out.splitlines() if line.strip()]

    def require_clean(self) -> None:
        dirty = self.dirty_paths()
        if dirty:
            shown = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
            raise GitError(
                f"{self.root}: work tree has uncommitted changes ({shown}); commit or stash them, or pass --allow-dirty"
            )

    def tracked_files(self) -> list[str]:
        """Tracked paths plus untracked ones that are not ignored, as posix relative paths."""
        out = _git(self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
        root = str(self.root)
        return sorted({p for p in out.split("\0") if p and is_file(os.path.join(root, p))})

    def check_move_targets(self, moves: list[tuple[str, str]]) -> None:
        """Refuse before anything moves when a destination is already on disk (a file there
        would be overwritten; a directory would receive the file inside it). A destination
        that an earlier move empties first (``b`` to ``c``, then ``a`` to ``b``) is free."""
        moved_away: set[str] = set()
        for source, dest in moves:
            if dest not in moved_away:
                self._refuse_existing(dest)
            moved_away.add(source)

    def _refuse_existing(self, dest: str) -> None:
        target = self.root / dest
        if os.path.lexists(target):
            raise GitError(f"{target}: already exists on disk; move it out of the way, then run the phase again")

    def index_entries(self) -> dict[str, list[tuple[str, str, str]]]:
        """Every index entry: path -> (mode, blob, stage) of each of its stages (one ``git
        ls-files -s``: the paths git tracks and what a move needs to know about them)."""
        listed = _git(self.root, "ls-files", "-s", "-z").stdout
        entries: dict[str, list[tuple[str, str, str]]] = {}
        for record in filter(None, listed.split("\0")):
            meta, path = record.split("\t", 1)
            mode, blob, stage = meta.split()
            entries.setdefault(path, []).append((mode, blob, stage))
        return entries

    def move_in_index(
        self,
        moves: list[tuple[str, str]],
        started: Started = None,
        entries: dict[str, list[tuple[str, str, str]]] | None = None,
    ) -> None:
        """Move tracked files' index entries as ``git mv`` does, for all ``moves`` in two git
        commands instead of one per file: each destination gets its source's staged blob and
        mode (an executable stays executable, a symlink a symlink), the source's entry goes.
        The files themselves are renamed on disk by :meth:`rename_on_disk`.

        Read first, written after: a chain (``a`` to ``b`` and ``b`` to ``c``) moves the staged
        content of each. A file with merge conflicts is refused, as ``git mv`` refuses it.
        ``entries``: the index as :meth:`index_entries` listed it just before (else listed here)."""
        if not moves:
            return
        if entries is None:
            entries = self.index_entries()
        staged: dict[str, tuple[str, str]] = {}
        for source, _ in moves:
            for mode, blob, stage in entries.get(source, []):
                if stage != "0":
                    where = self.root / source
                    raise GitError(f"{where}: has merge conflicts in the index; resolve them, then run the phase again")
                staged[source] = (mode, blob)
        missing = [source for source, _ in moves if source not in staged]
        if missing:
            raise GitError(f"{self.root / missing[0]}: not in the index; add it with git add or move it yourself first")
        removals = "".join(f"0 {staged[source][1]}\t{source}\0" for source, _ in moves)  # mode 0: remove
        additions = "".join(f"{staged[source][0]} {staged[source][1]}\t{dest}\0" for source, dest in moves)
        _git(self.root, "update-index", "-z", "--index-info", stdin=removals + additions, started=started)

    def rename_on_disk(self, source: str, dest: str) -> None:
        """Rename one file (a symlink itself, not its target) into place, creating its directory."""
        self._refuse_existing(dest)
        target = self.root / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        (self.root / source).rename(target)

    def tracked_index_files(self) -> list[str]:
        out = _git(self.root, "ls-files", "-z", "--cached").stdout
        return [p for p in out.split("\0") if p]

    def remove_from_index(self, paths: list[str], started: Started = None) -> None:
        if paths:
            _git(self.root, "rm", "-q", "--cached", "--ignore-unmatch", "--", *paths, started=started)

    def add(self, paths: list[str], force: bool = False, started: Started = None) -> None:
        """Stage ``paths``. ``force`` stages them inside git-ignored directories too: only for
        paths git tracks (at their old path) or that the phase itself created, never for a
        user's ignored untracked file."""
        if paths:
            _git(self.root, "add", "-A", *(["-f"] if force else []), "--", *paths, started=started)

    def tree_id(self, committed: bool) -> str:
        """The git tree id of HEAD (``committed``) or of the index (HEAD plus what is staged)."""
        args = ["rev-parse", "HEAD^{tree}"] if committed else ["write-tree"]
        return _git(self.root, *args).stdout.strip()

    def head(self) -> str | None:
        result = _git(self.root, "rev-parse", "--verify", "-q", "HEAD", check=False)
        return result.stdout.strip() or None

    def head_ref(self) -> str | None:
        """The branch HEAD points at, None when detached."""
        return _git(self.root, "symbolic-ref", "-q", "HEAD", check=False).stdout.strip() or None

    def head_state(self) -> HeadState:
        return HeadState(self.head_ref(), self.head())

    def restore_head(self, saved: HeadState) -> None:
        """Point HEAD's branch (or a detached HEAD) back at ``saved.commit``; an unborn branch
        becomes unborn again. Only the ref moves: the index and the work tree are the caller's."""
        now = self.head_state()
        if now == saved:
            return
        if saved.ref is not None and now.ref != saved.ref:
            _git(self.root, "symbolic-ref", "HEAD", saved.ref)
        ref = saved.ref or "HEAD"
        extra = [] if saved.ref else ["--no-deref"]
        if saved.commit is None:
            _git(self.root, "update-ref", *extra, "-d", ref)
        else:
            _git(self.root, "update-ref", *extra, "-m", "restructure: rollback", ref, saved.commit)

    def commit_hooks(self) -> list[Path]:
        """The hooks that can refuse a commit and would run (they exist and are executable)."""
        paths = self.git_paths([f"hooks/{name}" for name in COMMIT_HOOKS])
        return [path for path in paths if path.is_file() and os.access(path, os.X_OK)]

    def commit_renames(self, message: str, moves: list[tuple[str, str]], started: Started = None) -> str | None:
        """Commit the whole-file ``moves`` alone on top of HEAD, each file at its new path with
        its HEAD content, so that ``git log --follow`` sees a 100 % rename even when the next
        commit rewrites references inside it, and an empty file is paired with its own source
        (git pairs identical blobs by path order among the commit's deletions).

        Built with a private index and ``git commit-tree``: the user's index and anything
        staged in it stay as they were, and no hook runs on a commit that adds no content (the
        phase commit that follows runs them all). Moves whose source is not in HEAD are left
        to that commit. Returns the new commit, or None when there was nothing to commit.
        """
        head = self.head()
        if head is None or not moves:
            return None
        listed = _git(self.root, "ls-tree", "-r", "-z", "--full-tree", head, "--", *(s for s, _ in moves)).stdout
        entries = {}
        for record in filter(None, listed.split("\0")):
            meta, path = record.split("\t", 1)
            mode, _kind, blob = meta.split()
            entries[path] = (mode, blob)
        lines = [f"{entries[s][0]} {entries[s][1]}\t{d}" for s, d in moves if s in entries]
        if not lines:
            return None
        with tempfile.TemporaryDirectory() as scratch:
            env = {**os.environ, "GIT_INDEX_FILE": str(Path(scratch) / "index")}

            def plumbing(*args: str, stdin: str | None = None) -> str:
                done = subprocess.run(
                    ["git", *args], cwd=self.root, env=env, input=stdin, capture_output=True, text=True
                )
                if done.returncode != 0:
                    raise GitError(f"{self.root}: git {args[0]} failed: {_last_line(done)}")
                return done.stdout.strip()

            plumbing("read-tree", head)
            plumbing(
                "update-index",
                "--force-remove",
                "-z",
                "--stdin",
                stdin="".join(f"{s}\0" for s, _ in moves if s in entries),
            )
            plumbing("update-index", "-z", "--index-info", stdin="".join(f"{line}\0" for line in lines))
            tree = plumbing("write-tree")
        commit = _git(self.root, "commit-tree", tree, "-p", head, "-m", message, started=started).stdout.strip()
        ref = self.head_ref()
        extra = [] if ref else ["--no-deref"]
        _git(self.root, "update-ref", *extra, "-m", "restructure: renames", ref or "HEAD", commit, head)
        return commit

    def commit_paths(self, message: str, paths: list[str], started: Started = None) -> str | None:
        """Commit exactly ``paths`` (the phase's own changes), never other edits in the tree.

        The caller stages ``paths`` first (``git add -f`` where needed); ``--only`` then
        takes those paths and nothing else, so a user's staged change elsewhere stays staged
        and uncommitted. A hook that refuses the commit is named in the error."""
        listed = _git(self.root, "ls-tree", "-r", "-z", "--name-only", "HEAD", check=False)  # fails when unborn
        in_head = set(listed.stdout.split("\0")) if listed.returncode == 0 else set()
        known = set(self.tracked_index_files()) | in_head
        chosen = sorted({p for p in paths if p in known})
        if not chosen:
            return None
        result = _git(self.root, "commit", "-q", "-m", message, "--only", "--", *chosen, check=False, started=started)
        if result.returncode != 0:
            hooks = self.commit_hooks()
            if hooks:
                named = " or ".join(f"the {h.name} hook {h}" for h in hooks)
                raise GitError(
                    f"{self.root}: git commit refused by {named} ({_last_line(result)}); "
                    "fix what the hook reports, or run the phase without --commit and commit yourself"
                )
            raise GitError(f"{self.root}: git commit failed: {_last_line(result)}")
        return self.head()
