"""Routes of the attendance service: locations and the sign-in sheet.

Members sign in on the tablet in the hut; the committee reads the sheets back.
"""

import datetime
from typing import Dict, List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.attendance_service.models import (
    SEASON_HOURS_OWED,
    AttendanceRecord,
    Location,
)
from services.attendance_service.schemas import (
    AttendanceOut,
    CheckIn,
    CheckOut,
    LocationCreate,
    LocationDay,
    LocationOut,
    MemberHours,
)
from shared.database import get_session, utcnow
from shared.security import require_committee

router = APIRouter()


def _location_by_code(session: Session, code: str) -> Location:
    location = session.scalar(select(Location).where(Location.code == code.upper()))
    if location is None or not location.active:
        raise HTTPException(status_code=404, detail='unknown location %s' % code)
    return location


def _season_start(today: datetime.date) -> datetime.datetime:
    # The season runs from the AGM on the first of March.
    year = today.year if today.month >= 3 else today.year - 1
    return datetime.datetime(year, 3, 1, tzinfo=datetime.timezone.utc)


# --- Locations ----------------------------------------------------------------------
@router.get('/locations', response_model=List[LocationOut], tags=['locations'])
def list_locations(session: Session = Depends(get_session)) -> List[Location]:
    return list(session.scalars(select(Location).order_by(Location.code)))


@router.post('/locations', response_model=LocationOut, status_code=status.HTTP_201_CREATED,
             tags=['locations'], dependencies=[Depends(require_committee)])
def create_location(body: LocationCreate, session: Session = Depends(get_session)) -> Location:
    code = body.code.upper()
    if session.scalar(select(Location).where(Location.code == code)) is not None:
        raise HTTPException(status_code=409, detail='location code in use')
    location = Location(code=code, name=body.name, site_name=body.site_name)
    session.add(location)
    session.flush()
    return location


@router.get('/locations/{code}/day', response_model=LocationDay, tags=['locations'])
def location_day(
    code: str, day: Optional[datetime.date] = None, session: Session = Depends(get_session)
) -> LocationDay:
    location = _location_by_code(session, code)
    day = day or utcnow().date()
    start = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
    query = select(AttendanceRecord).where(
        AttendanceRecord.location_id == location.id,
        AttendanceRecord.checked_in_at >= start,
        AttendanceRecord.checked_in_at < start + datetime.timedelta(days=1),
    )
    present = sorted(set(record.member_email for record in session.scalars(query)))
    return LocationDay(location_code=location.code, day=day, present=present)


# --- Sign-in sheet ------------------------------------------------------------------
@router.post('/attendance/check-in', response_model=AttendanceOut,
             status_code=status.HTTP_201_CREATED, tags=['attendance'])
def check_in(body: CheckIn, session: Session = Depends(get_session)) -> AttendanceRecord:
    location = _location_by_code(session, body.location_code)
    email = body.member_email.strip().lower()
    open_query = select(AttendanceRecord).where(
        AttendanceRecord.member_email == email, AttendanceRecord.checked_out_at.is_(None)
    )
    if session.scalar(open_query) is not None:
        raise HTTPException(status_code=409, detail='already signed in; sign out first')
    record = AttendanceRecord(location=location, member_email=email, activity=body.activity,
                              checked_in_at=body.at or utcnow())
    session.add(record)
    session.flush()
    return record


@router.post('/attendance/{record_id}/check-out', response_model=AttendanceOut,
             tags=['attendance'])
def check_out(
    record_id: uuid.UUID, body: CheckOut, session: Session = Depends(get_session)
) -> AttendanceRecord:
    record = session.get(AttendanceRecord, record_id)
    if record is None:
        raise HTTPException(status_code=404, detail='no such sign-in')
    if not record.is_open:
        raise HTTPException(status_code=409, detail='already signed out')
    moment = body.at or utcnow()
    if moment < record.checked_in_at:
        raise HTTPException(status_code=422, detail='sign-out before sign-in')
    record.checked_out_at = moment
    record.notes = body.notes
    return record


@router.get('/attendance/on-site', response_model=List[AttendanceOut], tags=['attendance'])
def on_site(session: Session = Depends(get_session)) -> List[AttendanceRecord]:
    # Read out by the last one to leave before locking the gate.
    query = select(AttendanceRecord).where(AttendanceRecord.checked_out_at.is_(None))
    return list(session.scalars(query.order_by(AttendanceRecord.checked_in_at)))


@router.get('/attendance', response_model=List[AttendanceOut], tags=['attendance'],
            dependencies=[Depends(require_committee)])
def list_attendance(
    member_email: Optional[str] = None,
    location_code: Optional[str] = None,
    limit: int = Query(default=100, ge=1, le=500),
    session: Session = Depends(get_session),
) -> List[AttendanceRecord]:
    query = select(AttendanceRecord)
    if member_email:
        query = query.where(AttendanceRecord.member_email == member_email.lower())
    if location_code:
        query = query.where(
            AttendanceRecord.location_id == _location_by_code(session, location_code).id
        )
    query = query.order_by(AttendanceRecord.checked_in_at.desc()).limit(limit)
    return list(session.scalars(query))


@router.get('/attendance/hours', response_model=List[MemberHours], tags=['attendance'],
            dependencies=[Depends(require_committee)])
def season_hours(session: Session = Depends(get_session)) -> List[MemberHours]:
    start = _season_start(utcnow().date())
    totals: Dict[str, List[float]] = {}
    query = select(AttendanceRecord).where(AttendanceRecord.checked_in_at >= start)
    for record in session.scalars(query):
        totals.setdefault(record.member_email, []).append(record.hours())
    rows = []
    for email in sorted(totals):
        hours = round(sum(totals[email]), 2)
        rows.append(MemberHours(member_email=email, sessions=len(totals[email]), hours=hours,
                                owed=max(SEASON_HOURS_OWED - hours, 0.0)))
    return rows
