"""A ruff of a given version, as a target repository pins it, installed once from PyPI.

Targets pin their own ruff (often far older than ours) and judge the tool's output with it;
the tests must use the same binary, not ours. Each version lives in its own virtualenv
under ``.cache/ruff-<version>/`` in this repository and is reused by later runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pinned_ruff(version: str) -> str:
    """Path of the ``ruff`` binary of ``version`` (installed on first use)."""
    env = ROOT / ".cache" / f"ruff-{version}"
    binary = env / "bin" / "ruff"
    if not binary.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        subprocess.run(
            [str(env / "bin" / "python"), "-m", "pip", "install", "-q", f"ruff=={version}"],
            check=True,
            capture_output=True,
        )
    done = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-1] == version, done.stdout
    return str(binary)
