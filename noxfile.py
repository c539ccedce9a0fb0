"""Nox sessions: ``verify-<svc>`` per service, ``verify`` for all, plus ``tests`` and ``lint``.

The target repository comes from ``RESTRUCTURE_REPO`` or ``-- --repo PATH``. Verify
sessions run in this interpreter (no per-session virtualenv) and share one environment
holding the target's own dependencies, rebuilt only when its requirement files change.
"""

from __future__ import annotations

import sys

import nox

from verify import cli

nox.options.sessions = ["tests", "lint"]
SERVICES = cli.session_services()  # every service of RESTRUCTURE_REPO when it is set


def _verify(session: nox.Session, services: list[str] | None) -> None:
    code = cli.verify_main(session.posargs, services)
    if code:
        session.error("verification failed (see the table and the reports above)")


def _make_service_session(name: str) -> None:
    def session_body(session: nox.Session) -> None:
        _verify(session, [name])

    session_body.__doc__ = (
        f"Verify the {name} service: layout, imports, routes, metadata, uvicorn, alembic, tests, compose, docker."
    )
    nox.session(name=f"verify-{name}", python=False)(session_body)


for _name in SERVICES:
    _make_service_session(_name)


@nox.session(python=False)
def verify(session: nox.Session) -> None:
    """Verify every service of the target and print a summary table."""
    _verify(session, None)


@nox.session(python=False)
def tests(session: nox.Session) -> None:
    """Run this project's own test suite (needs PostgreSQL binaries and a Docker engine)."""
    session.run(sys.executable, "-m", "pytest", *session.posargs)


@nox.session(python=False)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check on this project."""
    session.run(
        sys.executable, "-m", "ruff", "check", "restructure", "verify", "tests", "benchmarks", "tasks.py", "noxfile.py"
    )
    session.run(
        sys.executable,
        "-m",
        "ruff",
        "format",
        "--check",
        "restructure",
        "verify",
        "tests",
        "benchmarks",
        "tasks.py",
        "noxfile.py",
    )
