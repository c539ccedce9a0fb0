"""Committee-only member administration."""

import uuid

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from services.members_service.models import Member, MembershipStatus
from services.members_service.schemas import MemberOut, MembershipStats, SuspendRequest
from services.members_service.service import counts_by_status, get_member_or_404
from shared.database import get_session
from shared.security import require_committee

router = APIRouter(prefix='/admin', tags=['admin'], dependencies=[Depends(require_committee)])


@router.post('/members/{member_id}/suspend', response_model=MemberOut)
def suspend_member(
    member_id: uuid.UUID, body: SuspendRequest, session: Session = Depends(get_session)
) -> Member:
    member = get_member_or_404(session, member_id)
    member.status = MembershipStatus.SUSPENDED
    return member


@router.get('/stats', response_model=MembershipStats)
def membership_stats(session: Session = Depends(get_session)) -> MembershipStats:
    counts = counts_by_status(session)
    return MembershipStats(total=sum(counts.values()), by_status=counts)
