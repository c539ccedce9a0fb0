"""Service-to-service endpoints (attendance, academy, members, payments).

Everything here is guarded by the shared internal token, never by a user token.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import require_internal
from libs.db import get_async_db
from services.sessions_service.models import (
    BookingStatus,
    SessionBooking,
    SessionCoach,
    SessionStatus,
    TrainingSession,
)
from services.sessions_service.router import (
    _cancel_session,
    _get_session_or_404,
    _notify_cancellation,
    _promote_waitlist,
    get_clock,
)
from services.sessions_service.schemas import SessionResponse

router = APIRouter(prefix="/internal", tags=["internal"], dependencies=[Depends(require_internal)])


class RosterResponse(BaseModel):
    session_id: uuid.UUID
    status: SessionStatus
    starts_at: datetime
    ends_at: datetime
    member_ids: list[uuid.UUID]
    waitlisted_ids: list[uuid.UUID]
    coach_ids: list[uuid.UUID]


class CoachHours(BaseModel):
    coach_id: uuid.UUID
    start: date
    end: date
    sessions: int
    minutes: int


class CohortCancelRequest(BaseModel):
    reason: str = Field(default="Cohort cancelled", min_length=3, max_length=500)


class CancelledSessions(BaseModel):
    cancelled: list[uuid.UUID]
    notified_members: int


class ReleasedBookings(BaseModel):
    released: int
    promoted: int


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    return start, start + timedelta(days=1)


@router.get("/sessions/today", response_model=list[SessionResponse])
async def sessions_today(
    db: AsyncSession = Depends(get_async_db), now: datetime = Depends(get_clock)
) -> list[TrainingSession]:
    """Used by the attendance kiosks to offer today's sessions for check-in."""
    start, end = _day_bounds(now.date())
    query = (
        select(TrainingSession)
        .where(
            TrainingSession.starts_at >= start,
            TrainingSession.starts_at < end,
            TrainingSession.status != SessionStatus.CANCELLED,
        )
        .order_by(TrainingSession.starts_at)
    )
    return list((await db.execute(query)).scalars())


@router.get("/sessions/{session_id}", response_model=SessionResponse)
async def internal_get_session(
    session_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> TrainingSession:
    return await _get_session_or_404(db, session_id)


@router.get("/sessions/{session_id}/roster", response_model=RosterResponse)
async def session_roster(
    session_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> RosterResponse:
    session = await _get_session_or_404(db, session_id, with_coaches=True)
    bookings = (
        await db.execute(
            select(SessionBooking)
            .where(SessionBooking.session_id == session_id)
            .order_by(SessionBooking.booked_at)
        )
    ).scalars()
    by_status: dict[BookingStatus, list[uuid.UUID]] = {s: [] for s in BookingStatus}
    for booking in bookings:
        by_status[booking.status].append(booking.member_id)
    return RosterResponse(
        session_id=session.id,
        status=session.status,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        member_ids=by_status[BookingStatus.BOOKED],
        waitlisted_ids=by_status[BookingStatus.WAITLISTED],
        coach_ids=[coach.coach_id for coach in session.coaches],
    )


@router.get("/coaches/{coach_id}/hours", response_model=CoachHours)
async def coach_hours(
    coach_id: uuid.UUID,
    start: date = Query(...),
    end: date = Query(...),
    db: AsyncSession = Depends(get_async_db),
) -> CoachHours:
    """Completed sessions a coach ran in [start, end]; payments turns this into payouts."""
    if end < start:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "end before start")
    period_start, _ = _day_bounds(start)
    _, period_end = _day_bounds(end)
    sessions = (
        await db.execute(
            select(TrainingSession)
            .join(SessionCoach)
            .where(
                SessionCoach.coach_id == coach_id,
                TrainingSession.status == SessionStatus.COMPLETED,
                TrainingSession.starts_at >= period_start,
                TrainingSession.starts_at < period_end,
            )
        )
    ).scalars()
    durations = [session.duration_minutes for session in sessions]
    return CoachHours(
        coach_id=coach_id, start=start, end=end, sessions=len(durations), minutes=sum(durations)
    )


@router.post("/cohorts/{cohort_id}/cancel-sessions", response_model=CancelledSessions)
async def cancel_cohort_sessions(
    cohort_id: uuid.UUID,
    payload: CohortCancelRequest,
    db: AsyncSession = Depends(get_async_db),
    now: datetime = Depends(get_clock),
) -> CancelledSessions:
    """Academy calls this when a cohort is cancelled: its future sessions go with it."""
    sessions = (
        await db.execute(
            select(TrainingSession).where(
                TrainingSession.cohort_id == cohort_id,
                TrainingSession.status == SessionStatus.SCHEDULED,
                TrainingSession.starts_at > now,
            )
        )
    ).scalars()
    cancelled: list[uuid.UUID] = []
    notified = 0
    for session in list(sessions):
        member_ids = await _cancel_session(db, session, payload.reason, None, now)
        await _notify_cancellation(session, member_ids)
        cancelled.append(session.id)
        notified += len(member_ids)
    return CancelledSessions(cancelled=cancelled, notified_members=notified)


@router.post("/members/{member_id}/release-bookings", response_model=ReleasedBookings)
async def release_member_bookings(
    member_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    now: datetime = Depends(get_clock),
) -> ReleasedBookings:
    """Members calls this when a membership lapses: future places go to the waitlist."""
    rows = (
        await db.execute(
            select(SessionBooking, TrainingSession)
            .join(TrainingSession)
            .where(
                SessionBooking.member_id == member_id,
                SessionBooking.status != BookingStatus.CANCELLED,
                TrainingSession.starts_at > now,
            )
        )
    ).all()
    promoted = 0
    for booking, session in rows:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        await db.flush()
        if session.is_open_for_booking and await _promote_waitlist(db, session) is not None:
            promoted += 1
    await db.flush()
    return ReleasedBookings(released=len(rows), promoted=promoted)
