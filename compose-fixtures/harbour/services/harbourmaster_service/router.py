"""Harbourmaster endpoints: noticeboard, movement log and incident reports.

The request and response models are defined here, next to the routes that use them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_admin
from libs.db import get_async_db
from libs.service_client import ServiceUnavailable, get_service_client
from services.harbourmaster_service.models import (
    Incident,
    IncidentSeverity,
    IncidentStatus,
    Movement,
    MovementKind,
    Notice,
    NoticeCategory,
)

router = APIRouter(prefix="/api/v1/harbourmaster", tags=["harbourmaster"])


class NoticeIn(BaseModel):
    title: str = Field(min_length=3, max_length=200)
    body: str = Field(min_length=1)
    category: NoticeCategory
    in_force_from: datetime
    in_force_until: datetime | None = None


class NoticeOut(NoticeIn):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: str
    withdrawn_at: datetime | None


class MovementIn(BaseModel):
    vessel_id: uuid.UUID | None = None
    vessel_name: str | None = Field(default=None, max_length=120)
    kind: MovementKind
    occurred_at: datetime | None = None
    berth_code: str | None = Field(default=None, max_length=12)
    persons_on_board: int | None = Field(default=None, ge=1, le=500)


class MovementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    vessel_id: uuid.UUID | None
    vessel_name: str
    kind: MovementKind
    occurred_at: datetime
    berth_code: str | None


class TrafficSummary(BaseModel):
    day: date
    arrivals: int
    departures: int
    open_incidents: int


class IncidentIn(BaseModel):
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=1)
    severity: IncidentSeverity
    occurred_at: datetime
    location: str | None = None
    vessel_id: uuid.UUID | None = None


class IncidentUpdate(BaseModel):
    status: IncidentStatus
    resolution: str | None = None


class IncidentOut(IncidentIn):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: IncidentStatus
    resolution: str | None
    closed_at: datetime | None


async def lookup_vessel(vessel_id: uuid.UUID) -> dict[str, Any] | None:
    """The vessel's registry entry; None when unknown or the registry cannot be reached."""
    try:
        return await get_service_client("vessels").get(f"/api/v1/vessels/{vessel_id}")
    except (ServiceUnavailable, httpx.HTTPStatusError):
        return None


async def _next_notice_number(db: AsyncSession, year: int) -> str:
    prefix = f"{year}/"
    count = await db.execute(select(func.count()).where(Notice.number.startswith(prefix)))
    return f"{prefix}{count.scalar_one() + 1:03d}"


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    return start, start + timedelta(days=1)


@router.get("/notices", response_model=list[NoticeOut])
async def list_notices(
    include_expired: bool = False, db: AsyncSession = Depends(get_async_db)
) -> list[Notice]:
    notices = (await db.execute(select(Notice).order_by(Notice.in_force_from.desc()))).scalars()
    if include_expired:
        return list(notices)
    now = datetime.now(timezone.utc)
    return [n for n in notices if n.in_force(now)]


@router.post("/notices", response_model=NoticeOut, status_code=status.HTTP_201_CREATED)
async def publish_notice(
    payload: NoticeIn,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Notice:
    if payload.in_force_until is not None and payload.in_force_until <= payload.in_force_from:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "notice ends before it starts")
    number = await _next_notice_number(db, payload.in_force_from.year)
    notice = Notice(number=number, **payload.model_dump())
    db.add(notice)
    await db.flush()
    return notice


@router.post("/notices/{notice_id}/withdraw", response_model=NoticeOut)
async def withdraw_notice(
    notice_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Notice:
    notice = await db.get(Notice, notice_id)
    if notice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "notice not found")
    if notice.withdrawn_at is None:
        notice.withdrawn_at = datetime.now(timezone.utc)
        await db.flush()
    return notice


@router.post("/movements", response_model=MovementOut, status_code=status.HTTP_201_CREATED)
async def log_movement(
    payload: MovementIn,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_admin),
) -> Movement:
    name = payload.vessel_name
    if payload.vessel_id is not None:
        vessel = await lookup_vessel(payload.vessel_id)
        if vessel is not None:
            name = vessel["name"]
    if not name:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "vessel name is required")
    movement = Movement(
        **payload.model_dump(exclude={"vessel_name", "occurred_at"}),
        vessel_name=name,
        occurred_at=payload.occurred_at or datetime.now(timezone.utc),
        logged_by=user.user_id,
    )
    db.add(movement)
    await db.flush()
    return movement


@router.get("/movements", response_model=list[MovementOut])
async def list_movements(
    day: date | None = None,
    kind: MovementKind | None = None,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[Movement]:
    start, end = _day_bounds(day or date.today())
    query = (
        select(Movement)
        .where(Movement.occurred_at >= start, Movement.occurred_at < end)
        .order_by(Movement.occurred_at)
    )
    if kind is not None:
        query = query.where(Movement.kind == kind)
    return list((await db.execute(query)).scalars())


@router.get("/traffic/today", response_model=TrafficSummary)
async def traffic_today(db: AsyncSession = Depends(get_async_db)) -> TrafficSummary:
    today = date.today()
    start, end = _day_bounds(today)
    counts = dict(
        (
            await db.execute(
                select(Movement.kind, func.count())
                .where(Movement.occurred_at >= start, Movement.occurred_at < end)
                .group_by(Movement.kind)
            )
        ).all()
    )
    open_incidents = await db.execute(
        select(func.count()).where(Incident.status != IncidentStatus.CLOSED)
    )
    return TrafficSummary(
        day=today,
        arrivals=counts.get(MovementKind.ARRIVAL, 0),
        departures=counts.get(MovementKind.DEPARTURE, 0),
        open_incidents=open_incidents.scalar_one(),
    )


@router.post("/incidents", response_model=IncidentOut, status_code=status.HTTP_201_CREATED)
async def report_incident(
    payload: IncidentIn,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Incident:
    incident = Incident(**payload.model_dump(), reported_by=user.user_id)
    db.add(incident)
    await db.flush()
    return incident


@router.get("/incidents", response_model=list[IncidentOut])
async def list_incidents(
    incident_status: IncidentStatus | None = Query(default=None, alias="status"),
    severity: IncidentSeverity | None = None,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[Incident]:
    query = select(Incident).order_by(Incident.occurred_at.desc())
    if incident_status is not None:
        query = query.where(Incident.status == incident_status)
    if severity is not None:
        query = query.where(Incident.severity == severity)
    return list((await db.execute(query)).scalars())


@router.patch("/incidents/{incident_id}", response_model=IncidentOut)
async def update_incident(
    incident_id: uuid.UUID,
    payload: IncidentUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Incident:
    incident = await db.get(Incident, incident_id)
    if incident is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "incident not found")
    if not incident.can_transition_to(payload.status):
        raise HTTPException(status.HTTP_409_CONFLICT, f"incident is {incident.status.value}")
    if payload.status == IncidentStatus.CLOSED:
        if not payload.resolution:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "closing needs a resolution")
        incident.closed_at = datetime.now(timezone.utc)
    incident.status = payload.status
    if payload.resolution:
        incident.resolution = payload.resolution
    await db.flush()
    return incident
