"""The target monorepo's own Python: an environment with its dependencies, shared by every
verify session and rebuilt only when the target's requirement files change."""

from __future__ import annotations

import hashlib
import os
import subprocess
import venv
from pathlib import Path

from verify import dependencies

STAMP = "restructure-requirements.sha256"


def target_env(repo: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for running target code: repo on ``PYTHONPATH``, fixed hash seed."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["PYTHONPATH"] = str(repo)
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra or {})
    return env


def run_script(
    python: str, repo: Path, script: Path, args: list[str], extra_env: dict[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """Run one of our helper scripts with the target's Python, without putting our own
    package directory on ``sys.path`` (it would shadow the target's ``services``)."""
    code = "import runpy, sys; path = sys.argv[1]; sys.argv = sys.argv[1:]; runpy.run_path(path, run_name='__main__')"
    return subprocess.run(
        [python, "-c", code, str(script), *args],
        cwd=repo,
        env=target_env(repo, extra_env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def ensure_env(repo: Path, envs_dir: Path, log=print, extra_deps: list[str] | None = None) -> str:
    """The Python of an environment holding the target's dependencies as it declares them
    (see ``dependencies.py``), (re)installed only when what decides them changed."""
    digest = dependencies.digest(repo, extra_deps)
    env_dir = envs_dir / hashlib.sha256(str(repo.resolve()).encode()).hexdigest()[:12]
    python = env_dir / "bin" / "python"
    stamp = env_dir / STAMP
    if python.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        log(f"target environment {env_dir} is up to date")
        return str(python)
    declared = dependencies.declared(repo, extra_deps)
    log(f"installing the target's dependencies into {env_dir} from {', '.join(declared.sources) or 'nothing declared'}")
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    args = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *declared.pip_args()]
    result = subprocess.run(args, cwd=repo, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
        raise DependencyInstallFailed(
            f"pip could not install the target's dependencies ({', '.join(declared.sources)}): "
            f"{lines[-1] if lines else 'exit code ' + str(result.returncode)}"
        )
    stamp.write_text(digest + "\n")
    return str(python)


class DependencyInstallFailed(RuntimeError):
    """pip refused what the target declares; the message names the sources and pip's last line."""
