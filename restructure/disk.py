"""Reading the files of a work tree with plain ``os`` calls.

Every phase reads every file of the tree (the reference pass, the import roots, the gate) and
lists which paths are files: 70,000 reads in ``invoke all`` on the generated 5x tree. Through
``Path`` objects a read of a fixture file took 15.5 microseconds, with these plain ``os``
calls 11. They answer exactly what ``Path.is_file()`` and ``Path.read_bytes()`` answer.
"""

from __future__ import annotations

import errno
import os
import stat
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
        if not is_file(full):
            return None
        with open(full, "rb") as handle:
            return handle.read()
    except OSError:
        return None
