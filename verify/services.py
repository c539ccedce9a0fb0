"""Find the services of a target monorepo and where their app, alembic and tests live.

The harness must work before and after a restructure, so every location is discovered
from the tree (``services/<svc>/main.py`` or the old ``services/<svc>/app/main.py``).
Where the services live is the plan's ``services_dir`` and ``service_suffix`` (a
:class:`Layout`), the same two keys the restructure phases read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SERVICE_SUFFIX = "_service"


class UnknownService(LookupError):
    pass


@dataclass(frozen=True)
class Layout:
    """Services are the directories ``<services_dir>/<name><suffix>/`` holding an app."""

    services_dir: str = "services"
    suffix: str = SERVICE_SUFFIX

    @classmethod
    def of_plan(cls, plan: str | Path | None) -> Layout:
        """The layout a plan file names (the shipped plan's when None): verify must look
        where the phases moved things."""
        if not plan:
            return cls()
        from restructure.plan import load_plan

        loaded = load_plan(plan)
        return cls(loaded.services_dir.strip("/"), loaded.service_suffix)

    @property
    def package(self) -> str:
        return self.services_dir.replace("/", ".")


@dataclass(frozen=True)
class Service:
    repo: Path
    dirname: str
    layout: Layout = Layout()

    @property
    def name(self) -> str:
        """Short name used by sessions: ``academy_service`` -> ``academy``."""
        return self.dirname.removesuffix(self.layout.suffix) if self.layout.suffix else self.dirname

    @property
    def root(self) -> Path:
        return self.repo / self.layout.services_dir / self.dirname

    @property
    def relative_root(self) -> str:
        """The service directory from the repository root, ``services/x_service``."""
        return f"{self.layout.services_dir}/{self.dirname}"

    @property
    def package(self) -> str:
        return f"{self.layout.package}.{self.dirname}"

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


def discover(repo: Path, layout: Layout = Layout()) -> list[Service]:
    """Every ``services/*_service`` directory (as ``layout`` names them) that holds an app, sorted by name."""
    base = repo / layout.services_dir
    if not base.is_dir():
        return []
    found = [
        Service(repo, d.name, layout) for d in sorted(base.iterdir()) if d.is_dir() and d.name.endswith(layout.suffix)
    ]
    return [s for s in found if s.main_module is not None]


def get(repo: Path, name: str, layout: Layout = Layout()) -> Service:
    for service in discover(repo, layout):
        if name in (service.name, service.dirname):
            return service
    known = ", ".join(s.name for s in discover(repo, layout)) or "none"
    raise UnknownService(f"unknown service {name!r} in {repo}/{layout.services_dir} (known: {known})")
