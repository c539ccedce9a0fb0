"""The pytest command a repository's CI workflow runs, read from ``.github/workflows``.

The repository's own run is what judges a restructure: when its CI calls pytest with test
paths or a selection (``-m "not live"``, ``-k``, ``--ignore``, ``--deselect``), the harness
runs the same selection, not the ini ``testpaths`` alone. Options that only change how
results are shown or how the run is spread (``-q``, ``-x``, ``--cov``, ``-n``) are
dropped: the harness needs every test's outcome in one junit file. A command this module
cannot read exactly (a path built from a ``${{ }}`` expression, an unknown option) is left
out with the reason, never guessed.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

# options that select tests, with whether they take a value
SELECTING = {"-m": True, "-k": True, "--ignore": True, "--ignore-glob": True, "--deselect": True}
# options that change only reporting, stopping or distribution, with whether they take a value
IGNORED = {
    "-q": False, "-v": False, "-vv": False, "-s": False, "-x": False, "-ra": False, "-rA": False, "-rf": False,
    "--quiet": False, "--verbose": False, "--exitfirst": False, "--strict-markers": False, "--color": True,
    "--tb": True, "--maxfail": True, "--durations": True, "--junitxml": True, "--junit-xml": True, "-n": True,
    "--numprocesses": True, "--cov": True, "--cov-report": True, "--cov-fail-under": True, "--cov-config": True,
    "-p": True, "-o": True, "--log-level": True, "--timeout": True, "--no-header": False, "--disable-warnings": False,
    "--cov-append": False, "--cov-branch": False, "--showlocals": False, "-l": False,
}  # fmt: skip
RUNNERS = {"poetry", "uv", "pdm", "hatch", "pipenv", "run", "--"}


@dataclass
class WorkflowCommand:
    """What the CI workflow's pytest calls select, and where each was read."""

    paths: list[str] = field(default_factory=list)
    uses_testpaths: bool = False  # a call from the repository root named no path: pytest's testpaths
    options: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line per command not taken, with why

    @property
    def source(self) -> str:
        return "CI workflow " + ", ".join(self.sources)


def _shell_commands(script: str) -> list[str]:
    """The commands of a ``run:`` script: continuation lines joined, split at ``&&``/``;``
    (a ``cd DIR`` before pytest is kept as its own command)."""
    joined = script.replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        line = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
        for part in line.replace("&&", ";").split(";"):
            if part.strip():
                commands.append(part.strip())
    return commands


def _assignment(word: str) -> bool:
    return "=" in word and not word.startswith("-")


def _pytest_args(words: list[str]) -> list[str] | None:
    """The arguments after ``pytest`` / ``python -m pytest`` (behind a runner such as
    ``poetry run``), or None when the command does not run pytest."""
    index = 0
    while index < len(words) and (words[index] in RUNNERS or _assignment(words[index])):
        index += 1  # runners and VAR=value prefixes
    rest = words[index:]
    if rest[:1] == ["pytest"] or rest[:1] == ["py.test"]:
        return rest[1:]
    if len(rest) >= 3 and PurePosixPath(rest[0]).name.startswith("python") and rest[1:3] == ["-m", "pytest"]:
        return rest[3:]
    return None


def _read_args(args: list[str], cwd: str) -> tuple[list[str], list[str]] | str:
    """(paths, selecting options) of one pytest call, or why it cannot be taken exactly."""
    paths: list[str] = []
    options: list[str] = []
    index = 0
    while index < len(args):
        word = args[index]
        name, has_value, value = word.partition("=")
        if "${{" in word or "$" in word:
            return f"{word!r} is built by the workflow at run time"
        if word.startswith("-"):
            table = SELECTING if name in SELECTING else IGNORED if name in IGNORED else None
            if table is None and word[:2] in IGNORED and len(word) > 2 and IGNORED[word[:2]]:
                index += 1  # a glued short option with its value: -n4, -pno:cacheprovider
                continue
            if table is None:
                return f"option {name} is not one the harness can reproduce"
            takes_value = table[name]
            if takes_value and not has_value:
                index += 1
                value = args[index] if index < len(args) else ""
            if table is SELECTING:
                value = _join(cwd, value) if name in {"--ignore", "--deselect", "--ignore-glob"} else value
                options.extend([name, value] if not name.startswith("--") else [f"{name}={value}"])
        else:
            paths.append(_join(cwd, word))
        index += 1
    return paths, options


def _join(cwd: str, path: str) -> str:
    return (PurePosixPath(cwd) / path).as_posix() if cwd not in {"", "."} else path


def _steps(document: object) -> list[tuple[str, str]]:
    """(working directory, run script) of every step of every job."""
    out = []
    jobs = document.get("jobs") if isinstance(document, dict) else None
    for job in (jobs or {}).values():
        if not isinstance(job, dict):
            continue
        default = ((job.get("defaults") or {}).get("run") or {}).get("working-directory", "")
        for step in job.get("steps") or []:
            if isinstance(step, dict) and isinstance(step.get("run"), str):
                out.append((str(step.get("working-directory", default) or ""), step["run"]))
    return out


def read(repo: Path) -> WorkflowCommand | None:
    """The pytest selection of the repository's GitHub workflows; None when none runs pytest.

    Several calls (a job per service) add their paths; their selecting options must agree,
    else the options are dropped and the disagreement is listed in ``skipped``."""
    found = WorkflowCommand()
    option_sets: list[list[str]] = []
    folder = repo / ".github" / "workflows"
    files = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder.is_dir() else []
    for file in files:
        rel = file.relative_to(repo).as_posix()
        try:
            document = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            found.skipped.append(f"{rel}: not readable YAML ({type(exc).__name__})")
            continue
        for workdir, script in _steps(document):
            cwd = workdir
            for command in _shell_commands(script):
                try:
                    words = shlex.split(command)
                except ValueError:
                    continue
                if words[:1] == ["cd"] and len(words) == 2:
                    cwd = _join(workdir, words[1])
                    continue
                args = _pytest_args(words)
                if args is None:
                    continue
                read_args = _read_args(args, cwd)
                if isinstance(read_args, str):
                    found.skipped.append(f"{rel}: `{command}`: {read_args}")
                    continue
                paths, options = read_args
                if not paths and cwd in {"", "."}:
                    found.uses_testpaths = True
                found.paths.extend(p for p in paths or ([cwd] if cwd not in {"", "."} else []) if p not in found.paths)
                option_sets.append(options)
                if rel not in found.sources:
                    found.sources.append(rel)
    if not found.sources:
        return None if not found.skipped else found
    if all(options == option_sets[0] for options in option_sets):
        found.options = option_sets[0]
    else:
        found.skipped.append("the workflow's pytest calls select differently (" + " | ".join(
            " ".join(o) or "no selection" for o in option_sets) + "): their options are not used")  # fmt: skip
    return found
