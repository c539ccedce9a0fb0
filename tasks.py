"""Invoke tasks: ``invoke phase1`` ... ``invoke phase15``, ``all``, ``status``, ``conventions``.

Thin entry points: options are parsed here, the work is done in ``restructure/`` and
``verify/``. Every task takes ``--repo PATH`` (default: the current directory).
"""

from __future__ import annotations

from invoke import Collection, Exit, Task, task

from restructure import cli

PHASE_HELP = {
    "repo": "target monorepo (a git work tree); default: current directory",
    "dry_run": "print the operations and a unified diff; change nothing",
    "commit": "commit the phase's changes (one commit per phase)",
    "allow_dirty": "run even though the work tree has uncommitted changes",
    "plan": "plan file (default: the shipped plan encoding the seed document)",
}


TITLES = cli.default_titles()


def _run(numbers, repo, plan, dry_run, commit, allow_dirty, keep_going=False) -> None:
    try:
        cli.run_phases(repo, numbers, plan, dry_run, commit, allow_dirty, keep_going, process_ends=True)
    except cli.UserError as exc:
        raise Exit(f"error: {exc}", code=1) from exc


def _phase_task(number: int) -> Task:
    def body(c, repo=".", dry_run=False, commit=False, allow_dirty=False, plan=None, explain=None):
        if explain:
            try:
                cli.explain(repo, number, plan, explain)
            except cli.UserError as exc:
                raise Exit(f"error: {exc}", code=1) from exc
            return
        _run([number], repo, plan, dry_run, commit, allow_dirty)

    body.__name__ = f"phase{number}"
    body.__doc__ = f"Phase {number}: {TITLES.get(number, 'not in the default plan')}."
    explain = "print where the phase's splits put SYMBOL and the evidence (nothing written)"
    return task(body, name=f"phase{number}", help={**PHASE_HELP, "explain": explain})


@task(
    name="all",
    help={**PHASE_HELP, "keep_going": "run the later phases after a failed one (the exit code is still non-zero)"},
)
def all_phases(c, repo=".", dry_run=False, commit=False, allow_dirty=False, plan=None, keep_going=False):
    """Run every phase of the plan in order; stop at the first failing phase."""
    try:
        numbers = cli.all_phase_numbers(plan)
    except cli.UserError as exc:
        raise Exit(f"error: {exc}", code=1) from exc
    _run(numbers, repo, plan, dry_run, commit, allow_dirty, keep_going)


@task(
    help={
        "repo": PHASE_HELP["repo"],
        "plan": PHASE_HELP["plan"],
        "roots": "print where each service's code is imported from, with the evidence",
    }
)
def status(c, repo=".", plan=None, roots=False):
    """Show per phase and service: done, pending or not applicable (read from the repo)."""
    try:
        cli.print_roots(repo, plan) if roots else cli.print_status(repo, plan)
    except cli.UserError as exc:
        raise Exit(f"error: {exc}", code=1) from exc


@task(
    name="check-references",
    help={
        "repo": PHASE_HELP["repo"],
        "against": "the revision to compare the work tree with (default: HEAD)",
        "services_dir": "the directory holding the services (default: services)",
    },
)
def check_references(c, repo=".", against="HEAD", services_dir="services"):
    """List references to the repo's own code that resolve in REV and not in the work tree."""
    try:
        code = cli.check_references(repo, against, services_dir)
    except cli.UserError as exc:
        raise Exit(f"error: {exc}", code=1) from exc
    if code:
        raise Exit(code=code)


@task(help={"repo": PHASE_HELP["repo"]})
def conventions(c, repo="."):
    """Check the seven layout conventions; one line per violation, non-zero exit if any."""
    try:
        code = cli.check_conventions(repo)
    except cli.UserError as exc:
        raise Exit(f"error: {exc}", code=1) from exc
    if code:
        raise Exit(code=code)


@task(
    name="plan",
    help={
        "service": "service short name (e.g. store)",
        "repo": PHASE_HELP["repo"],
        "output": "plan file to write, or - for stdout (default: the target's .git/restructure/plan-<service>.yaml)",
        "plan": "plan whose services/phase numbers to start from (default: the shipped plan)",
    },
)
def propose(c, service, repo=".", output=None, plan=None):
    """Propose groups for one service from its code and write an editable plan file."""
    try:
        path = cli.propose_plan(repo, service, output, plan)
    except cli.UserError as exc:
        raise Exit(f"error: {exc}", code=1) from exc
    if path is not None:
        print(f"wrote {path}")


ns = Collection(all_phases, status, conventions, propose, check_references)
for _number in range(1, 16):
    ns.add_task(_phase_task(_number))


@task(
    help={
        "repo": PHASE_HELP["repo"],
        "service": "only this service (repeatable); default: every service",
        "python": "the target's Python; default: a shared environment with its dependencies",
        "database_url": "an existing PostgreSQL server; default: a throwaway cluster",
        "allow_partial": "record a baseline even though some apps do not import (they are reported as pre-existing)",
        "extra_deps": "a package the target uses but does not declare (repeatable)",
        "env_file": "dotenv file whose variables override the services' compose environment",
        "no_docker": "do not build and start the images on the baseline (their results are then judged alone)",
        "plan": "the plan whose services_dir and service_suffix say where services live (default: the shipped plan)",
    },
    iterable=["service", "extra_deps"],
)
def snapshot(
    c, repo=".", service=None, python=None, database_url=None, allow_partial=False, extra_deps=None,
    env_file=None, no_docker=False, plan=None,
):  # fmt: skip
    """Record each service's baseline (surface, tests, and which steps already fail) before restructuring."""
    from pathlib import Path

    from restructure.plan import PlanError
    from verify.runner import BASELINE_STEPS, BaselineRefused, take_snapshot
    from verify.services import Layout, UnknownService
    from verify.target import DependencyInstallFailed

    steps = [s for s in BASELINE_STEPS if not (no_docker and s == "docker")]
    try:
        take_snapshot(
            Path(repo),
            service or None,
            python,
            database_url,
            allow_partial=allow_partial,
            extra_deps=extra_deps or None,
            env_file=Path(env_file).resolve() if env_file else None,
            steps=steps,
            layout=Layout.of_plan(plan),
        )
    except (UnknownService, BaselineRefused, DependencyInstallFailed, PlanError) as exc:
        raise Exit(f"error: {exc}", code=1) from exc


ns.add_task(snapshot)


@task(
    help={
        "workdir": "where to put the scratch copy (default: a new temporary directory)",
        "require_docker": "fail the docker step when no engine answers",
        "fixture": "compose-fixtures/<name> to run on (default: monorepo); uses its restructure-plan.yaml if any",
    }
)
def demo(c, workdir=None, require_docker=False, fixture="monorepo"):
    """The whole job on a built-in fixture: snapshot, every phase, nox -s verify, summary."""
    from restructure import demo as demo_module

    try:
        code = demo_module.run(workdir, require_docker, fixture)
    except demo_module.DemoRefused as exc:
        raise Exit(f"error: {exc}", code=1) from exc
    if code:
        raise Exit(code=code)


ns.add_task(demo)
