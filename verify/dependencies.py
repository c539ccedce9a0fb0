"""The target's dependencies as it declares them, turned into one ``pip install`` command.

A monorepo declares what it needs in one of several places, and a harness that reads only
``requirements*.txt`` installs nothing for a repository that uses ``pyproject.toml``: every
app then fails to import and nothing can be judged. Read, in this order:

- lock files (``uv.lock``, ``poetry.lock``): every locked package pinned to its version;
- ``requirements*.txt`` at the repository root;
- ``pyproject.toml``: ``[project]`` dependencies plus the optional groups tests need
  (``test``, ``tests``, ``testing``, ``dev``), PEP 735 ``[dependency-groups]`` of those names,
  Poetry's ``[tool.poetry.dependencies]`` and its dev groups, PDM's ``dev-dependencies``;
- ``--extra-deps``: packages the target forgot to declare.

Also: the one-line hint that names a missing package when a step fails on an import.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

TEST_GROUPS = ("test", "tests", "testing", "dev")
LOCK_FILES = ("uv.lock", "poetry.lock")
ALWAYS = ("pytest",)  # the harness runs the target's tests with it


@dataclass
class Declared:
    """What to install, and where each part was read from (for the log and the digest)."""

    requirement_files: list[Path] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def pip_args(self) -> list[str]:
        args: list[str] = []
        for path in self.requirement_files:
            args += ["-r", str(path)]
        return args + self.packages


def _requirement_files(repo: Path) -> list[Path]:
    return sorted(p for p in repo.glob("requirements*.txt") if p.is_file())


def _lock_pins(repo: Path) -> tuple[list[str], list[str]]:
    """Pins from a lock file: ``name==version`` for every locked package but the project itself."""
    for name in LOCK_FILES:
        path = repo / name
        if not path.is_file():
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        pins = []
        for package in data.get("package", []):
            source = package.get("source") or {}
            if isinstance(source, dict) and (
                {"editable", "virtual"} & source.keys() or source.get("type") == "directory"
            ):
                continue  # the project (or a workspace member) itself
            if package.get("name") and package.get("version"):
                pins.append(f"{package['name']}=={package['version']}")
        return pins, [name]
    return [], []


def poetry_spec(name: str, spec: object) -> str | None:
    """A PEP 508 requirement for one Poetry dependency (``^``/``~`` constraints included)."""
    extras: list[str] = []
    if isinstance(spec, dict):
        if "path" in spec or "git" in spec or "url" in spec:
            return None  # a local or VCS package: the lock file or requirements say how
        extras = list(spec.get("extras", []))
        spec = spec.get("version", "*")
    if not isinstance(spec, str):
        return None
    head = name + (f"[{','.join(extras)}]" if extras else "")
    constraint = spec.strip()
    if constraint in {"", "*"}:
        return head
    if constraint[0] in "^~" and not constraint.startswith("~="):
        version = constraint.lstrip("^~").strip()
        parts = [int(p) if p.isdigit() else 0 for p in version.split(".")]
        if constraint[0] == "^":
            index = next((i for i, p in enumerate(parts) if p), len(parts) - 1)
        else:
            index = min(1, len(parts) - 1) if len(parts) > 1 else 0
        upper = parts[: index + 1]
        upper[-1] += 1
        return f"{head}>={version},<{'.'.join(map(str, upper))}"
    if constraint[0].isdigit():
        return f"{head}=={constraint}"
    return head + constraint


def _pyproject(repo: Path) -> tuple[list[str], list[str]]:
    path = repo / "pyproject.toml"
    if not path.is_file():
        return [], []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    packages: list[str] = []
    sources: list[str] = []
    project = data.get("project") or {}
    if project.get("dependencies"):
        packages += list(project["dependencies"])
        sources.append("pyproject.toml [project] dependencies")
    optional = project.get("optional-dependencies") or {}
    groups = data.get("dependency-groups") or {}
    for group in TEST_GROUPS:
        if group in optional:
            packages += list(optional[group])
            sources.append(f"pyproject.toml [project.optional-dependencies] {group}")
        if group in groups:
            packages += [g for g in groups[group] if isinstance(g, str)]
            sources.append(f"pyproject.toml [dependency-groups] {group}")
    tool = data.get("tool") or {}
    poetry = tool.get("poetry") or {}
    tables = [
        ("dependencies", poetry.get("dependencies") or {}),
        ("dev-dependencies", poetry.get("dev-dependencies") or {}),
    ]
    for group, body in (poetry.get("group") or {}).items():
        if group in TEST_GROUPS:
            tables.append((f"group.{group}", body.get("dependencies") or {}))
    for label, table in tables:
        specs = [poetry_spec(n, s) for n, s in table.items() if n.lower() != "python"]
        if any(specs):
            packages += [s for s in specs if s]
            sources.append(f"pyproject.toml [tool.poetry.{label}]")
    pdm = tool.get("pdm") or {}
    for group in TEST_GROUPS:
        listed = (pdm.get("dev-dependencies") or {}).get(group)
        if listed:
            packages += [s for s in listed if isinstance(s, str) and not s.startswith("-e")]
            sources.append(f"pyproject.toml [tool.pdm.dev-dependencies] {group}")
    return packages, sources


def declared(repo: Path, extra: list[str] | None = None) -> Declared:
    """Everything the target declares, plus ``extra`` (``--extra-deps``)."""
    result = Declared()
    pins, lock_sources = _lock_pins(repo)
    result.packages += pins
    result.sources += lock_sources
    result.requirement_files = _requirement_files(repo)
    result.sources += [p.name for p in result.requirement_files]
    packages, sources = _pyproject(repo)
    result.packages += packages
    result.sources += sources
    if extra:
        result.packages += list(extra)
        result.sources.append(f"--extra-deps {' '.join(extra)}")
    result.packages += [p for p in ALWAYS if p not in result.packages]
    return result


def digest(repo: Path, extra: list[str] | None = None) -> str:
    """Changes when anything that decides the installed set changes."""
    h = hashlib.sha256()
    for path in [*_requirement_files(repo), repo / "pyproject.toml", *(repo / n for n in LOCK_FILES)]:
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(("\0".join(sorted(extra or []))).encode())
    return h.hexdigest()


# A distribution whose import name differs from its name on the index (the common ones).
DISTRIBUTION = {
    "yaml": "PyYAML",
    "jose": "python-jose",
    "jwt": "PyJWT",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "multipart": "python-multipart",
    "psycopg2": "psycopg2-binary",
    "PIL": "Pillow",
    "bs4": "beautifulsoup4",
    "sklearn": "scikit-learn",
    "magic": "python-magic",
    "pydantic_settings": "pydantic-settings",
}
_NO_MODULE = re.compile(r"No module named '([A-Za-z0-9_.]+)'")
_GREENLET = re.compile(r"greenlet library is required|No module named 'greenlet'")


def missing_package(text: str, local_prefixes: tuple[str, ...] = ("services", "libs")) -> str | None:
    """The package a failure names as missing, or None. The target's own modules
    (``services.*``...) are not packages to install: a missing one is a real import error."""
    if _GREENLET.search(text):
        return "greenlet"
    match = _NO_MODULE.search(text)
    if not match:
        return None
    top = match.group(1).split(".")[0]
    if top in local_prefixes:
        return None
    return DISTRIBUTION.get(top, top.replace("_", "-"))


def local_packages(repo: Path) -> tuple[str, ...]:
    """Top-level packages of the repository itself (``services``, ``libs``...)."""
    return tuple(sorted(d.name for d in repo.iterdir() if d.is_dir() and (d / "__init__.py").is_file())) or (
        "services",
    )


def hint(text: str, local_prefixes: tuple[str, ...] = ("services", "libs")) -> str | None:
    """``missing package X: the target does not declare it; pass --extra-deps X``."""
    package = missing_package(text, local_prefixes)
    if package is None:
        return None
    return f"missing package {package}: the target does not declare it; pass --extra-deps {package}"
