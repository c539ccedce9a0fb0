"""arq worker for the berths service.

Run with ``arq services.berths_service.worker.WorkerSettings`` (see docker-compose).
"""

from __future__ import annotations

import logging
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from sqlalchemy.ext.asyncio import async_sessionmaker

from libs.db import get_engine
from libs.settings import get_settings
from services.berths_service.tasks import (
    expire_contracts,
    mark_no_shows,
    release_unconfirmed_bookings,
)

logger = logging.getLogger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    ctx["session_factory"] = async_sessionmaker(get_engine(), expire_on_commit=False)
    logger.info("berths worker started (%s)", get_settings().environment)


async def shutdown(ctx: dict[str, Any]) -> None:
    await get_engine().dispose()


class WorkerSettings:
    functions = [release_unconfirmed_bookings, mark_no_shows, expire_contracts]
    cron_jobs = [
        cron(release_unconfirmed_bookings, minute={0, 30}),
        cron(mark_no_shows, hour=12, minute=0),
        cron(expire_contracts, hour=0, minute=5),
    ]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(get_settings().redis_url)
    max_jobs = 10
    job_timeout = 120
