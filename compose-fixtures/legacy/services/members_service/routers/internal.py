"""Endpoints other services call over HTTP (plots checks standing before a tenancy)."""

import uuid

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from services.members_service.schemas import MemberStanding
from services.members_service.service import get_member_or_404
from shared.database import get_session

router = APIRouter(prefix='/internal', tags=['internal'])


@router.get('/members/{member_id}/standing', response_model=MemberStanding)
def member_standing(
    member_id: uuid.UUID, session: Session = Depends(get_session)
) -> MemberStanding:
    member = get_member_or_404(session, member_id)
    return MemberStanding(
        member_id=member.id,
        membership_number=member.membership_number,
        in_good_standing=member.in_good_standing(),
    )
