"""``is_file`` and ``read_file`` answer what ``Path.is_file()`` and ``Path.read_bytes()``
answer: one row per kind of thing a work tree path can be."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

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
