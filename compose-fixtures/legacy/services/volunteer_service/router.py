"""Routes used by volunteers themselves: register, browse opportunities, sign up, log hours."""

from typing import List
import uuid

from fastapi import APIRouter, Depends, HTTPException, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.volunteer_service.models import (
    HoursLog,
    Opportunity,
    OpportunityStatus,
    Signup,
    Volunteer,
)
from services.volunteer_service.schemas import (
    HoursCreate,
    HoursOut,
    HoursSummary,
    OpportunityOut,
    SignupCreate,
    SignupOut,
    VolunteerCreate,
    VolunteerOut,
)
from shared.database import get_session

from .services import cancel_signup, hour_totals, places_left, sign_up

router = APIRouter(tags=['volunteers'])


def _volunteer_or_404(session: Session, volunteer_id: uuid.UUID) -> Volunteer:
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise HTTPException(status_code=404, detail='volunteer not found')
    return volunteer


def _opportunity_out(opportunity: Opportunity) -> OpportunityOut:
    out = OpportunityOut.model_validate(opportunity)
    out.places_left = places_left(opportunity)
    return out


# --- Volunteers ----------------------------------------------------------------------
@router.post('/volunteers', response_model=VolunteerOut, status_code=status.HTTP_201_CREATED)
def register_volunteer(body: VolunteerCreate, session: Session = Depends(get_session)) -> Volunteer:
    if session.scalar(select(Volunteer).where(Volunteer.email == body.email)) is not None:
        raise HTTPException(status_code=409, detail='that email is already registered')
    volunteer = Volunteer(**body.model_dump())
    session.add(volunteer)
    session.flush()
    return volunteer


@router.get('/volunteers/{volunteer_id}', response_model=VolunteerOut)
def get_volunteer(volunteer_id: uuid.UUID, session: Session = Depends(get_session)) -> Volunteer:
    return _volunteer_or_404(session, volunteer_id)


# --- Opportunities -------------------------------------------------------------------
@router.get('/opportunities', response_model=List[OpportunityOut])
def list_open_opportunities(session: Session = Depends(get_session)) -> List[OpportunityOut]:
    query = (
        select(Opportunity)
        .where(Opportunity.status != OpportunityStatus.CANCELLED)
        .order_by(Opportunity.starts_at)
    )
    return [_opportunity_out(o) for o in session.scalars(query)]


@router.get('/opportunities/{opportunity_id}', response_model=OpportunityOut)
def get_opportunity(opportunity_id: uuid.UUID,
                    session: Session = Depends(get_session)) -> OpportunityOut:
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is None:
        raise HTTPException(status_code=404, detail='opportunity not found')
    return _opportunity_out(opportunity)


# --- Signups -------------------------------------------------------------------------
@router.post(
    '/opportunities/{opportunity_id}/signups',
    response_model=SignupOut,
    status_code=status.HTTP_201_CREATED,
)
def create_signup(
    opportunity_id: uuid.UUID, body: SignupCreate, session: Session = Depends(get_session)
) -> Signup:
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is None:
        raise HTTPException(status_code=404, detail='opportunity not found')
    volunteer = _volunteer_or_404(session, body.volunteer_id)
    return sign_up(session, opportunity, volunteer)


@router.delete('/signups/{signup_id}', status_code=status.HTTP_204_NO_CONTENT)
def cancel(signup_id: uuid.UUID, session: Session = Depends(get_session)) -> Response:
    signup = session.get(Signup, signup_id)
    if signup is None:
        raise HTTPException(status_code=404, detail='signup not found')
    cancel_signup(signup)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- Hours ---------------------------------------------------------------------------
@router.post(
    '/volunteers/{volunteer_id}/hours', response_model=HoursOut, status_code=status.HTTP_201_CREATED
)
def log_hours(volunteer_id: uuid.UUID, body: HoursCreate,
              session: Session = Depends(get_session)) -> HoursLog:
    volunteer = _volunteer_or_404(session, volunteer_id)
    entry = HoursLog(volunteer=volunteer, **body.model_dump())
    session.add(entry)
    session.flush()
    return entry


@router.get('/volunteers/{volunteer_id}/hours', response_model=HoursSummary)
def hours_summary(volunteer_id: uuid.UUID, session: Session = Depends(get_session)) -> HoursSummary:
    volunteer = _volunteer_or_404(session, volunteer_id)
    approved, pending = hour_totals(volunteer)
    entries = [HoursOut.model_validate(e) for e in volunteer.hours]
    return HoursSummary(
        volunteer_id=volunteer.id, approved=approved, pending=pending, entries=entries
    )
