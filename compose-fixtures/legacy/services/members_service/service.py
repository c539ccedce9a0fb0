"""Membership rules that more than one router needs (numbers, renewals, lookups)."""

import datetime
import threading
from typing import Dict, Optional
import uuid

from fastapi import HTTPException
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.members_service.models import Member, MembershipStatus, MembershipTier
from shared.database import utcnow

# One season runs to the end of March, when the society's AGM is held.
SEASON_END_MONTH = 3
FEES: Dict[MembershipTier, int] = {
    MembershipTier.STANDARD: 12,
    MembershipTier.CONCESSION: 6,
    MembershipTier.FAMILY: 20,
}

_number_lock = threading.Lock()


def get_member_or_404(session: Session, member_id: uuid.UUID) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise HTTPException(status_code=404, detail='member not found')
    return member


def find_by_email(session: Session, email: str) -> Optional[Member]:
    return session.scalar(select(Member).where(func.lower(Member.email) == email.lower()))


def next_membership_number(session: Session) -> str:
    # Numbers are handed out in order; the paper register still uses them.
    with _number_lock:
        count = session.scalar(select(func.count(Member.id))) or 0
    return 'GAS-%05d' % (int(count) + 1)


def season_end(today: datetime.date, seasons: int = 1) -> datetime.date:
    year = today.year if today.month <= SEASON_END_MONTH else today.year + 1
    return datetime.date(year + seasons - 1, SEASON_END_MONTH, 31)


def register_member(session: Session, full_name: str, email: str,
                    phone: Optional[str], tier: MembershipTier) -> Member:
    if find_by_email(session, email) is not None:
        raise HTTPException(status_code=409, detail='already a member')
    member = Member(
        membership_number=next_membership_number(session),
        full_name=full_name,
        email=email,
        phone=phone,
        tier=tier,
    )
    session.add(member)
    session.flush()
    return member


def renew(member: Member, seasons: int = 1) -> None:
    if member.status == MembershipStatus.SUSPENDED:
        raise HTTPException(status_code=409, detail='suspended members cannot renew')
    today = utcnow().date()
    start = member.paid_until if member.paid_until and member.paid_until > today else today
    member.paid_until = season_end(start + datetime.timedelta(days=1), seasons)
    member.status = MembershipStatus.ACTIVE
    return None


def counts_by_status(session: Session) -> Dict[str, int]:
    counts = dict((status.value, 0) for status in MembershipStatus)
    query = select(Member.status, func.count(Member.id)).group_by(Member.status)
    with session.no_autoflush:
        for status, count in session.execute(query):
            counts[status.value] = int(count)
    return counts
