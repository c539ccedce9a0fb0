"""Reading and updating member records."""

from typing import List, Optional
import uuid

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.members_service.models import Member, MembershipStatus
from services.members_service.schemas import MemberOut, MemberUpdate
from services.members_service.service import get_member_or_404
from shared.database import get_session
from shared.security import require_committee

router = APIRouter(tags=['members'])


@router.get('/members', response_model=List[MemberOut], dependencies=[Depends(require_committee)])
def list_members(
    status: Optional[MembershipStatus] = None, session: Session = Depends(get_session)
) -> List[Member]:
    query = select(Member).order_by(Member.membership_number)
    if status is not None:
        query = query.where(Member.status == status)
    return list(session.scalars(query))


@router.get('/members/{member_id}', response_model=MemberOut)
def get_member(member_id: uuid.UUID, session: Session = Depends(get_session)) -> Member:
    return get_member_or_404(session, member_id)


@router.patch('/members/{member_id}', response_model=MemberOut)
def update_member(
    member_id: uuid.UUID, body: MemberUpdate, session: Session = Depends(get_session)
) -> Member:
    member = get_member_or_404(session, member_id)
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(member, field, value)
    return member
