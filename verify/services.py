"""Find the services of a target monorepo and where their app, alembic and tests live.

The harness must work before and after a restructure, so every location is discovered
from the tree (``services/<svc>/main.py`` or the old ``services/<svc>/app/main.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SERVICE_SUFFIX = "_service"


class UnknownService(LookupError):
    pass


@dataclass(frozen=True)
class Service:
    repo: Path
    dirname: str

    @property
    def name(self) -> str:
        """Short name used by sessions: ``academy_service`` -> ``academy``."""
        return self.dirname.removesuffix(SERVICE_SUFFIX)

    @property
    def root(self) -> Path:
        return self.repo / "services" / self.dirname

    @property
    def package(self) -> str:
        return f"services.{self.dirname}"

    @property
    def main_module(self) -> str | None:
        """Dotted module of the app: the new ``main`` or the old ``app.main``."""
        if (self.root / "main.py").is_file():
            return f"{self.package}.main"
        if (self.root / "app" / "main.py").is_file():
            return f"{self.package}.app.main"
        return None

    @property
    def app_string(self) -> str | None:
        module = self.main_module
        return f"{module}:app" if module else None

    @property
    def alembic_ini(self) -> Path | None:
        path = self.root / "alembic.ini"
        return path if path.is_file() else None

    @property
    def dockerfile(self) -> Path | None:
        path = self.root / "Dockerfile"
        return path if path.is_file() else None

    @property
    def test_dirs(self) -> list[Path]:
        return [p for p in (self.root / "tests", self.root / "app" / "tests") if p.is_dir()]


def discover(repo: Path) -> list[Service]:
    """Every ``services/*_service`` directory that holds an app, sorted by name."""
    base = repo / "services"
    if not base.is_dir():
        return []
    found = [Service(repo, d.name) for d in sorted(base.iterdir()) if d.is_dir() and d.name.endswith(SERVICE_SUFFIX)]
    return [s for s in found if s.main_module is not None]


def get(repo: Path, name: str) -> Service:
    for service in discover(repo):
        if name in (service.name, service.dirname):
            return service
    known = ", ".join(s.name for s in discover(repo)) or "none"
    raise UnknownService(f"unknown service {name!r} in {repo}/services (known: {known})")
