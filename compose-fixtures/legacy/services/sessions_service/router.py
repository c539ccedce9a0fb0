"""Routes of the work-party sessions and their bookings."""

import datetime
from typing import List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.sessions_service.models import (
    BookingStatus,
    SessionBooking,
    SessionStatus,
    WorkSession,
)
from services.sessions_service.schemas import (
    BookingCreate,
    BookingOut,
    SessionCreate,
    SessionDetail,
    SessionOut,
    SessionUpdate,
)
from shared.database import get_session, utcnow
from shared.security import require_committee

router = APIRouter(prefix='/sessions', tags=['sessions'])


def get_work_session(session: Session, session_id: uuid.UUID) -> WorkSession:
    work_session = session.get(WorkSession, session_id)
    if work_session is None:
        raise HTTPException(status_code=404, detail='session not found')
    return work_session


def _detail(work_session: WorkSession) -> SessionDetail:
    base = SessionOut.model_validate(work_session).model_dump()
    return SessionDetail(
        places_left=work_session.places_left(),
        bookings=[BookingOut.model_validate(b) for b in work_session.active_bookings()],
        **base
    )


# --- Sessions ------------------------------------------------------------------------
@router.get('', response_model=List[SessionOut])
def list_sessions(
    starting_after: Optional[datetime.datetime] = Query(default=None),
    include_cancelled: bool = False,
    session: Session = Depends(get_session),
) -> List[WorkSession]:
    query = select(WorkSession).order_by(WorkSession.starts_at)
    if starting_after is not None:
        query = query.where(WorkSession.starts_at > starting_after)
    if not include_cancelled:
        query = query.where(WorkSession.status != SessionStatus.CANCELLED)
    return list(session.scalars(query))


@router.post('', response_model=SessionOut, status_code=status.HTTP_201_CREATED,
             dependencies=[Depends(require_committee)])
def create_session(body: SessionCreate, session: Session = Depends(get_session)) -> WorkSession:
    work_session = WorkSession(**body.model_dump())
    session.add(work_session)
    session.flush()
    return work_session


@router.get('/{session_id}', response_model=SessionDetail)
def get_session_detail(session_id: uuid.UUID,
                       session: Session = Depends(get_session)) -> SessionDetail:
    return _detail(get_work_session(session, session_id))


@router.patch('/{session_id}', response_model=SessionOut, dependencies=[Depends(require_committee)])
def update_session(
    session_id: uuid.UUID, body: SessionUpdate, session: Session = Depends(get_session)
) -> WorkSession:
    work_session = get_work_session(session, session_id)
    changes = body.model_dump(exclude_unset=True)
    if 'capacity' in changes and changes['capacity'] < len(work_session.active_bookings()):
        raise HTTPException(status_code=409, detail='more members are booked than that')
    for key, value in changes.items():
        setattr(work_session, key, value)
    return work_session


@router.post('/{session_id}/cancel', response_model=SessionOut,
             dependencies=[Depends(require_committee)])
def cancel_session(session_id: uuid.UUID, session: Session = Depends(get_session)) -> WorkSession:
    work_session = get_work_session(session, session_id)
    if work_session.status == SessionStatus.COMPLETED:
        raise HTTPException(status_code=409, detail='the session has already taken place')
    work_session.status = SessionStatus.CANCELLED
    return work_session


# --- Bookings ------------------------------------------------------------------------
@router.post('/{session_id}/bookings', response_model=BookingOut,
             status_code=status.HTTP_201_CREATED)
def book_place(
    session_id: uuid.UUID, body: BookingCreate, session: Session = Depends(get_session)
) -> SessionBooking:
    work_session = get_work_session(session, session_id)
    if work_session.status != SessionStatus.SCHEDULED or work_session.starts_at < utcnow():
        raise HTTPException(status_code=409, detail='the session is not open for booking')
    existing = None
    for booking in work_session.bookings:
        if booking.member_id == body.member_id:
            existing = booking
    if existing is not None and existing.status == BookingStatus.BOOKED:
        raise HTTPException(status_code=409, detail='already booked')
    if work_session.places_left() == 0:
        raise HTTPException(status_code=409, detail='the session is full')
    if existing is not None:
        existing.status = BookingStatus.BOOKED
        return existing
    booking = SessionBooking(**body.model_dump())
    work_session.bookings.append(booking)
    session.flush()
    return booking


@router.delete('/{session_id}/bookings/{booking_id}', status_code=status.HTTP_204_NO_CONTENT)
def cancel_booking(
    session_id: uuid.UUID, booking_id: uuid.UUID, session: Session = Depends(get_session)
) -> Response:
    booking = session.get(SessionBooking, booking_id)
    if booking is None or booking.session_id != session_id:
        raise HTTPException(status_code=404, detail='booking not found')
    booking.status = BookingStatus.CANCELLED
    return Response(status_code=status.HTTP_204_NO_CONTENT)
