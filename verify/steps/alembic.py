"""alembic: on an empty PostgreSQL database, upgrade head, one head, no autogenerate difference."""

from __future__ import annotations

import re
from pathlib import Path

from verify import alembic_runner
from verify.context import FAILED, PASSED, SKIPPED, ServiceContext, StepResult
from verify.target import run_script

DIFF_SCRIPT = Path(__file__).resolve().parents[1] / "alembic_diff.py"


def readable_difference(ctx: ServiceContext, ini: Path, url: str) -> list[str]:
    """Autogenerate's differences as migration operations, one statement per line."""
    result = run_script(ctx.python, ctx.repo, DIFF_SCRIPT, [str(ini)], {**ctx.env, "DATABASE_URL": url})
    if result.returncode != 0:
        return [f"could not render the difference: {_last(result.stderr)}"]
    return operations(result.stdout) or [f"could not render the difference: {_last(result.stderr)}"]


def operations(code: str) -> list[str]:
    """``op.alter_column('t', 'c',\n    existing_type=...)`` -> one line per statement."""
    statements: list[str] = []
    current: list[str] = []
    depth = 0
    for raw in code.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        current.append(line)
        depth += line.count("(") + line.count("[") - line.count(")") - line.count("]")
        if depth <= 0:
            statements.append(" ".join(current).replace("( ", "(").replace(" )", ")"))
            current, depth = [], 0
    if current:
        statements.append(" ".join(current))
    return statements


_QUOTED = re.compile(r"'([A-Za-z0-9_]+)'")


def _belongs_to_others(operation: str, own_tables: set[str]) -> bool:
    """A drop of something no table of this service is named in: in a shared database,
    autogenerate proposes to drop every table another service owns (and its version table)."""
    return operation.startswith("op.drop_") and not (set(_QUOTED.findall(operation)) & own_tables)


def _last(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def run(ctx: ServiceContext) -> StepResult:
    ini = ctx.service.alembic_ini
    if ini is None:
        return StepResult("alembic", SKIPPED, "the service has no alembic.ini (no database)")
    if ctx.postgres is None or ctx.run is None:
        return StepResult("alembic", FAILED, ctx.postgres_error or "no PostgreSQL available")
    url = ctx.run.database_url(ctx.service)
    env = ctx.env
    group = ctx.run.group_of(ctx.service)
    upgraded = None
    where = ""
    if group is not None:
        # One database for the services that share it, upgraded in the repository's order.
        upgrades = ctx.run.upgrade_group(group)
        where = f" (shared database {group.key}, order {' -> '.join(group.services)}: {group.order_reason})"
        failed = next(((n, r) for n, r in upgrades.items() if r.returncode != 0), None)
        if failed and failed[0] != ctx.service.name:
            return StepResult(
                "alembic",
                FAILED,
                f"upgrade head of {failed[0]}, before this service{where}, failed: {_last(failed[1].stderr)}",
                [line for line in failed[1].stderr.splitlines() if line.strip()][-40:],
            )
        upgraded = upgrades.get(ctx.service.name)
    result = alembic_runner.upgrade_and_check(ctx.python, ctx.repo, ini, url, env=env, upgraded=upgraded)
    if result.ok:
        ctx.database_url = url
        return StepResult("alembic", PASSED, f"head {result.heads[0]}: " + result.message + where)
    if result.heads and len(result.heads) == 1 and result.message.startswith("models and migrations differ"):
        details = readable_difference(ctx, ini, url)
        if group is not None:
            own = set(ctx.probe().get("tables", {}))
            others = [d for d in details if _belongs_to_others(d, own)]
            details = [d for d in details if d not in others]
            if not details:
                ctx.database_url = url
                return StepResult(
                    "alembic",
                    PASSED,
                    f"head {result.heads[0]}: upgrade head applied; one head; autogenerate's only differences "
                    f"({len(others)}) drop what other services sharing the database own{where}",
                    others,
                )
        more = f" (+{len(details) - 1} more)" if len(details) > 1 else ""
        return StepResult("alembic", FAILED, f"models and migrations differ: {details[0]}{more}", details)
    output = result.check_output or result.upgrade_output
    return StepResult("alembic", FAILED, result.message, [line for line in output.splitlines() if line.strip()][-40:])
