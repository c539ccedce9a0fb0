"""alembic: on an empty PostgreSQL database, upgrade head, one head, no autogenerate difference."""

from __future__ import annotations

from pathlib import Path

from verify import alembic_runner
from verify.context import FAILED, PASSED, SKIPPED, ServiceContext, StepResult
from verify.target import run_script

DIFF_SCRIPT = Path(__file__).resolve().parents[1] / "alembic_diff.py"


def readable_difference(ctx: ServiceContext, ini: Path, url: str) -> list[str]:
    result = run_script(ctx.python, ctx.repo, DIFF_SCRIPT, [str(ini)], {"DATABASE_URL": url})
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip() and not line.strip().startswith("#")]
    return lines or [result.stderr.strip()[-400:]]


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
    details = [result.message]
    if result.heads and len(result.heads) == 1 and "differ" in result.message:
        details = readable_difference(ctx, ini, url)
        return StepResult("alembic", FAILED, "models and migrations differ: " + details[0], details)
    return StepResult("alembic", FAILED, result.message, [*details, result.upgrade_output[-2000:]])
