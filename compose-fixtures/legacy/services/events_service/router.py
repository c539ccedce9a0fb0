"""HTTP routes of the events service (everything lives under ``/events``)."""

import datetime
from typing import List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.events_service.models import Event, EventKind, EventStatus, Registration
from services.events_service.schemas import (
    EventCreate,
    EventOut,
    EventUpdate,
    RegistrationCreate,
    RegistrationOut,
)
from shared.database import get_session, utcnow
from shared.security import require_committee

router = APIRouter(prefix='/events', tags=['events'])


def _event_or_404(session: Session, event_id: uuid.UUID) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise HTTPException(status_code=404, detail='event not found')
    return event


def _out(event: Event) -> EventOut:
    out = EventOut.model_validate(event)
    out.places_left = event.remaining_places()
    return out


# --- Events ---------------------------------------------------------------------------
@router.get('', response_model=List[EventOut])
def list_events(
    kind: Optional[EventKind] = None,
    include_past: bool = False,
    session: Session = Depends(get_session),
) -> List[EventOut]:
    query = select(Event).where(Event.status == EventStatus.PUBLISHED)
    if kind is not None:
        query = query.where(Event.kind == kind)
    if not include_past:
        query = query.where(Event.starts_at >= utcnow())
    return [_out(e) for e in session.scalars(query.order_by(Event.starts_at))]


@router.get('/calendar/{year}/{month}', response_model=List[EventOut])
def calendar(year: int, month: int, session: Session = Depends(get_session)) -> List[EventOut]:
    if not 1 <= month <= 12:
        raise HTTPException(status_code=422, detail='month must be 1-12')
    start = datetime.datetime(year, month, 1, tzinfo=datetime.timezone.utc)
    if month == 12:
        end = datetime.datetime(year + 1, 1, 1, tzinfo=datetime.timezone.utc)
    else:
        end = datetime.datetime(year, month + 1, 1, tzinfo=datetime.timezone.utc)
    query = select(Event).where(
        Event.starts_at >= start, Event.starts_at < end, Event.status != EventStatus.DRAFT
    ).order_by(Event.starts_at)
    return [_out(e) for e in session.scalars(query)]


@router.post(
    '',
    response_model=EventOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_committee)],
)
def create_event(body: EventCreate, session: Session = Depends(get_session)) -> EventOut:
    event = Event(**body.model_dump(exclude={'publish'}))
    if body.publish:
        event.status = EventStatus.PUBLISHED
    session.add(event)
    session.flush()
    return _out(event)


@router.get('/{event_id}', response_model=EventOut)
def get_event(event_id: uuid.UUID, session: Session = Depends(get_session)) -> EventOut:
    return _out(_event_or_404(session, event_id))


@router.patch(
    '/{event_id}', response_model=EventOut, dependencies=[Depends(require_committee)]
)
def update_event(
    event_id: uuid.UUID, body: EventUpdate, session: Session = Depends(get_session)
) -> EventOut:
    event = _event_or_404(session, event_id)
    for key, value in body.model_dump(exclude_unset=True).items():
        setattr(event, key, value)
    return _out(event)


@router.post(
    '/{event_id}/publish', response_model=EventOut, dependencies=[Depends(require_committee)]
)
def publish_event(event_id: uuid.UUID, session: Session = Depends(get_session)) -> EventOut:
    event = _event_or_404(session, event_id)
    if event.status == EventStatus.CANCELLED:
        raise HTTPException(status_code=409, detail='a cancelled event stays cancelled')
    event.status = EventStatus.PUBLISHED
    return _out(event)


@router.post(
    '/{event_id}/cancel', response_model=EventOut, dependencies=[Depends(require_committee)]
)
def cancel_event(event_id: uuid.UUID, session: Session = Depends(get_session)) -> EventOut:
    event = _event_or_404(session, event_id)
    event.status = EventStatus.CANCELLED
    return _out(event)


# --- Registrations --------------------------------------------------------------------
@router.post(
    '/{event_id}/registrations',
    response_model=RegistrationOut,
    status_code=status.HTTP_201_CREATED,
)
def register(
    event_id: uuid.UUID, body: RegistrationCreate, session: Session = Depends(get_session)
) -> Registration:
    event = _event_or_404(session, event_id)
    if event.status != EventStatus.PUBLISHED:
        raise HTTPException(status_code=409, detail='event is not open for registration')
    email = body.attendee_email.lower()
    for existing in event.registrations:
        if existing.attendee_email == email:
            raise HTTPException(status_code=409, detail='already registered')
    left = event.remaining_places()
    if left is not None and left < 1 + body.guests:
        raise HTTPException(status_code=409, detail='event is full')
    registration = Registration(
        event=event, attendee_name=body.attendee_name, attendee_email=email, guests=body.guests)
    session.add(registration)
    session.flush()
    return registration


@router.get(
    '/{event_id}/registrations',
    response_model=List[RegistrationOut],
    dependencies=[Depends(require_committee)],
)
def list_registrations(
    event_id: uuid.UUID, session: Session = Depends(get_session)
) -> List[Registration]:
    return list(_event_or_404(session, event_id).registrations)


@router.delete(
    '/{event_id}/registrations/{registration_id}', status_code=status.HTTP_204_NO_CONTENT
)
def cancel_registration(
    event_id: uuid.UUID, registration_id: uuid.UUID, session: Session = Depends(get_session)
):
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event_id:
        raise HTTPException(status_code=404, detail='registration not found')
    session.delete(registration)
    return None
