"""Joining the society and renewing for the next season."""

import uuid

from fastapi import APIRouter, Depends, status
from sqlalchemy.orm import Session

from services.members_service import service
from services.members_service.models import Member
from services.members_service.schemas import MemberOut, RegistrationRequest, RenewalRequest
from shared.database import get_session

router = APIRouter(tags=['registration'])


@router.post('/register', response_model=MemberOut, status_code=status.HTTP_201_CREATED)
def register(body: RegistrationRequest, session: Session = Depends(get_session)) -> Member:
    return service.register_member(session, body.full_name, body.email, body.phone, body.tier)


@router.post('/members/{member_id}/renew', response_model=MemberOut)
def renew_membership(
    member_id: uuid.UUID, body: RenewalRequest, session: Session = Depends(get_session)
) -> Member:
    member = service.get_member_or_404(session, member_id)
    service.renew(member, body.seasons)
    return member
