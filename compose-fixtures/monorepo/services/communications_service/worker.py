"""arq worker for the communications service.

Run with ``arq services.communications_service.worker.WorkerSettings`` (see docker-compose).
"""

from __future__ import annotations

import logging
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from sqlalchemy.ext.asyncio import async_sessionmaker

from libs.db import get_engine
from libs.settings import get_settings
from services.communications_service.tasks import (
    fan_out_announcement,
    flush_email_outbox,
    notify_members,
    publish_scheduled_announcements,
    purge_old_notifications,
    send_daily_digests,
    send_digests,
    send_due_reminders,
    send_email,
    send_weekly_digests,
)

logger = logging.getLogger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    ctx["session_factory"] = async_sessionmaker(get_engine(), expire_on_commit=False)
    logger.info("communications worker started (%s)", get_settings().environment)


async def shutdown(ctx: dict[str, Any]) -> None:
    await get_engine().dispose()


class WorkerSettings:
    functions = [send_email, fan_out_announcement, notify_members, send_digests]
    cron_jobs = [
        cron(flush_email_outbox, second={0, 30}, run_at_startup=True),
        cron(publish_scheduled_announcements, second=15),
        cron(send_due_reminders, minute=set(range(0, 60, 5)), second=45),
        cron(send_daily_digests, hour=17, minute=0),
        cron(send_weekly_digests, weekday="sun", hour=17, minute=30),
        cron(purge_old_notifications, hour=3, minute=15),
    ]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(get_settings().redis_url)
    max_jobs = 20
    job_timeout = 300
    keep_result = 3600
