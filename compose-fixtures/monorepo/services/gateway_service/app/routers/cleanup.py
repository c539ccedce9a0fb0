"""Admin housekeeping: preview and run the cleanup jobs that the services expose.

Each service owns its data and its own cleanup endpoint under ``/api/v1/internal/``; the
gateway only fans the call out, with the internal token, and keeps a short history of runs
in memory (the admin screen shows the latest ones; nothing here needs to survive a restart).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field

from libs.auth import AuthUser, require_admin
from services.gateway_service.app import clients

router = APIRouter(prefix="/admin/cleanup", tags=["cleanup"], dependencies=[Depends(require_admin)])


@dataclass(frozen=True)
class CleanupTask:
    key: str
    service: str
    path: str
    description: str
    default_days: int


TASKS: tuple[CleanupTask, ...] = (
    CleanupTask(
        "abandoned-carts",
        "store",
        "/api/v1/internal/store/carts/abandoned",
        "Carts without activity; reserved stock goes back on sale.",
        14,
    ),
    CleanupTask(
        "stale-payments",
        "payments",
        "/api/v1/internal/payments/stale",
        "Payments never completed at Paystack, marked as abandoned.",
        2,
    ),
    CleanupTask(
        "read-notifications",
        "communications",
        "/api/v1/internal/notifications/read",
        "Notifications the member has read.",
        90,
    ),
    CleanupTask(
        "orphaned-media",
        "media",
        "/api/v1/internal/media/orphans",
        "Uploads never attached to an album or a profile.",
        7,
    ),
    CleanupTask(
        "past-rides",
        "transport",
        "/api/v1/internal/transport/rides/past",
        "Ride offers and bookings of finished rides.",
        60,
    ),
)
TASKS_BY_KEY = {task.key: task for task in TASKS}

MAX_HISTORY = 50


class TaskInfo(BaseModel):
    key: str
    service: str
    description: str
    default_days: int


class TaskPreview(BaseModel):
    key: str
    service: str
    older_than_days: int
    count: int | None = None
    error: str | None = None


class CleanupRequest(BaseModel):
    tasks: list[str] | None = Field(default=None, description="task keys; all when omitted")
    older_than_days: int | None = Field(default=None, ge=1, le=3650)
    dry_run: bool = False


class TaskOutcome(BaseModel):
    key: str
    service: str
    status: Literal["done", "dry-run", "failed"]
    affected: int | None = None
    error: str | None = None


class CleanupJob(BaseModel):
    id: str
    requested_by: str
    started_at: datetime
    finished_at: datetime
    dry_run: bool
    outcomes: list[TaskOutcome]

    @property
    def failed(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == "failed")


_history: deque[CleanupJob] = deque(maxlen=MAX_HISTORY)


def _select(keys: list[str] | None) -> list[CleanupTask]:
    if not keys:
        return list(TASKS)
    unknown = sorted(set(keys) - TASKS_BY_KEY.keys())
    if unknown:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"unknown cleanup tasks: {', '.join(unknown)}"
        )
    return [TASKS_BY_KEY[key] for key in dict.fromkeys(keys)]


def _error_text(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    return exc.__class__.__name__


async def _call(task: CleanupTask, method: str, days: int) -> dict:
    response = await clients.get_client(task.service).request(
        method,
        task.path,
        params={"older_than_days": days},
        headers=clients.internal_headers(),
    )
    response.raise_for_status()
    return response.json()


async def _count(task: CleanupTask, days: int) -> TaskPreview:
    preview = TaskPreview(key=task.key, service=task.service, older_than_days=days)
    try:
        preview.count = int((await _call(task, "GET", days))["count"])
    except httpx.HTTPError as exc:
        preview.error = _error_text(exc)
    except (KeyError, TypeError, ValueError):
        preview.error = "invalid response"
    return preview


async def _purge(task: CleanupTask, days: int, dry_run: bool) -> TaskOutcome:
    outcome = TaskOutcome(key=task.key, service=task.service, status="failed")
    try:
        if dry_run:
            data = await _call(task, "GET", days)
            outcome.affected, outcome.status = int(data["count"]), "dry-run"
        else:
            data = await _call(task, "DELETE", days)
            outcome.affected, outcome.status = int(data["deleted"]), "done"
    except httpx.HTTPError as exc:
        outcome.error = _error_text(exc)
    except (KeyError, TypeError, ValueError):
        outcome.error = "invalid response"
    return outcome


def _find_job(job_id: str) -> CleanupJob:
    for job in _history:
        if job.id == job_id:
            return job
    raise HTTPException(status.HTTP_404_NOT_FOUND, "cleanup job not found")


@router.get("/tasks", response_model=list[TaskInfo])
async def list_tasks() -> list[TaskInfo]:
    return [
        TaskInfo(
            key=t.key, service=t.service, description=t.description, default_days=t.default_days
        )
        for t in TASKS
    ]


@router.get("/preview", response_model=list[TaskPreview])
async def preview_cleanup(
    tasks: list[str] | None = Query(default=None),
    older_than_days: int | None = Query(default=None, ge=1, le=3650),
) -> list[TaskPreview]:
    """How many records each task would remove now; nothing is deleted."""
    selected = _select(tasks)
    return list(
        await asyncio.gather(
            *(_count(task, older_than_days or task.default_days) for task in selected)
        )
    )


@router.post("/run", response_model=CleanupJob, status_code=status.HTTP_201_CREATED)
async def run_cleanup(
    payload: CleanupRequest, admin: AuthUser = Depends(require_admin)
) -> CleanupJob:
    selected = _select(payload.tasks)
    started_at = datetime.now(timezone.utc)
    outcomes = await asyncio.gather(
        *(
            _purge(task, payload.older_than_days or task.default_days, payload.dry_run)
            for task in selected
        )
    )
    job = CleanupJob(
        id=uuid.uuid4().hex[:12],
        requested_by=str(admin.user_id),
        started_at=started_at,
        finished_at=datetime.now(timezone.utc),
        dry_run=payload.dry_run,
        outcomes=list(outcomes),
    )
    _history.append(job)
    return job


@router.get("/jobs", response_model=list[CleanupJob])
async def list_jobs(
    limit: int = Query(default=10, ge=1, le=MAX_HISTORY), failed_only: bool = False
) -> list[CleanupJob]:
    jobs = [job for job in reversed(_history) if job.failed or not failed_only]
    return jobs[:limit]


@router.get("/jobs/latest", response_model=CleanupJob)
async def latest_job() -> CleanupJob:
    if not _history:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no cleanup has run yet")
    return _history[-1]


@router.get("/jobs/{job_id}", response_model=CleanupJob)
async def get_job(job_id: str) -> CleanupJob:
    return _find_job(job_id)


@router.delete("/jobs", status_code=status.HTTP_204_NO_CONTENT)
async def clear_history() -> None:
    _history.clear()
