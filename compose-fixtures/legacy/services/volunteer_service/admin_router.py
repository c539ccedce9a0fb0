"""Committee routes of the volunteer service: roles, posting opportunities, approving hours.

Every route here needs the committee token (the dependency sits on the router).
"""

import datetime
from typing import List
import uuid

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.volunteer_service.models import (
    HoursLog,
    Opportunity,
    OpportunityStatus,
    SignupStatus,
    Volunteer,
    VolunteerRole,
)
from services.volunteer_service.schemas import (
    HoursApproval,
    HoursOut,
    LeaderboardRow,
    OpportunityCreate,
    OpportunityOut,
    RoleCreate,
    RoleOut,
    VolunteerOut,
)
from services.volunteer_service.services import places_left
from shared.database import get_session
from shared.security import require_committee

admin_router = APIRouter(prefix='/admin', tags=['admin'], dependencies=[Depends(require_committee)])


# --- Roles ---------------------------------------------------------------------------
@admin_router.get('/roles', response_model=List[RoleOut])
def list_roles(session: Session = Depends(get_session)) -> List[VolunteerRole]:
    return list(session.scalars(select(VolunteerRole).order_by(VolunteerRole.name)))


@admin_router.post('/roles', response_model=RoleOut, status_code=status.HTTP_201_CREATED)
def create_role(body: RoleCreate, session: Session = Depends(get_session)) -> VolunteerRole:
    role = VolunteerRole(**body.model_dump())
    session.add(role)
    session.flush()
    return role


@admin_router.post('/roles/{role_id}/retire', response_model=RoleOut)
def retire_role(role_id: uuid.UUID, session: Session = Depends(get_session)) -> VolunteerRole:
    role = session.get(VolunteerRole, role_id)
    if role is None:
        raise HTTPException(status_code=404, detail='role not found')
    role.is_active = False
    return role


# --- Opportunities -------------------------------------------------------------------
@admin_router.post(
    '/opportunities', response_model=OpportunityOut, status_code=status.HTTP_201_CREATED
)
def post_opportunity(body: OpportunityCreate,
                     session: Session = Depends(get_session)) -> OpportunityOut:
    role = session.get(VolunteerRole, body.role_id)
    if role is None or not role.is_active:
        raise HTTPException(status_code=422, detail='unknown or retired role')
    opportunity = Opportunity(**body.model_dump())
    session.add(opportunity)
    session.flush()
    out = OpportunityOut.model_validate(opportunity)
    out.places_left = opportunity.capacity
    return out


@admin_router.post('/opportunities/{opportunity_id}/cancel', response_model=OpportunityOut)
def cancel_opportunity(opportunity_id: uuid.UUID,
                       session: Session = Depends(get_session)) -> OpportunityOut:
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is None:
        raise HTTPException(status_code=404, detail='opportunity not found')
    opportunity.status = OpportunityStatus.CANCELLED
    for signup in opportunity.signups:
        if signup.status != SignupStatus.CANCELLED:
            signup.cancel()
    out = OpportunityOut.model_validate(opportunity)
    out.places_left = places_left(opportunity)
    return out


# --- Volunteers ----------------------------------------------------------------------
@admin_router.post('/volunteers/{volunteer_id}/induct', response_model=VolunteerOut)
def induct_volunteer(volunteer_id: uuid.UUID, session: Session = Depends(get_session)) -> Volunteer:
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise HTTPException(status_code=404, detail='volunteer not found')
    volunteer.inducted = True
    return volunteer


# --- Hours ---------------------------------------------------------------------------
@admin_router.get('/hours/pending', response_model=List[HoursOut])
def pending_hours(
    older_than_days: int = Query(default=0, ge=0), session: Session = Depends(get_session)
) -> List[HoursLog]:
    cutoff = datetime.datetime.now(datetime.timezone.utc).date()
    cutoff = cutoff - datetime.timedelta(days=older_than_days)
    query = (
        select(HoursLog)
        .where(HoursLog.approved.is_(False), HoursLog.worked_on <= cutoff)
        .order_by(HoursLog.worked_on)
    )
    return list(session.scalars(query))


@admin_router.post('/hours/{entry_id}/approve', response_model=HoursOut)
def approve_hours(entry_id: uuid.UUID, body: HoursApproval,
                  session: Session = Depends(get_session)) -> HoursLog:
    entry = session.get(HoursLog, entry_id)
    if entry is None:
        raise HTTPException(status_code=404, detail='hours entry not found')
    entry.approved = True
    entry.approved_by = body.approved_by
    return entry


# --- Leaderboard -------------------------------------------------------------------
# Imported here: only the leaderboard needs the aggregate query, and it was added last.
from services.volunteer_service.services import leaderboard  # noqa: E402


@admin_router.get('/leaderboard', response_model=List[LeaderboardRow])
def hours_leaderboard(
    limit: int = Query(default=10, ge=1, le=100), session: Session = Depends(get_session)
) -> List[LeaderboardRow]:
    rows = leaderboard(session, limit)
    return [LeaderboardRow(volunteer_id=r[0], full_name=r[1], hours=r[2]) for r in rows]
