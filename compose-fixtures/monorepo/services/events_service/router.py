"""Events endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_admin
from libs.db import get_async_db
from services.events_service.models import Event, EventRSVP, RSVPStatus
from services.events_service.schemas import (
    EventCreate,
    EventResponse,
    EventSummary,
    EventUpdate,
    RSVPCreate,
    RSVPResponse,
)

router = APIRouter(prefix="/events", tags=["events"])


async def _get_event_or_404(db: AsyncSession, event_id: uuid.UUID) -> Event:
    event = await db.get(Event, event_id)
    if event is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "event not found")
    return event


async def _count_rsvps(db: AsyncSession, event_id: uuid.UUID, rsvp_status: RSVPStatus) -> int:
    result = await db.execute(
        select(func.coalesce(func.sum(EventRSVP.guests + 1), 0)).where(
            EventRSVP.event_id == event_id, EventRSVP.status == rsvp_status
        )
    )
    return int(result.scalar_one())


@router.get("/", response_model=list[EventResponse])
async def list_events(
    include_past: bool = False, db: AsyncSession = Depends(get_async_db)
) -> list[Event]:
    query = select(Event).where(Event.is_published.is_(True)).order_by(Event.starts_at)
    if not include_past:
        query = query.where(Event.starts_at >= datetime.now(timezone.utc))
    return list((await db.execute(query)).scalars())


@router.get("/upcoming", response_model=list[EventResponse])
async def upcoming_events(limit: int = 5, db: AsyncSession = Depends(get_async_db)) -> list[Event]:
    query = (
        select(Event)
        .where(Event.is_published.is_(True), Event.starts_at >= datetime.now(timezone.utc))
        .order_by(Event.starts_at)
        .limit(limit)
    )
    return list((await db.execute(query)).scalars())


@router.post("/", response_model=EventResponse, status_code=status.HTTP_201_CREATED)
async def create_event(
    payload: EventCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Event:
    if payload.ends_at is not None and payload.ends_at < payload.starts_at:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "event ends before it starts")
    event = Event(**payload.model_dump())
    db.add(event)
    await db.flush()
    await db.refresh(event)
    return event


@router.get("/{event_id}", response_model=EventSummary)
async def get_event(event_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)) -> EventSummary:
    event = await _get_event_or_404(db, event_id)
    going = await _count_rsvps(db, event_id, RSVPStatus.GOING)
    maybe = await _count_rsvps(db, event_id, RSVPStatus.MAYBE)
    seats_left = None if event.capacity is None else max(event.capacity - going, 0)
    return EventSummary(
        event=EventResponse.model_validate(event), going=going, maybe=maybe, seats_left=seats_left
    )


@router.patch("/{event_id}", response_model=EventResponse)
async def update_event(
    event_id: uuid.UUID,
    payload: EventUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Event:
    event = await _get_event_or_404(db, event_id)
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(event, key, value)
    await db.flush()
    await db.refresh(event)
    return event


@router.post("/{event_id}/publish", response_model=EventResponse)
async def publish_event(
    event_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Event:
    event = await _get_event_or_404(db, event_id)
    event.is_published = True
    await db.flush()
    await db.refresh(event)
    return event


@router.delete("/{event_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_event(
    event_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> None:
    event = await _get_event_or_404(db, event_id)
    await db.delete(event)


@router.post("/{event_id}/rsvp", response_model=RSVPResponse)
async def rsvp(
    event_id: uuid.UUID,
    payload: RSVPCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> EventRSVP:
    event = await _get_event_or_404(db, event_id)
    if payload.status is RSVPStatus.GOING and event.capacity is not None:
        going = await _count_rsvps(db, event_id, RSVPStatus.GOING)
        if going + payload.guests + 1 > event.capacity:
            raise HTTPException(status.HTTP_409_CONFLICT, "event is full")
    existing = (
        await db.execute(
            select(EventRSVP).where(
                EventRSVP.event_id == event_id, EventRSVP.member_id == user.user_id
            )
        )
    ).scalar_one_or_none()
    if existing is None:
        existing = EventRSVP(event_id=event_id, member_id=user.user_id)
        db.add(existing)
    existing.status = payload.status
    existing.guests = payload.guests
    await db.flush()
    await db.refresh(existing)
    return existing


@router.get("/{event_id}/rsvps", response_model=list[RSVPResponse])
async def list_rsvps(
    event_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[EventRSVP]:
    await _get_event_or_404(db, event_id)
    result = await db.execute(select(EventRSVP).where(EventRSVP.event_id == event_id))
    return list(result.scalars())
