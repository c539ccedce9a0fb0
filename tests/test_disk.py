"""``is_file`` and ``read_file`` answer what ``Path.is_file()`` and ``Path.read_bytes()``
answer: one row per kind of thing a work tree path can be."""

from __future__ import annotations

import builtins
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from restructure import disk
from restructure.disk import is_file, read_file


def _regular(root: Path) -> None:
    (root / "x").write_bytes(b"text\n")


def _empty(root: Path) -> None:
    (root / "x").write_bytes(b"")


def _symlink_to_file(root: Path) -> None:
    (root / "target").write_bytes(b"through a link")
    (root / "x").symlink_to("target")


def _broken_symlink(root: Path) -> None:
    (root / "x").symlink_to("nowhere")


def _symlink_loop(root: Path) -> None:
    (root / "x").symlink_to("y")
    (root / "y").symlink_to("x")


def _directory(root: Path) -> None:
    (root / "x").mkdir()


def _symlink_to_directory(root: Path) -> None:
    (root / "d").mkdir()
    (root / "x").symlink_to("d")


def _fifo(root: Path) -> None:
    os.mkfifo(root / "x")


def _missing(root: Path) -> None:
    pass


def _below_a_file(root: Path) -> None:
    (root / "f").write_bytes(b"")
    (root / "x").symlink_to("f/inside")  # ENOTDIR through the link


ROWS: dict[str, Callable[[Path], None]] = {
    "regular file": _regular,
    "empty file": _empty,
    "symlink to a file": _symlink_to_file,
    "broken symlink": _broken_symlink,
    "symlink loop": _symlink_loop,
    "directory": _directory,
    "symlink to a directory": _symlink_to_directory,
    "fifo": _fifo,
    "missing": _missing,
    "path below a file": _below_a_file,
}


def _pathlib_read(full: Path) -> bytes | None:
    try:
        return full.read_bytes() if full.is_file() else None
    except OSError:
        return None


@pytest.mark.parametrize("make", list(ROWS.values()), ids=list(ROWS))
def test_answers_what_pathlib_answers(make: Callable[[Path], None], tmp_path: Path) -> None:
    make(tmp_path)
    full = tmp_path / "x"
    assert is_file(str(full)) == full.is_file()
    assert read_file(tmp_path, "x") == _pathlib_read(full)
    assert read_file(str(tmp_path), "x") == _pathlib_read(full)


def test_rows_hold_files_and_non_files(tmp_path: Path) -> None:
    answers = []
    for name, make in ROWS.items():
        root = tmp_path / name.replace(" ", "-")
        root.mkdir()
        make(root)
        answers.append(is_file(str(root / "x")))
    assert True in answers and False in answers


# --- what a read keeps: a later read sees every change ------------------------------------


def _rewrite_same_size(full: Path) -> None:
    with open(full, "r+b") as handle:
        handle.write(b"TEXT")


def _replace_atomically(full: Path) -> None:
    tmp = full.with_name("tmp")
    tmp.write_bytes(b"other\n")
    os.replace(tmp, full)


def _append(full: Path) -> None:
    with open(full, "ab") as handle:
        handle.write(b"more\n")


def _truncate(full: Path) -> None:
    full.write_bytes(b"")


def _chmod(full: Path) -> None:
    full.chmod(0o600)


def _delete(full: Path) -> None:
    full.unlink()


def _becomes_directory(full: Path) -> None:
    full.unlink()
    full.mkdir()


def _rewrite_keeping_mtime(full: Path) -> None:
    """A tool that writes and puts the old modification time back (``touch -r``)."""
    before = full.stat()
    full.write_bytes(b"TEXT\n")
    os.utime(full, ns=(before.st_atime_ns, before.st_mtime_ns))


CHANGES: dict[str, Callable[[Path], None]] = {
    "rewritten in place, same size": _rewrite_same_size,
    "replaced by a rename": _replace_atomically,
    "appended to": _append,
    "truncated": _truncate,
    "permissions only": _chmod,
    "deleted": _delete,
    "replaced by a directory": _becomes_directory,
    "rewritten, modification time put back": _rewrite_keeping_mtime,
}


@pytest.mark.parametrize("settled", [True, False], ids=["read when settled", "read right after a write"])
@pytest.mark.parametrize("change", list(CHANGES.values()), ids=list(CHANGES))
def test_a_read_after_a_change_sees_the_change(change: Callable[[Path], None], settled: bool, tmp_path: Path) -> None:
    full = tmp_path / "x"
    full.write_bytes(b"text\n")
    if settled:
        time.sleep(disk.SETTLED_NS / 1e9 + 0.02)
    assert read_file(tmp_path, "x") == b"text\n"
    change(full)
    assert read_file(tmp_path, "x") == _pathlib_read(full)
    if full.is_file():
        assert disk.read_bytes(str(full)) == full.read_bytes()


def test_a_symlink_pointed_elsewhere_is_read_through_its_new_target(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"A\n")
    (tmp_path / "b").write_bytes(b"B\n")
    (tmp_path / "x").symlink_to("a")
    time.sleep(disk.SETTLED_NS / 1e9 + 0.02)
    assert read_file(tmp_path, "x") == b"A\n"
    (tmp_path / "x").unlink()
    (tmp_path / "x").symlink_to("b")
    assert read_file(tmp_path, "x") == b"B\n"


def test_a_settled_unchanged_file_is_not_opened_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full = tmp_path / "x"
    full.write_bytes(b"text\n")
    time.sleep(disk.SETTLED_NS / 1e9 + 0.02)
    assert read_file(tmp_path, "x") == b"text\n"
    opened: list[str] = []

    def counting_open(path: str, mode: str) -> IO[bytes]:
        opened.append(path)
        return builtins.open(path, mode)

    monkeypatch.setattr(disk, "open", counting_open, raising=False)
    assert read_file(tmp_path, "x") == b"text\n"
    assert disk.read_bytes(str(full)) == b"text\n"
    assert opened == []
    fresh = tmp_path / "fresh"
    fresh.write_bytes(b"new\n")  # changed just now: read every time until it settles
    assert read_file(tmp_path, "fresh") == read_file(tmp_path, "fresh") == b"new\n"
    assert opened == [str(fresh), str(fresh)]


LINE_ENDS = [b"a\r\nb\rc\n", b"\xef\xbb\xbfbom\r\n", b"plain\n", b"", b"\r", b"\r\r\n\n", b"no end\r", b"\n\r"]


@pytest.mark.parametrize("data", LINE_ENDS, ids=[repr(d) for d in LINE_ENDS])
def test_universal_newlines_reads_as_read_text(data: bytes, tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(data)
    assert disk.universal_newlines(data.decode("utf-8")) == (tmp_path / "f").read_text(encoding="utf-8")
