"""The target repository as git sees it: work-tree checks, tracked files, moves and commits."""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass
from pathlib import Path


class GitError(RuntimeError):
    """A git precondition failed; the message is one line naming the repository and the fix."""


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    if check and result.returncode != 0:
        shown = " ".join(args[:4]) + (" ..." if len(args) > 4 else "")
        last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit {result.returncode}"
        raise GitError(f"{repo}: git {shown} failed: {last}")
    return result


@dataclass(frozen=True)
class GitRepo:
    root: Path

    @classmethod
    def open(cls, path: Path | str) -> GitRepo:
        """The work tree at ``path``; refuses anything that is not the top of a git work tree."""
        path = Path(path).resolve()
        if not path.is_dir():
            raise GitError(f"{path}: not a directory; pass --repo PATH to a git work tree")
        result = _git(path, "rev-parse", "--show-toplevel", check=False)
        if result.returncode != 0:
            raise GitError(f"{path}: not a git repository; run 'git init' there or pass --repo PATH to a git work tree")
        top = Path(result.stdout.strip()).resolve()
        if top != path:
            raise GitError(f"{path}: is inside the git work tree {top}; pass --repo {top}")
        return cls(top)

    @functools.cached_property
    def git_dir(self) -> Path:
        """The repository's git directory (asked once: it does not move while the tool runs)."""
        out = _git(self.root, "rev-parse", "--absolute-git-dir").stdout.strip()
        return Path(out)

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
        return sorted({p for p in out.split("\0") if p and (self.root / p).is_file()})

    def mv_file(self, source: str, dest: str, tracked: bool) -> None:
        """Move one file with ``git mv`` so history follows; untracked files move on disk only."""
        (self.root / dest).parent.mkdir(parents=True, exist_ok=True)
        if tracked:
            _git(self.root, "mv", source, dest)
        else:
            (self.root / source).rename(self.root / dest)

    def tracked_index_files(self) -> list[str]:
        out = _git(self.root, "ls-files", "-z", "--cached").stdout
        return [p for p in out.split("\0") if p]

    def remove_from_index(self, paths: list[str]) -> None:
        if paths:
            _git(self.root, "rm", "-q", "--cached", "--ignore-unmatch", "--", *paths)

    def add(self, paths: list[str]) -> None:
        if paths:
            _git(self.root, "add", "-A", "--", *paths)

    def head(self) -> str | None:
        result = _git(self.root, "rev-parse", "--verify", "-q", "HEAD", check=False)
        return result.stdout.strip() or None

    def commit_paths(self, message: str, paths: list[str]) -> str | None:
        """Commit exactly ``paths`` (the phase's own changes), never other edits in the tree."""
        in_head = (
            set(_git(self.root, "ls-tree", "-r", "--name-only", "HEAD").stdout.split("\n")) if self.head() else set()
        )
        known = set(self.tracked_index_files()) | in_head
        chosen = sorted({p for p in paths if p in known})
        if not chosen:
            return None
        existing = [p for p in chosen if (self.root / p).exists()]
        if existing:
            _git(self.root, "add", "-A", "--", *existing)
        _git(self.root, "commit", "-q", "-m", message, "--only", "--", *chosen)
        return self.head()
