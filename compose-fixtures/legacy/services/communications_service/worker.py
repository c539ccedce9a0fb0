"""arq worker settings: ``arq services.communications_service.worker.WorkerSettings``.

arq itself is only installed in the worker image, so nothing here imports it; arq reads
these class attributes by name.
"""

import os
from typing import Dict

from services.communications_service.tasks import (
    flush_queue_job,
    purge_announcements_job,
    send_email_job,
)


def _redis_settings() -> Dict[str, object]:
    return {
        'host': os.environ.get('REDIS_HOST', 'localhost'),
        'port': int(os.environ.get('REDIS_PORT', '6379')),
    }


class WorkerSettings(object):
    functions = [send_email_job, flush_queue_job, purge_announcements_job]
    redis_settings = _redis_settings()
    max_tries = 3
    job_timeout = 60
