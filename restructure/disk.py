"""Reading the files of a work tree with plain ``os`` calls.

Every phase reads every file of the tree (the reference pass, the import roots, the gate) and
lists which paths are files: 70,000 reads in ``invoke all`` on the generated 5x tree. Through
``Path`` objects a read of a fixture file took 15.5 microseconds, with these plain ``os``
calls 11. They answer exactly what ``Path.is_file()`` and ``Path.read_bytes()`` answer, and
keep what they read while the file's ``stat`` says it is unchanged (see :func:`_read`).
"""

from __future__ import annotations

import errno
import os
import stat
import time
from pathlib import Path

_MISSING = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def is_file(full: str) -> bool:
    """``Path(full).is_file()`` without a ``Path``: a regular file, a symlink followed; False
    when nothing is there, an error other than that is raised as pathlib raises it."""
    try:
        return stat.S_ISREG(os.stat(full).st_mode)
    except OSError as exc:
        if exc.errno not in _MISSING:
            raise
        return False


def read_file(root: Path | str, path: str) -> bytes | None:
    """The bytes of the regular file ``path`` under ``root``, None when there is none or it
    cannot be read (as ``full.read_bytes() if full.is_file()`` under ``except OSError``)."""
    full = os.path.join(root, path)
    try:
        found = os.stat(full)
        if not stat.S_ISREG(found.st_mode):
            return None
        return _read(full, found)
    except OSError:
        return None


def universal_newlines(text: str) -> str:
    """``text`` as a file opened in text mode reads it (``Path.read_text``): ``\\r\\n`` and a
    lone ``\\r`` become ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_bytes(full: str) -> bytes:
    """``open(full, "rb").read()``, raising what it raises."""
    return _read(full, os.stat(full))


# The bytes last read of each file, with the ``stat`` they were read under: every phase reads
# every file of the tree two or three times, and a phase changes few of them (on the 5x tree,
# 150,000 reads in one ``invoke all``). A file is read again when anything of its ``stat``
# differs (device, inode, size, modification and change times: a write, a rename onto it, a
# ``chmod``) or when it had changed within ``SETTLED_NS`` of the read, since a write in the
# same tick of the file system's clock can leave its times as they were (git's "racily
# clean" files: such a file is read every time until it has settled).
SETTLED_NS = 50_000_000
_BOUND = 256 << 20  # bytes kept; all of them are dropped when more would be
_READ: dict[str, tuple[tuple[int, int, int, int, int], bytes]] = {}
_KEPT = [0]


def _read(full: str, found: os.stat_result) -> bytes:
    key = (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)
    kept = _READ.get(full)
    if kept is not None and kept[0] == key:
        return kept[1]
    with open(full, "rb") as handle:
        data = handle.read()
    if len(data) == found.st_size and time.time_ns() - max(found.st_mtime_ns, found.st_ctime_ns) > SETTLED_NS:
        if _KEPT[0] + len(data) > _BOUND:
            _READ.clear()
            _KEPT[0] = 0
        previous = _READ.pop(full, None)
        _KEPT[0] += len(data) - (len(previous[1]) if previous else 0)
        _READ[full] = (key, data)
    return data
