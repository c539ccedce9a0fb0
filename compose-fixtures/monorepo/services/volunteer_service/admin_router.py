"""Coordinator and admin endpoints: opportunities, rosters, hours review, challenges, handbook."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, require_admin, require_coach
from libs.db import get_async_db

from .models import (
    ChallengeParticipant,
    ChallengeStatus,
    HandbookAcknowledgement,
    HandbookStatus,
    HandbookVersion,
    HoursLog,
    HoursStatus,
    MemberRef,
    OpportunityCategory,
    OpportunityStatus,
    OpportunityStatusChange,
    SignupStatus,
    VolunteerChallenge,
    VolunteerOpportunity,
    VolunteerShift,
    VolunteerSignup,
)
from .schemas import (
    AcknowledgementReport,
    AdminOpportunityResponse,
    ChallengeCreate,
    ChallengeResponse,
    CheckOutRequest,
    HandbookCreate,
    HandbookResponse,
    HoursResponse,
    HoursReview,
    HoursSummary,
    OpportunityCreate,
    OpportunityStatusUpdate,
    RecalculateResult,
    RosterEntry,
    ShiftCreate,
    ShiftResponse,
    SignupResponse,
)
from .services import (
    VolunteerRuleError,
    current_handbook,
    hours_summary,
    parse_version,
    record_attendance,
    utcnow,
)

router = APIRouter(prefix="/volunteer/admin", tags=["volunteer-admin"])

OPPORTUNITY_TRANSITIONS: dict[OpportunityStatus, set[OpportunityStatus]] = {
    OpportunityStatus.DRAFT: {OpportunityStatus.OPEN, OpportunityStatus.CANCELLED},
    OpportunityStatus.OPEN: {
        OpportunityStatus.FILLED,
        OpportunityStatus.CLOSED,
        OpportunityStatus.CANCELLED,
    },
    OpportunityStatus.FILLED: {
        OpportunityStatus.OPEN,
        OpportunityStatus.CLOSED,
        OpportunityStatus.CANCELLED,
    },
    OpportunityStatus.CLOSED: {OpportunityStatus.OPEN},
    OpportunityStatus.CANCELLED: set(),
}


def _conflict(exc: VolunteerRuleError) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, str(exc))


async def _load_opportunity(db: AsyncSession, opportunity_id: uuid.UUID) -> VolunteerOpportunity:
    opportunity = await db.scalar(
        select(VolunteerOpportunity)
        .options(selectinload(VolunteerOpportunity.coordinator))
        .where(VolunteerOpportunity.id == opportunity_id)
    )
    if opportunity is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "opportunity not found")
    return opportunity


async def _load_shift(db: AsyncSession, shift_id: uuid.UUID) -> VolunteerShift:
    shift = await db.scalar(
        select(VolunteerShift)
        .options(selectinload(VolunteerShift.opportunity))
        .where(VolunteerShift.id == shift_id)
    )
    if shift is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "shift not found")
    return shift


async def _load_signup(db: AsyncSession, signup_id: uuid.UUID) -> VolunteerSignup:
    signup = await db.scalar(
        select(VolunteerSignup)
        .options(selectinload(VolunteerSignup.shift).selectinload(VolunteerShift.opportunity))
        .where(VolunteerSignup.id == signup_id)
    )
    if signup is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "sign-up not found")
    return signup


async def _enrich_opportunity(
    db: AsyncSession, opportunity: VolunteerOpportunity
) -> AdminOpportunityResponse:
    """Coordinator view: sign-up breakdown, credited hours and how reliable the roster is."""
    rows = await db.execute(
        select(VolunteerSignup.status, func.count(VolunteerSignup.id))
        .join(VolunteerShift, VolunteerSignup.shift_id == VolunteerShift.id)
        .where(VolunteerShift.opportunity_id == opportunity.id)
        .group_by(VolunteerSignup.status)
    )
    by_status = {signup_status: count for signup_status, count in rows}
    shift_count = await db.scalar(
        select(func.count(VolunteerShift.id)).where(VolunteerShift.opportunity_id == opportunity.id)
    )
    approved_hours = await db.scalar(
        select(func.coalesce(func.sum(HoursLog.hours), 0)).where(
            HoursLog.opportunity_id == opportunity.id,
            HoursLog.status == HoursStatus.APPROVED,
        )
    )
    no_shows = by_status.get(SignupStatus.NO_SHOW, 0)
    closed = by_status.get(SignupStatus.ATTENDED, 0) + no_shows
    coordinator = opportunity.coordinator
    return AdminOpportunityResponse.model_validate(opportunity).model_copy(
        update={
            "coordinator_name": (
                f"{coordinator.first_name} {coordinator.last_name}" if coordinator else None
            ),
            "shift_count": shift_count,
            "signups_by_status": by_status,
            "approved_hours": approved_hours,
            "no_show_rate": round(no_shows / closed, 3) if closed else None,
        }
    )


# --- Opportunities -------------------------------------------------------------------


@router.get("/opportunities", response_model=list[AdminOpportunityResponse])
async def list_all_opportunities(
    opportunity_status: OpportunityStatus | None = Query(default=None, alias="status"),
    category: OpportunityCategory | None = None,
    coordinator_id: uuid.UUID | None = None,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> list[AdminOpportunityResponse]:
    query = select(VolunteerOpportunity).options(selectinload(VolunteerOpportunity.coordinator))
    if opportunity_status is not None:
        query = query.where(VolunteerOpportunity.status == opportunity_status)
    if category is not None:
        query = query.where(VolunteerOpportunity.category == category)
    if coordinator_id is not None:
        query = query.where(VolunteerOpportunity.coordinator_id == coordinator_id)
    result = await db.execute(query.order_by(VolunteerOpportunity.created_at.desc()))
    return [await _enrich_opportunity(db, opportunity) for opportunity in result.scalars()]


@router.post(
    "/opportunities",
    response_model=AdminOpportunityResponse,
    status_code=status.HTTP_201_CREATED,
)
async def create_opportunity(
    payload: OpportunityCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> AdminOpportunityResponse:
    opportunity = VolunteerOpportunity(**payload.model_dump(), status=OpportunityStatus.DRAFT)
    db.add(opportunity)
    await db.flush()
    return await _enrich_opportunity(db, await _load_opportunity(db, opportunity.id))


@router.get("/opportunities/{opportunity_id}", response_model=AdminOpportunityResponse)
async def get_opportunity_admin(
    opportunity_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> AdminOpportunityResponse:
    return await _enrich_opportunity(db, await _load_opportunity(db, opportunity_id))


@router.post("/opportunities/{opportunity_id}/status", response_model=AdminOpportunityResponse)
async def change_opportunity_status(
    opportunity_id: uuid.UUID,
    payload: OpportunityStatusUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_admin),
) -> AdminOpportunityResponse:
    opportunity = await _load_opportunity(db, opportunity_id)
    current = opportunity.status
    if payload.status not in OPPORTUNITY_TRANSITIONS[current]:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"cannot move an opportunity from {current.value} to {payload.status.value}",
        )
    if payload.status is OpportunityStatus.CANCELLED and not payload.reason:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "cancelling needs a reason")
    opportunity.status = payload.status
    db.add(
        OpportunityStatusChange(
            opportunity_id=opportunity.id,
            from_status=current,
            to_status=payload.status,
            changed_by=user.user_id,
            reason=payload.reason,
            changed_at=utcnow(),
        )
    )
    await db.flush()
    return await _enrich_opportunity(db, opportunity)


# --- Shifts and rosters --------------------------------------------------------------


@router.post(
    "/opportunities/{opportunity_id}/shifts",
    response_model=ShiftResponse,
    status_code=status.HTTP_201_CREATED,
)
async def create_shift(
    opportunity_id: uuid.UUID,
    payload: ShiftCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> VolunteerShift:
    opportunity = await _load_opportunity(db, opportunity_id)
    if opportunity.status in (OpportunityStatus.CLOSED, OpportunityStatus.CANCELLED):
        raise HTTPException(status.HTTP_409_CONFLICT, "the opportunity is no longer running")
    shift_day = payload.starts_at.date()
    if (opportunity.starts_on and shift_day < opportunity.starts_on) or (
        opportunity.ends_on and shift_day > opportunity.ends_on
    ):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "shift falls outside the opportunity's dates"
        )
    shift = VolunteerShift(opportunity_id=opportunity_id, **payload.model_dump())
    db.add(shift)
    await db.flush()
    await db.refresh(shift)
    return shift


@router.get("/shifts/{shift_id}/roster", response_model=list[RosterEntry])
async def shift_roster(
    shift_id: uuid.UUID,
    include_cancelled: bool = False,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> list[RosterEntry]:
    await _load_shift(db, shift_id)
    query = (
        select(VolunteerSignup, MemberRef)
        .outerjoin(MemberRef, MemberRef.id == VolunteerSignup.member_id)
        .where(VolunteerSignup.shift_id == shift_id)
        .order_by(VolunteerSignup.status, VolunteerSignup.created_at)
    )
    if not include_cancelled:
        query = query.where(VolunteerSignup.status != SignupStatus.CANCELLED)
    return [
        RosterEntry(
            **SignupResponse.model_validate(signup).model_dump(),
            member_name=f"{member.first_name} {member.last_name}" if member else None,
        )
        for signup, member in (await db.execute(query)).all()
    ]


@router.post("/signups/{signup_id}/check-in", response_model=SignupResponse)
async def check_in(
    signup_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> VolunteerSignup:
    signup = await _load_signup(db, signup_id)
    if signup.status is not SignupStatus.CONFIRMED or signup.checked_in_at is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "sign-up cannot be checked in")
    signup.checked_in_at = utcnow()
    await db.flush()
    await db.refresh(signup)
    return signup


@router.post("/signups/{signup_id}/check-out", response_model=HoursResponse)
async def check_out(
    signup_id: uuid.UUID,
    payload: CheckOutRequest,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> HoursLog:
    signup = await _load_signup(db, signup_id)
    try:
        entry = await record_attendance(db, signup, signup.shift, user.user_id, payload.hours)
    except VolunteerRuleError as exc:
        raise _conflict(exc) from exc
    await db.refresh(entry)
    return entry


# --- Hours review --------------------------------------------------------------------


@router.get("/hours", response_model=list[HoursResponse])
async def list_hours(
    hours_status: HoursStatus = Query(default=HoursStatus.PENDING, alias="status"),
    member_id: uuid.UUID | None = None,
    category: OpportunityCategory | None = None,
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> list[HoursLog]:
    query = select(HoursLog).where(HoursLog.status == hours_status)
    if member_id is not None:
        query = query.where(HoursLog.member_id == member_id)
    if category is not None:
        query = query.where(HoursLog.category == category)
    result = await db.execute(
        query.order_by(HoursLog.worked_on, HoursLog.created_at)
        .offset((page - 1) * size)
        .limit(size)
    )
    return list(result.scalars())


async def _review(
    db: AsyncSession, hours_id: uuid.UUID, reviewer: AuthUser, approve: bool, reason: str | None
) -> HoursLog:
    entry = await db.get(HoursLog, hours_id)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "hours entry not found")
    if entry.status is not HoursStatus.PENDING:
        raise HTTPException(status.HTTP_409_CONFLICT, f"hours entry is {entry.status.value}")
    if entry.member_id == reviewer.user_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "volunteers cannot review their own hours")
    if not approve and not reason:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "rejecting needs a reason")
    entry.status = HoursStatus.APPROVED if approve else HoursStatus.REJECTED
    entry.rejection_reason = reason
    entry.reviewed_by = reviewer.user_id
    entry.reviewed_at = utcnow()
    await db.flush()
    await db.refresh(entry)
    return entry


@router.post("/hours/{hours_id}/approve", response_model=HoursResponse)
async def approve_hours(
    hours_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> HoursLog:
    return await _review(db, hours_id, user, approve=True, reason=None)


@router.post("/hours/{hours_id}/reject", response_model=HoursResponse)
async def reject_hours(
    hours_id: uuid.UUID,
    payload: HoursReview,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> HoursLog:
    return await _review(db, hours_id, user, approve=False, reason=payload.reason)


@router.get("/members/{member_id}/hours-summary", response_model=HoursSummary)
async def member_hours_summary(
    member_id: uuid.UUID,
    since: date | None = None,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> HoursSummary:
    return await hours_summary(db, member_id, since)


# --- Challenges ----------------------------------------------------------------------


async def _load_challenge(db: AsyncSession, challenge_id: uuid.UUID) -> VolunteerChallenge:
    challenge = await db.get(VolunteerChallenge, challenge_id)
    if challenge is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "challenge not found")
    return challenge


@router.post("/challenges", response_model=ChallengeResponse, status_code=status.HTTP_201_CREATED)
async def create_challenge(
    payload: ChallengeCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> VolunteerChallenge:
    challenge = VolunteerChallenge(**payload.model_dump(), status=ChallengeStatus.DRAFT)
    db.add(challenge)
    await db.flush()
    await db.refresh(challenge)
    return challenge


@router.post("/challenges/{challenge_id}/activate", response_model=ChallengeResponse)
async def activate_challenge(
    challenge_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> VolunteerChallenge:
    challenge = await _load_challenge(db, challenge_id)
    if challenge.status is not ChallengeStatus.DRAFT:
        raise HTTPException(status.HTTP_409_CONFLICT, f"challenge is {challenge.status.value}")
    if challenge.ends_on < date.today():
        raise HTTPException(status.HTTP_409_CONFLICT, "the challenge period is already over")
    challenge.status = ChallengeStatus.ACTIVE
    await db.flush()
    await db.refresh(challenge)
    return challenge


@router.post("/challenges/{challenge_id}/recalculate", response_model=RecalculateResult)
async def recalculate_challenge(
    challenge_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> RecalculateResult:
    from .services import refresh_challenge_progress

    challenge = await _load_challenge(db, challenge_id)
    try:
        badges = await refresh_challenge_progress(db, challenge)
    except VolunteerRuleError as exc:
        raise _conflict(exc) from exc
    participants = await db.scalar(
        select(func.count(ChallengeParticipant.id)).where(
            ChallengeParticipant.challenge_id == challenge_id
        )
    )
    return RecalculateResult(
        challenge_id=challenge_id, participants=participants, badges_awarded=badges
    )


# --- Handbook ------------------------------------------------------------------------


async def _load_handbook(db: AsyncSession, version: str) -> HandbookVersion:
    handbook = (
        await db.execute(select(HandbookVersion).where(HandbookVersion.version == version))
    ).scalar_one_or_none()
    if handbook is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"handbook version {version} not found")
    return handbook


@router.post("/handbook", response_model=HandbookResponse, status_code=status.HTTP_201_CREATED)
async def create_handbook_version(
    payload: HandbookCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> HandbookVersion:
    taken = await db.execute(
        select(HandbookVersion.id).where(HandbookVersion.version == payload.version)
    )
    if taken.first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"version {payload.version} exists")
    handbook = HandbookVersion(**payload.model_dump(), status=HandbookStatus.DRAFT)
    db.add(handbook)
    await db.flush()
    await db.refresh(handbook)
    return handbook


@router.post("/handbook/{version}/publish", response_model=HandbookResponse)
async def publish_handbook_version(
    version: str,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_admin),
) -> HandbookVersion:
    handbook = await _load_handbook(db, version)
    if handbook.status is not HandbookStatus.DRAFT:
        raise HTTPException(status.HTTP_409_CONFLICT, f"version {version} is already published")
    previous = await current_handbook(db)
    if previous is not None:
        if parse_version(version) <= parse_version(previous.version):
            raise HTTPException(
                status.HTTP_409_CONFLICT, f"version {version} must be newer than {previous.version}"
            )
        previous.status = HandbookStatus.SUPERSEDED
    handbook.status = HandbookStatus.PUBLISHED
    handbook.published_at = utcnow()
    handbook.published_by = user.user_id
    await db.flush()
    await db.refresh(handbook)
    return handbook


@router.get("/handbook/{version}/acknowledgements", response_model=AcknowledgementReport)
async def handbook_acknowledgements(
    version: str,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> AcknowledgementReport:
    handbook = await _load_handbook(db, version)
    acknowledged = set(
        (
            await db.execute(
                select(HandbookAcknowledgement.member_id).where(
                    HandbookAcknowledgement.handbook_version_id == handbook.id
                )
            )
        ).scalars()
    )
    active = set(
        (
            await db.execute(
                select(distinct(VolunteerSignup.member_id)).where(
                    VolunteerSignup.status.in_((SignupStatus.CONFIRMED, SignupStatus.ATTENDED)),
                    VolunteerSignup.created_at >= date(date.today().year, 1, 1),
                )
            )
        ).scalars()
    )
    return AcknowledgementReport(
        version=handbook.version,
        acknowledged=len(acknowledged),
        active_volunteers=len(active),
        outstanding_member_ids=sorted(active - acknowledged),
    )
