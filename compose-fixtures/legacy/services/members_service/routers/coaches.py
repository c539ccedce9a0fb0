"""The public coach directory (the coach management routes are in coach_router.py)."""

from typing import List
import uuid

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.members_service.coach_schemas import CoachCard
from services.members_service.models import CoachProfile
from shared.database import get_session

router = APIRouter(tags=['coaches'])


def _card(profile: CoachProfile) -> CoachCard:
    return CoachCard(
        coach_id=profile.id,
        name=profile.member.full_name,
        specialism=profile.specialism,
        accepting_mentees=profile.accepting_mentees,
    )


@router.get('/coaches/directory', response_model=List[CoachCard])
def coach_directory(session: Session = Depends(get_session)) -> List[CoachCard]:
    query = select(CoachProfile).where(CoachProfile.accepting_mentees.is_(True))
    return [_card(profile) for profile in session.scalars(query.order_by(CoachProfile.specialism))]


@router.get('/coaches/{coach_id}/card', response_model=CoachCard)
def coach_card(coach_id: uuid.UUID, session: Session = Depends(get_session)) -> CoachCard:
    profile = session.get(CoachProfile, coach_id)
    if profile is None:
        raise HTTPException(status_code=404, detail='coach not found')
    return _card(profile)
