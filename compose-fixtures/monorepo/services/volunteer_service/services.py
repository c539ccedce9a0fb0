"""Volunteer business rules: sign-ups and waitlists, hours, challenges and badges."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.service_client import ServiceUnavailable, get_service_client
from services.volunteer_service.models import (
    ChallengeMetric,
    ChallengeParticipant,
    ChallengeStatus,
    HandbookStatus,
    HandbookVersion,
    HoursLog,
    HoursSource,
    HoursStatus,
    OpportunityCategory,
    OpportunityStatus,
    ShiftStatus,
    SignupStatus,
    VolunteerBadge,
    VolunteerChallenge,
    VolunteerShift,
    VolunteerSignup,
)
from services.volunteer_service.schemas import HoursByCategory, HoursSummary

logger = logging.getLogger(__name__)

HOURS_QUANTUM = Decimal("0.25")


class VolunteerRuleError(Exception):
    """A business rule refused the operation; routers answer it with HTTP 409."""


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def round_hours(value: Decimal) -> Decimal:
    """Hours are credited in quarter-hour steps."""
    steps = (value / HOURS_QUANTUM).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (steps * HOURS_QUANTUM).quantize(Decimal("0.01"))


async def count_signups(db: AsyncSession, shift_id: uuid.UUID, status: SignupStatus) -> int:
    return await db.scalar(
        select(func.count(VolunteerSignup.id)).where(
            VolunteerSignup.shift_id == shift_id, VolunteerSignup.status == status
        )
    )


async def signup_for_shift(
    db: AsyncSession, shift: VolunteerShift, member_id: uuid.UUID, note: str | None = None
) -> VolunteerSignup:
    if shift.status is not ShiftStatus.SCHEDULED or shift.starts_at <= utcnow():
        raise VolunteerRuleError("this shift is no longer taking sign-ups")
    if shift.opportunity.status is not OpportunityStatus.OPEN:
        raise VolunteerRuleError("this opportunity is not open for sign-ups")

    signup = await db.scalar(
        select(VolunteerSignup).where(
            VolunteerSignup.shift_id == shift.id, VolunteerSignup.member_id == member_id
        )
    )
    if signup is not None and signup.status is not SignupStatus.CANCELLED:
        raise VolunteerRuleError("already signed up for this shift")

    confirmed = await count_signups(db, shift.id, SignupStatus.CONFIRMED)
    if signup is None:
        signup = VolunteerSignup(shift_id=shift.id, member_id=member_id)
        db.add(signup)
    signup.note = note
    if confirmed < shift.capacity:
        signup.status = SignupStatus.CONFIRMED
        signup.waitlisted_at = None
    else:
        signup.status = SignupStatus.WAITLISTED
        signup.waitlisted_at = utcnow()
    await db.flush()
    return signup


async def promote_waitlist(db: AsyncSession, shift: VolunteerShift) -> VolunteerSignup | None:
    """Move the longest-waiting volunteer onto the shift when a place frees up."""
    if await count_signups(db, shift.id, SignupStatus.CONFIRMED) >= shift.capacity:
        return None
    candidate = await db.scalar(
        select(VolunteerSignup)
        .where(
            VolunteerSignup.shift_id == shift.id,
            VolunteerSignup.status == SignupStatus.WAITLISTED,
        )
        .order_by(VolunteerSignup.waitlisted_at, VolunteerSignup.created_at)
        .limit(1)
    )
    if candidate is not None:
        candidate.status = SignupStatus.CONFIRMED
        await db.flush()
    return candidate


async def cancel_signup(
    db: AsyncSession, signup: VolunteerSignup, shift: VolunteerShift
) -> VolunteerSignup | None:
    if signup.status not in (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED):
        raise VolunteerRuleError(f"sign-up is {signup.status.value} and cannot be cancelled")
    if shift.starts_at <= utcnow():
        raise VolunteerRuleError("the shift has already started")
    was_confirmed = signup.status is SignupStatus.CONFIRMED
    signup.status = SignupStatus.CANCELLED
    await db.flush()
    return await promote_waitlist(db, shift) if was_confirmed else None


async def hours_summary(
    db: AsyncSession, member_id: uuid.UUID, since: date | None = None
) -> HoursSummary:
    """Approved and pending hours of one member, optionally from a date onwards."""
    query = (
        select(
            HoursLog.category,
            HoursLog.status,
            HoursLog.source,
            func.sum(HoursLog.hours),
            func.count(HoursLog.id),
        )
        .where(HoursLog.member_id == member_id)
        .group_by(HoursLog.category, HoursLog.status, HoursLog.source)
    )
    if since is not None:
        query = query.where(HoursLog.worked_on >= since)
    approved: dict[OpportunityCategory, Decimal] = defaultdict(Decimal)
    pending, attended = Decimal(0), 0
    for category, entry_status, source, total, entries in await db.execute(query):
        if entry_status is HoursStatus.APPROVED:
            approved[category] += total
            attended += entries if source is HoursSource.SHIFT else 0
        elif entry_status is HoursStatus.PENDING:
            pending += total
    by_category = sorted(approved.items(), key=lambda item: item[1], reverse=True)
    return HoursSummary(
        member_id=member_id,
        approved_hours=sum(approved.values(), Decimal(0)),
        pending_hours=pending,
        shifts_attended=attended,
        by_category=[HoursByCategory(category=c, hours=h) for c, h in by_category],
        since=since,
    )


def worked_hours(signup: VolunteerSignup, shift: VolunteerShift) -> Decimal:
    """Time on site when the volunteer was checked in, otherwise the rostered shift."""
    if signup.checked_in_at and signup.checked_out_at:
        start, end = signup.checked_in_at, signup.checked_out_at
    else:
        start, end = shift.starts_at, shift.ends_at
    seconds = max((end - start).total_seconds(), 0)
    return round_hours(Decimal(seconds) / Decimal(3600))


async def record_attendance(
    db: AsyncSession,
    signup: VolunteerSignup,
    shift: VolunteerShift,
    reviewer_id: uuid.UUID,
    hours: Decimal | None = None,
) -> HoursLog:
    """Close a sign-up as attended and credit its hours, approved by the coordinator."""
    if signup.status is not SignupStatus.CONFIRMED:
        raise VolunteerRuleError("only confirmed sign-ups can be checked out")
    signup.checked_out_at = signup.checked_out_at or utcnow()
    signup.status = SignupStatus.ATTENDED
    credited = round_hours(hours) if hours is not None else worked_hours(signup, shift)
    if credited <= 0:
        raise VolunteerRuleError("no hours to credit for this sign-up")
    entry = HoursLog(
        member_id=signup.member_id,
        opportunity_id=shift.opportunity_id,
        signup_id=signup.id,
        category=shift.opportunity.category,
        worked_on=shift.starts_at.date(),
        hours=credited,
        source=HoursSource.SHIFT,
        status=HoursStatus.APPROVED,
        reviewed_by=reviewer_id,
        reviewed_at=signup.checked_out_at,
    )
    db.add(entry)
    await db.flush()
    return entry


async def measure_progress(
    db: AsyncSession, challenge: VolunteerChallenge, member_id: uuid.UUID
) -> Decimal:
    """A member's progress towards a challenge, counted over the challenge period."""
    conditions = [
        HoursLog.member_id == member_id,
        HoursLog.status == HoursStatus.APPROVED,
        HoursLog.worked_on >= challenge.starts_on,
        HoursLog.worked_on <= challenge.ends_on,
    ]
    if challenge.category is not None:
        conditions.append(HoursLog.category == challenge.category)
    if challenge.metric is ChallengeMetric.HOURS:
        measure = func.coalesce(func.sum(HoursLog.hours), 0)
    else:
        conditions.append(HoursLog.source == HoursSource.SHIFT)
        measure = func.count(HoursLog.id)
    return Decimal(await db.scalar(select(measure).where(*conditions)))


async def refresh_challenge_progress(
    db: AsyncSession, challenge: VolunteerChallenge
) -> list[VolunteerBadge]:
    """Recompute every participant's progress and award badges to those who finished."""
    if challenge.status not in (ChallengeStatus.ACTIVE, ChallengeStatus.COMPLETED):
        raise VolunteerRuleError("only active or completed challenges track progress")
    participants = (
        await db.scalars(
            select(ChallengeParticipant).where(ChallengeParticipant.challenge_id == challenge.id)
        )
    ).all()
    awarded: list[VolunteerBadge] = []
    for participant in participants:
        participant.progress = await measure_progress(db, challenge, participant.member_id)
        if participant.progress >= challenge.target and participant.completed_at is None:
            participant.completed_at = utcnow()
            badge = VolunteerBadge(
                member_id=participant.member_id,
                challenge_id=challenge.id,
                name=challenge.badge_name,
                tier=challenge.badge_tier,
                awarded_at=participant.completed_at,
            )
            db.add(badge)
            awarded.append(badge)
    await db.flush()
    for badge in awarded:
        await notify_badge_awarded(badge)
    return awarded


async def notify_badge_awarded(badge: VolunteerBadge) -> None:
    """Ask the communications service to congratulate the member; never fails the caller."""
    try:
        await get_service_client("communications").post(
            "/api/v1/notifications/internal",
            json={
                "member_id": str(badge.member_id),
                "template": "volunteer_badge_awarded",
                "context": {"badge": badge.name, "tier": badge.tier.value},
            },
        )
    except (ServiceUnavailable, httpx.HTTPStatusError) as exc:
        logger.warning("badge notification for %s not sent: %s", badge.member_id, exc)


def parse_version(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


async def current_handbook(db: AsyncSession) -> HandbookVersion | None:
    return await db.scalar(
        select(HandbookVersion)
        .where(HandbookVersion.status == HandbookStatus.PUBLISHED)
        .order_by(HandbookVersion.published_at.desc())
        .limit(1)
    )
