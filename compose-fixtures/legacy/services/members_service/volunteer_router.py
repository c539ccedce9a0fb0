"""Volunteers: members who opted in to work parties, and the hours they logged."""

from typing import List
import uuid

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.members_service.models import Member
from services.members_service.service import get_member_or_404
from services.members_service.volunteer_schemas import HoursLogged, VolunteerOptIn, VolunteerOut
from shared.database import get_session
from shared.security import require_committee

router = APIRouter(prefix="/volunteers", tags=["volunteers"])


def _out(member: Member) -> VolunteerOut:
    return VolunteerOut(
        member_id=member.id,
        name=member.full_name,
        skills=member.volunteer_skills,
        hours=member.volunteer_hours,
    )


@router.get("", response_model=List[VolunteerOut])
def list_volunteers(session: Session = Depends(get_session)) -> List[VolunteerOut]:
    query = select(Member).where(Member.is_volunteer.is_(True)).order_by(Member.full_name)
    return [_out(member) for member in session.scalars(query)]


@router.put("/{member_id}", response_model=VolunteerOut)
def opt_in(
    member_id: uuid.UUID, body: VolunteerOptIn, session: Session = Depends(get_session)
) -> VolunteerOut:
    member = get_member_or_404(session, member_id)
    member.is_volunteer = True
    member.volunteer_skills = body.skills
    return _out(member)


@router.delete("/{member_id}", status_code=204)
def opt_out(member_id: uuid.UUID, session: Session = Depends(get_session)) -> None:
    member = get_member_or_404(session, member_id)
    member.is_volunteer = False
    return None


@router.post(
    "/{member_id}/hours", response_model=VolunteerOut, dependencies=[Depends(require_committee)]
)
def log_hours(
    member_id: uuid.UUID, body: HoursLogged, session: Session = Depends(get_session)
) -> VolunteerOut:
    member = get_member_or_404(session, member_id)
    if not member.is_volunteer:
        raise HTTPException(status_code=409, detail="member has not opted in to volunteering")
    member.volunteer_hours += body.hours
    return _out(member)
