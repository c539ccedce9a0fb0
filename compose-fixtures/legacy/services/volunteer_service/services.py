"""Business rules of the volunteer rota: places, the waiting list and hour totals."""

from decimal import Decimal
from typing import List, Optional, Tuple

from fastapi import HTTPException
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.volunteer_service.models import (
    HoursLog,
    Opportunity,
    OpportunityStatus,
    Signup,
    SignupStatus,
    Volunteer,
)


def places_left(opportunity: Opportunity) -> int:
    left = opportunity.capacity - opportunity.confirmed_count()
    if left < 0:
        return 0
    return left


def sign_up(session: Session, opportunity: Opportunity, volunteer: Volunteer) -> Signup:
    """Confirm a place if there is one, else put the volunteer on the waiting list."""
    if opportunity.status == OpportunityStatus.CANCELLED:
        raise HTTPException(status_code=409, detail="opportunity was cancelled")
    if opportunity.role.needs_induction and not volunteer.inducted:
        raise HTTPException(status_code=409, detail="this role needs an induction first")
    for existing in opportunity.signups:
        if existing.volunteer_id == volunteer.id and existing.status != SignupStatus.CANCELLED:
            raise HTTPException(status_code=409, detail="already signed up")
        if existing.volunteer_id == volunteer.id:
            # Signing up again after cancelling re-uses the row (one per pair).
            existing.status = _next_status(opportunity)
            _refresh_status(opportunity)
            return existing
    signup = Signup(volunteer=volunteer, status=_next_status(opportunity))
    opportunity.signups.append(signup)
    session.flush()
    _refresh_status(opportunity)
    return signup


def _next_status(opportunity: Opportunity) -> SignupStatus:
    if places_left(opportunity) > 0:
        return SignupStatus.CONFIRMED
    return SignupStatus.WAITLISTED


def cancel_signup(signup: Signup) -> Optional[Signup]:
    """Cancel a place; the first waitlisted volunteer moves up. Returns who was promoted."""
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    signup.cancel()
    promoted = None
    if was_confirmed:
        for candidate in signup.opportunity.signups:
            if candidate.status == SignupStatus.WAITLISTED:
                candidate.status = SignupStatus.CONFIRMED
                promoted = candidate
                break
    _refresh_status(signup.opportunity)
    return promoted


def _refresh_status(opportunity: Opportunity) -> None:
    if opportunity.status == OpportunityStatus.CANCELLED:
        return None
    if places_left(opportunity) == 0:
        opportunity.status = OpportunityStatus.FILLED
    else:
        opportunity.status = OpportunityStatus.OPEN
    return None


def hour_totals(volunteer: Volunteer) -> Tuple[Decimal, Decimal]:
    approved = Decimal("0")
    pending = Decimal("0")
    for entry in volunteer.hours:
        if entry.approved:
            approved += entry.hours
        else:
            pending += entry.hours
    return approved, pending


def leaderboard(session: Session, limit: int = 10) -> List[Tuple]:
    total = func.sum(HoursLog.hours).label("total")
    query = (
        select(Volunteer.id, Volunteer.full_name, total)
        .join(HoursLog, HoursLog.volunteer_id == Volunteer.id)
        .where(HoursLog.approved.is_(True))
        .group_by(Volunteer.id, Volunteer.full_name)
        .order_by(total.desc(), Volunteer.full_name)
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(query)]
