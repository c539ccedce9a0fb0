"""Training session endpoints: the schedule, coach assignments, bookings and cancellation."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta, timezone

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, get_current_user, require_admin, require_coach
from libs.db import get_async_db
from libs.service_client import ServiceUnavailable, get_member_summary, get_service_client
from services.sessions_service.models import (
    BookingStatus,
    SessionBooking,
    SessionCoach,
    SessionStatus,
    SessionType,
    TrainingSession,
)
from services.sessions_service.schemas import (
    BookingResponse,
    CoachAssign,
    SessionCancel,
    SessionCreate,
    SessionDetail,
    SessionResponse,
    SessionUpdate,
)

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/sessions", tags=["sessions"])

POOL_LANES = 8
EARLY_START_WINDOW = timedelta(minutes=30)
ALLOWED_TRANSITIONS: dict[SessionStatus, set[SessionStatus]] = {
    SessionStatus.SCHEDULED: {SessionStatus.IN_PROGRESS, SessionStatus.CANCELLED},
    SessionStatus.IN_PROGRESS: {SessionStatus.COMPLETED},
}


def get_clock() -> datetime:
    """The current time; every time-dependent rule goes through this so tests can pin it."""
    return datetime.now(timezone.utc)


async def _get_session_or_404(
    db: AsyncSession, session_id: uuid.UUID, *, with_coaches: bool = False
) -> TrainingSession:
    query = select(TrainingSession).where(TrainingSession.id == session_id)
    if with_coaches:
        query = query.options(selectinload(TrainingSession.coaches)).execution_options(
            populate_existing=True
        )
    session = (await db.execute(query)).scalar_one_or_none()
    if session is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "session not found")
    return session


def _transition(session: TrainingSession, target: SessionStatus) -> None:
    if target not in ALLOWED_TRANSITIONS.get(session.status, set()):
        detail = f"cannot move a {session.status.value} session to {target.value}"
        raise HTTPException(status.HTTP_409_CONFLICT, detail)
    session.status = target


async def _booking_counts(db: AsyncSession, session_id: uuid.UUID) -> dict[BookingStatus, int]:
    result = await db.execute(
        select(SessionBooking.status, func.count())
        .where(SessionBooking.session_id == session_id)
        .group_by(SessionBooking.status)
    )
    counts = {booking_status: 0 for booking_status in BookingStatus}
    counts.update({row[0]: row[1] for row in result.all()})
    return counts


async def _to_detail(db: AsyncSession, session_id: uuid.UUID) -> SessionDetail:
    session = await _get_session_or_404(db, session_id, with_coaches=True)
    counts = await _booking_counts(db, session_id)
    booked = counts[BookingStatus.BOOKED]
    return SessionDetail.model_validate(session).model_copy(
        update={
            "booked": booked,
            "waitlisted": counts[BookingStatus.WAITLISTED],
            "spots_left": max(session.capacity - booked, 0),
        }
    )


async def _ensure_pool_free(db: AsyncSession, session: TrainingSession) -> None:
    """Refuse when live sessions overlapping in the same pool would need more than its lanes."""
    if session.pool_name is None:
        return
    query = select(TrainingSession).where(
        TrainingSession.pool_name == session.pool_name,
        TrainingSession.status != SessionStatus.CANCELLED,
        TrainingSession.starts_at < session.ends_at,
        TrainingSession.ends_at > session.starts_at,
    )
    if session.id is not None:
        query = query.where(TrainingSession.id != session.id)
    used = session.lanes or POOL_LANES
    for other in (await db.execute(query)).scalars():
        if used + (other.lanes or POOL_LANES) > POOL_LANES:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                f"{session.pool_name} is already booked by '{other.title}' at {other.starts_at:%H:%M}",
            )


async def _verify_coach(coach_id: uuid.UUID) -> None:
    summary = await get_member_summary(str(coach_id))
    if summary is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"coach {coach_id} is not a known member"
        )


async def _notify_cancellation(session: TrainingSession, member_ids: list[uuid.UUID]) -> None:
    """Ask the communications service to tell booked members; never fails the request."""
    if not member_ids:
        return
    payload = {
        "template": "session_cancelled",
        "member_ids": [str(member_id) for member_id in member_ids],
        "context": {
            "title": session.title,
            "starts_at": session.starts_at.isoformat(),
            "reason": session.cancellation_reason,
        },
    }
    try:
        await get_service_client("communications").post(
            "/api/v1/internal/notifications/bulk", json=payload
        )
    except (ServiceUnavailable, httpx.HTTPStatusError) as exc:
        logger.warning("could not notify members of cancelled session %s: %s", session.id, exc)


async def _active_member_ids(db: AsyncSession, session_id: uuid.UUID) -> list[uuid.UUID]:
    result = await db.execute(
        select(SessionBooking.member_id).where(
            SessionBooking.session_id == session_id,
            SessionBooking.status != BookingStatus.CANCELLED,
        )
    )
    return list(result.scalars())


async def _cancel_session(
    db: AsyncSession, session: TrainingSession, reason: str, by: uuid.UUID | None, now: datetime
) -> list[uuid.UUID]:
    _transition(session, SessionStatus.CANCELLED)
    session.cancelled_at = now
    session.cancelled_by_id = by
    session.cancellation_reason = reason
    member_ids = await _active_member_ids(db, session.id)
    await db.flush()
    return member_ids


async def _promote_waitlist(db: AsyncSession, session: TrainingSession) -> SessionBooking | None:
    counts = await _booking_counts(db, session.id)
    if counts[BookingStatus.BOOKED] >= session.capacity:
        return None
    next_in_line = (
        await db.execute(
            select(SessionBooking)
            .where(
                SessionBooking.session_id == session.id,
                SessionBooking.status == BookingStatus.WAITLISTED,
            )
            .order_by(SessionBooking.booked_at)
            .limit(1)
        )
    ).scalar_one_or_none()
    if next_in_line is not None:
        next_in_line.status = BookingStatus.BOOKED
    return next_in_line


@router.get("/", response_model=list[SessionResponse])
async def list_sessions(
    status_: SessionStatus | None = Query(default=None, alias="status"),
    session_type: SessionType | None = None,
    cohort_id: uuid.UUID | None = None,
    coach_id: uuid.UUID | None = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
    limit: int = Query(default=50, ge=1, le=200),
    offset: int = Query(default=0, ge=0),
    db: AsyncSession = Depends(get_async_db),
) -> list[TrainingSession]:
    query = select(TrainingSession)
    if status_ is not None:
        query = query.where(TrainingSession.status == status_)
    if session_type is not None:
        query = query.where(TrainingSession.session_type == session_type)
    if cohort_id is not None:
        query = query.where(TrainingSession.cohort_id == cohort_id)
    if coach_id is not None:
        query = query.where(TrainingSession.coaches.any(SessionCoach.coach_id == coach_id))
    if starts_after is not None:
        query = query.where(TrainingSession.starts_at >= starts_after)
    if starts_before is not None:
        query = query.where(TrainingSession.starts_at < starts_before)
    query = query.order_by(TrainingSession.starts_at).limit(limit).offset(offset)
    return list((await db.execute(query)).scalars())


@router.get("/upcoming", response_model=list[SessionResponse])
async def upcoming_sessions(
    days: int = Query(default=7, ge=1, le=60),
    cohort_id: uuid.UUID | None = None,
    db: AsyncSession = Depends(get_async_db),
    now: datetime = Depends(get_clock),
) -> list[TrainingSession]:
    query = select(TrainingSession).where(
        TrainingSession.status == SessionStatus.SCHEDULED,
        TrainingSession.starts_at >= now,
        TrainingSession.starts_at < now + timedelta(days=days),
    )
    if cohort_id is not None:
        query = query.where(TrainingSession.cohort_id == cohort_id)
    return list((await db.execute(query.order_by(TrainingSession.starts_at))).scalars())


@router.get("/mine", response_model=list[SessionResponse])
async def my_sessions(
    include_past: bool = False,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
    now: datetime = Depends(get_clock),
) -> list[TrainingSession]:
    query = (
        select(TrainingSession)
        .join(SessionBooking)
        .where(
            SessionBooking.member_id == user.user_id,
            SessionBooking.status != BookingStatus.CANCELLED,
        )
        .order_by(TrainingSession.starts_at)
    )
    if not include_past:
        query = query.where(TrainingSession.ends_at >= now)
    return list((await db.execute(query)).scalars())


@router.post("/", response_model=SessionDetail, status_code=status.HTTP_201_CREATED)
async def create_session(
    payload: SessionCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
    now: datetime = Depends(get_clock),
) -> SessionDetail:
    if payload.starts_at <= now:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "session starts in the past")
    session = TrainingSession(
        **payload.model_dump(exclude={"coach_ids"}), created_by_id=user.user_id
    )
    await _ensure_pool_free(db, session)
    for coach_id in payload.coach_ids:
        await _verify_coach(coach_id)
    session.coaches = [
        SessionCoach(coach_id=coach_id, assigned_at=now) for coach_id in payload.coach_ids
    ]
    db.add(session)
    await db.flush()
    return await _to_detail(db, session.id)


@router.get("/{session_id}", response_model=SessionDetail)
async def get_session(
    session_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> SessionDetail:
    return await _to_detail(db, session_id)


@router.patch("/{session_id}", response_model=SessionDetail)
async def update_session(
    session_id: uuid.UUID,
    payload: SessionUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> SessionDetail:
    session = await _get_session_or_404(db, session_id)
    if session.status is not SessionStatus.SCHEDULED:
        raise HTTPException(status.HTTP_409_CONFLICT, "only scheduled sessions can be edited")
    changes = payload.model_dump(exclude_unset=True)
    if "capacity" in changes:
        booked = (await _booking_counts(db, session_id))[BookingStatus.BOOKED]
        if changes["capacity"] < booked:
            raise HTTPException(status.HTTP_409_CONFLICT, f"{booked} members are already booked")
    for key, value in changes.items():
        setattr(session, key, value)
    await _ensure_pool_free(db, session)
    await db.flush()
    if "capacity" in changes:
        await _promote_waitlist(db, session)
        await db.flush()
    return await _to_detail(db, session_id)


@router.post("/{session_id}/start", response_model=SessionResponse)
async def start_session(
    session_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
    now: datetime = Depends(get_clock),
) -> TrainingSession:
    session = await _get_session_or_404(db, session_id)
    if now < session.starts_at - EARLY_START_WINDOW:
        raise HTTPException(status.HTTP_409_CONFLICT, "session cannot start this early")
    _transition(session, SessionStatus.IN_PROGRESS)
    await db.flush()
    await db.refresh(session)
    return session


@router.post("/{session_id}/complete", response_model=SessionResponse)
async def complete_session(
    session_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> TrainingSession:
    session = await _get_session_or_404(db, session_id)
    _transition(session, SessionStatus.COMPLETED)
    await db.flush()
    await db.refresh(session)
    return session


@router.post("/{session_id}/cancel", response_model=SessionResponse)
async def cancel_session(
    session_id: uuid.UUID,
    payload: SessionCancel,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
    now: datetime = Depends(get_clock),
) -> TrainingSession:
    session = await _get_session_or_404(db, session_id)
    member_ids = await _cancel_session(db, session, payload.reason, user.user_id, now)
    if payload.notify_members:
        await _notify_cancellation(session, member_ids)
    await db.refresh(session)
    return session


@router.delete("/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_session(
    session_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> None:
    session = await _get_session_or_404(db, session_id)
    if await _active_member_ids(db, session_id):
        raise HTTPException(
            status.HTTP_409_CONFLICT, "session has bookings; cancel it instead of deleting"
        )
    await db.delete(session)


@router.post("/{session_id}/coaches", response_model=SessionDetail)
async def assign_coach(
    session_id: uuid.UUID,
    payload: CoachAssign,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
    now: datetime = Depends(get_clock),
) -> SessionDetail:
    session = await _get_session_or_404(db, session_id, with_coaches=True)
    if any(coach.coach_id == payload.coach_id for coach in session.coaches):
        raise HTTPException(status.HTTP_409_CONFLICT, "coach already assigned")
    await _verify_coach(payload.coach_id)
    session.coaches.append(
        SessionCoach(coach_id=payload.coach_id, role=payload.role, assigned_at=now)
    )
    await db.flush()
    return await _to_detail(db, session_id)


@router.get("/{session_id}/bookings", response_model=list[BookingResponse])
async def list_bookings(
    session_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> list[SessionBooking]:
    await _get_session_or_404(db, session_id)
    query = select(SessionBooking).where(
        SessionBooking.session_id == session_id, SessionBooking.status != BookingStatus.CANCELLED
    )
    return list((await db.execute(query.order_by(SessionBooking.booked_at))).scalars())


@router.post(
    "/{session_id}/bookings", response_model=BookingResponse, status_code=status.HTTP_201_CREATED
)
async def book_session(
    session_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
    now: datetime = Depends(get_clock),
) -> SessionBooking:
    session = await _get_session_or_404(db, session_id)
    if not session.is_open_for_booking or session.starts_at <= now:
        raise HTTPException(status.HTTP_409_CONFLICT, "session is not open for booking")
    booking = (
        await db.execute(
            select(SessionBooking).where(
                SessionBooking.session_id == session_id,
                SessionBooking.member_id == user.user_id,
            )
        )
    ).scalar_one_or_none()
    if booking is not None and booking.status is not BookingStatus.CANCELLED:
        raise HTTPException(status.HTTP_409_CONFLICT, "already booked")
    booked = (await _booking_counts(db, session_id))[BookingStatus.BOOKED]
    new_status = BookingStatus.BOOKED if booked < session.capacity else BookingStatus.WAITLISTED
    if booking is None:
        booking = SessionBooking(session_id=session_id, member_id=user.user_id)
        db.add(booking)
    booking.status = new_status
    booking.booked_at = now
    booking.cancelled_at = None
    await db.flush()
    await db.refresh(booking)
    return booking


@router.delete("/{session_id}/bookings/me", response_model=BookingResponse)
async def cancel_my_booking(
    session_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
    now: datetime = Depends(get_clock),
) -> SessionBooking:
    session = await _get_session_or_404(db, session_id)
    booking = (
        await db.execute(
            select(SessionBooking).where(
                SessionBooking.session_id == session_id,
                SessionBooking.member_id == user.user_id,
                SessionBooking.status != BookingStatus.CANCELLED,
            )
        )
    ).scalar_one_or_none()
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no active booking")
    was_booked = booking.status is BookingStatus.BOOKED
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    await db.flush()
    if was_booked and session.is_open_for_booking:
        await _promote_waitlist(db, session)
        await db.flush()
    await db.refresh(booking)
    return booking
