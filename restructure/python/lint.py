"""Check texts with a ruff binary against the target repository's ruff configuration.

Only checks, never fixes: the tool must not restyle user code. The texts are written to
a scratch mirror that carries the target's ruff configuration (so isort's first-party
list and the line length are the target's); the target tree is untouched.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

CONFIG_FILES = ("pyproject.toml", "ruff.toml", ".ruff.toml")


def ruff_binary() -> str | None:
    local = Path(sys.executable).parent / "ruff"
    return str(local) if local.is_file() else shutil.which("ruff")


def uses_ruff(root: Path) -> bool:
    """True when the target configures ruff at its root."""
    if (root / "ruff.toml").is_file() or (root / ".ruff.toml").is_file():
        return True
    pyproject = root / "pyproject.toml"
    return pyproject.is_file() and "[tool.ruff" in pyproject.read_text(encoding="utf-8")


@contextlib.contextmanager
def _mirror(root: Path, texts: dict[str, str]) -> Iterator[Path]:
    """A scratch directory holding ``texts`` under their paths and the target's ruff config."""
    with tempfile.TemporaryDirectory(prefix="restructure-ruff-") as tmp:
        mirror = Path(tmp)
        for name in CONFIG_FILES:
            if (root / name).is_file():
                shutil.copy2(root / name, mirror / name)
        for rel, text in texts.items():
            dest = mirror / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
        yield mirror


def ruff_check(root: Path, texts: dict[str, str]) -> list[str]:
    """Violations ``ruff check`` and ``ruff format --check`` report for ``texts`` (empty when clean)."""
    binary = ruff_binary()
    if not texts or binary is None or not uses_ruff(root):
        return []
    with _mirror(root, texts) as mirror:
        paths = sorted(texts)
        check = subprocess.run([binary, "check", "--quiet", "--output-format", "concise", *paths],
                               cwd=mirror, capture_output=True, text=True)  # fmt: skip
        fmt = subprocess.run([binary, "format", "--check", "--quiet", *paths], cwd=mirror,
                             capture_output=True, text=True)  # fmt: skip
        out = [line for line in check.stdout.splitlines() if line.strip()]
        out += [line for line in fmt.stdout.splitlines() if line.strip()]
        return out
