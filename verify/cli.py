"""Command-line options of the verify sessions, parsed from nox's posargs."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from restructure.plan import PlanError
from verify import services as svc
from verify.runner import STEP_NAMES, VerifyOptions, exit_code, verify_services
from verify.target import DependencyInstallFailed

ACTIVE_SERVICES = [
    "academy", "members", "communications", "payments", "store", "volunteer", "events",
    "transport", "media", "attendance", "sessions", "ai", "gateway",
]  # fmt: skip
# the seed plan's active services: the sessions offered when no target is named


def session_services(repo: str | None = None, plan: str | None = None) -> list[str]:
    """Service names to offer a ``verify-<svc>`` session for: every service found in the
    target (``RESTRUCTURE_REPO``, where ``RESTRUCTURE_PLAN`` says services live), plan or
    not; the seed plan's services when none is set."""
    repo = repo if repo is not None else os.environ.get("RESTRUCTURE_REPO")
    plan = plan if plan is not None else os.environ.get("RESTRUCTURE_PLAN")
    if repo and Path(repo).is_dir():
        try:
            layout = svc.Layout.of_plan(plan)
        except PlanError:  # listing sessions must not fail; the run itself reports the plan's error
            layout = svc.Layout()
        found = [s.name for s in svc.discover(Path(repo).resolve(), layout)]
        if found:
            return found
    return list(ACTIVE_SERVICES)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nox -s verify-<svc> --", description="Verify services of a monorepo.")
    p.add_argument("--repo", default=os.environ.get("RESTRUCTURE_REPO", "."), type=Path)
    p.add_argument(
        "--plan",
        default=os.environ.get("RESTRUCTURE_PLAN"),
        help="the restructuring plan whose services_dir and service_suffix say where services live "
        "(default: RESTRUCTURE_PLAN, else the shipped plan)",
    )
    p.add_argument("--database-url", default=os.environ.get("VERIFY_DATABASE_URL"))
    p.add_argument(
        "--require-docker",
        action="store_true",
        default=os.environ.get("REQUIRE_DOCKER") == "1",
        help="fail the docker step when no engine answers (default when REQUIRE_DOCKER=1, as in CI)",
    )
    p.add_argument("--reports", default="reports", type=Path)
    p.add_argument("--python", help="use this interpreter for the target's code instead of the shared environment")
    p.add_argument("--steps", help=f"comma-separated subset of {','.join(STEP_NAMES)}")
    p.add_argument("--health-timeout", type=float, default=30.0)
    p.add_argument("--service", action="append", help="service short name (repeatable)")
    p.add_argument(
        "--extra-deps",
        nargs="+",
        default=[],
        metavar="PKG",
        help="packages the target uses but does not declare (installed locally and as one extra image layer)",
    )
    p.add_argument(
        "--env-file", type=Path, help="dotenv file whose variables override the services' compose environment"
    )
    return p


def verify_main(argv: list[str], services: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    names = services or args.service
    steps = args.steps.split(",") if args.steps else None
    unknown_steps = sorted(set(steps or []) - set(STEP_NAMES))
    if unknown_steps:
        print(f"error: unknown step(s) {', '.join(unknown_steps)}; known: {', '.join(STEP_NAMES)}", file=sys.stderr)
        return 2
    repo = args.repo.resolve()
    try:
        layout = svc.Layout.of_plan(args.plan)
    except PlanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not (repo / layout.services_dir).is_dir():
        print(
            f"error: {repo}: no {layout.services_dir}/ directory; pass --repo PATH or set RESTRUCTURE_REPO "
            "(or --plan FILE whose services_dir names where the services are)",
            file=sys.stderr,
        )
        return 2
    options = VerifyOptions(
        repo=repo,
        services=names,
        python=args.python,
        database_url=args.database_url,
        require_docker=args.require_docker,
        reports=args.reports,
        steps=steps,
        health_timeout=args.health_timeout,
        extra_deps=args.extra_deps,
        env_file=args.env_file.resolve() if args.env_file else None,
        layout=layout,
    )
    try:
        runs = verify_services(options)
    except svc.UnknownService as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DependencyInstallFailed as exc:
        print(f"error: {exc}; fix the declaration or pass --python", file=sys.stderr)
        return 2
    return exit_code(runs)
