"""ARQ worker for the academy service.

Run with ``arq services.academy_service.worker.WorkerSettings``. The task module imports
the router (and FastAPI with it); the wrappers below import it when a job runs so the
worker process starts fast and a broken router cannot stop the scheduler.
"""

from typing import Any

from arq import cron
from arq.connections import RedisSettings
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from libs.settings import get_settings


async def startup(ctx: dict[str, Any]) -> None:
    engine = create_async_engine(get_settings().database_url, pool_size=5)
    ctx["engine"] = engine
    ctx["session_factory"] = async_sessionmaker(engine, expire_on_commit=False)


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["engine"].dispose()


async def send_enrollment_confirmation(ctx: dict[str, Any], enrollment_id: str) -> bool:
    from services.academy_service.tasks import send_enrollment_confirmation as task

    return await task(ctx, enrollment_id)


async def notify_program_interest(ctx: dict[str, Any], cohort_id: str) -> int:
    from services.academy_service.tasks import notify_program_interest as task

    return await task(ctx, cohort_id)


async def rescore_cohort_complexity(ctx: dict[str, Any], cohort_id: str) -> str | None:
    from services.academy_service.tasks import rescore_cohort_complexity as task

    return await task(ctx, cohort_id)


async def refresh_active_cohort_progress(ctx: dict[str, Any]) -> int:
    from services.academy_service.tasks import refresh_active_cohort_progress as task

    return await task(ctx)


async def advance_cohort_statuses(ctx: dict[str, Any]) -> dict[str, int]:
    from services.academy_service.tasks import advance_cohort_statuses as task

    return await task(ctx)


async def expire_unpaid_enrollments(ctx: dict[str, Any]) -> int:
    from services.academy_service.tasks import expire_unpaid_enrollments as task

    return await task(ctx)


async def send_cohort_start_reminders(ctx: dict[str, Any]) -> int:
    from services.academy_service.tasks import send_cohort_start_reminders as task

    return await task(ctx)


async def weekly_coach_digest(ctx: dict[str, Any]) -> int:
    from services.academy_service.tasks import weekly_coach_digest as task

    return await task(ctx)


async def close_ended_assignments(ctx: dict[str, Any]) -> int:
    from services.academy_service.tasks import close_ended_assignments as task

    return await task(ctx)


class WorkerSettings:
    functions = [send_enrollment_confirmation, notify_program_interest, rescore_cohort_complexity]
    cron_jobs = [
        cron(advance_cohort_statuses, hour={1}, minute={0}),
        cron(refresh_active_cohort_progress, hour={2}, minute={0}),
        cron(expire_unpaid_enrollments, minute={15, 45}),
        cron(close_ended_assignments, hour={3}, minute={0}),
        cron(send_cohort_start_reminders, hour={8}, minute={30}),
        cron(weekly_coach_digest, weekday="mon", hour={7}, minute={0}),
    ]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(get_settings().redis_url)
    max_jobs = 10
    job_timeout = 300
