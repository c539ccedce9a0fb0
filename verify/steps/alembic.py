"""alembic: on an empty PostgreSQL database, upgrade head, one head, no autogenerate difference."""

from __future__ import annotations

from pathlib import Path

from verify import alembic_runner
from verify.context import FAILED, PASSED, SKIPPED, ServiceContext, StepResult
from verify.target import run_script

DIFF_SCRIPT = Path(__file__).resolve().parents[1] / "alembic_diff.py"


def readable_difference(ctx: ServiceContext, ini: Path, url: str) -> list[str]:
    """Autogenerate's differences as migration operations, one statement per line."""
    result = run_script(ctx.python, ctx.repo, DIFF_SCRIPT, [str(ini)], {"DATABASE_URL": url})
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


def _last(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def run(ctx: ServiceContext) -> StepResult:
    ini = ctx.service.alembic_ini
    if ini is None:
        return StepResult("alembic", SKIPPED, "the service has no alembic.ini (no database)")
    if ctx.postgres is None:
        return StepResult("alembic", FAILED, ctx.postgres_error or "no PostgreSQL available")
    name = ctx.postgres.create_database(f"verify_{ctx.service.name}")
    url = ctx.postgres.url(name)
    ctx.cleanups.append(lambda: ctx.postgres.drop_database(name))  # type: ignore[union-attr]
    result = alembic_runner.upgrade_and_check(ctx.python, ctx.repo, ini, url)
    if result.ok:
        ctx.database_url = url
        return StepResult("alembic", PASSED, f"head {result.heads[0]}: " + result.message)
    if result.heads and len(result.heads) == 1 and result.message.startswith("models and migrations differ"):
        details = readable_difference(ctx, ini, url)
        more = f" (+{len(details) - 1} more)" if len(details) > 1 else ""
        return StepResult("alembic", FAILED, f"models and migrations differ: {details[0]}{more}", details)
    output = result.check_output or result.upgrade_output
    return StepResult("alembic", FAILED, result.message, [line for line in output.splitlines() if line.strip()][-40:])
