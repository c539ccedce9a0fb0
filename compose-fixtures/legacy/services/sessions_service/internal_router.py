"""Service-to-service routes (attendance and members call these; not exposed by the gateway).

The request and response models are kept here: no other module needs them.
"""

import datetime
from typing import List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.sessions_service.models import (
    BookingStatus,
    SessionBooking,
    SessionStatus,
    WorkSession,
)
from shared.database import get_session

internal_router = APIRouter(prefix='/internal', tags=['internal'])


class RosterLine(BaseModel):
    booking_id: uuid.UUID
    member_id: uuid.UUID
    member_name: str
    checked_in: bool


class Roster(BaseModel):
    session_id: uuid.UUID
    title: str
    starts_at: datetime.datetime
    lines: List[RosterLine]


class MemberBooking(BaseModel):
    session_id: uuid.UUID
    title: str
    starts_at: datetime.datetime
    attended: Optional[bool]


class CompletionResult(BaseModel):
    session_id: uuid.UUID
    attended: int
    no_shows: int


def _work_session(session: Session, session_id: uuid.UUID) -> WorkSession:
    work_session = session.get(WorkSession, session_id)
    if work_session is None:
        raise HTTPException(status_code=404, detail='session not found')
    return work_session


@internal_router.get('/sessions/{session_id}/roster', response_model=Roster)
def roster(session_id: uuid.UUID, session: Session = Depends(get_session)) -> Roster:
    work_session = _work_session(session, session_id)
    lines = [
        RosterLine(booking_id=b.id, member_id=b.member_id, member_name=b.member_name,
                   checked_in=b.checked_in_at is not None)
        for b in sorted(work_session.active_bookings(), key=lambda b: b.member_name)
    ]
    return Roster(session_id=work_session.id, title=work_session.title,
                  starts_at=work_session.starts_at, lines=lines)


@internal_router.post('/bookings/{booking_id}/check-in', response_model=RosterLine)
def check_in(booking_id: uuid.UUID, session: Session = Depends(get_session)) -> RosterLine:
    booking = session.get(SessionBooking, booking_id)
    if booking is None or booking.status != BookingStatus.BOOKED:
        raise HTTPException(status_code=404, detail='no such booking')
    booking.check_in()
    return RosterLine(booking_id=booking.id, member_id=booking.member_id,
                      member_name=booking.member_name, checked_in=True)


@internal_router.post('/sessions/{session_id}/complete', response_model=CompletionResult)
def complete(session_id: uuid.UUID, session: Session = Depends(get_session)) -> CompletionResult:
    work_session = _work_session(session, session_id)
    if work_session.status == SessionStatus.CANCELLED:
        raise HTTPException(status_code=409, detail='the session was cancelled')
    work_session.status = SessionStatus.COMPLETED
    booked = work_session.active_bookings()
    attended = len([b for b in booked if b.checked_in_at is not None])
    return CompletionResult(session_id=work_session.id, attended=attended,
                            no_shows=len(booked) - attended)


@internal_router.get('/members/{member_id}/bookings', response_model=List[MemberBooking])
def member_bookings(member_id: uuid.UUID,
                    session: Session = Depends(get_session)) -> List[MemberBooking]:
    query = (
        select(SessionBooking, WorkSession)
        .join(WorkSession, SessionBooking.session_id == WorkSession.id)
        .where(SessionBooking.member_id == member_id,
               SessionBooking.status == BookingStatus.BOOKED)
        .order_by(WorkSession.starts_at)
    )
    result = []
    for booking, work_session in session.execute(query):
        attended = None
        if work_session.status == SessionStatus.COMPLETED:
            attended = booking.checked_in_at is not None
        result.append(MemberBooking(session_id=work_session.id, title=work_session.title,
                                    starts_at=work_session.starts_at, attended=attended))
    return result
