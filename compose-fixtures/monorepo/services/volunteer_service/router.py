"""Member-facing volunteer endpoints: opportunities, shifts, hours, handbook, challenges."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, get_current_user
from libs.db import get_async_db
from libs.service_client import get_member_summary

from . import services as volunteer_services
from .models import (
    ChallengeParticipant,
    ChallengeStatus,
    HandbookAcknowledgement,
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
    VolunteerOpportunity,
    VolunteerShift,
    VolunteerSignup,
)
from .schemas import (
    AcknowledgementResponse,
    BadgeResponse,
    ChallengeResponse,
    HandbookResponse,
    HoursCreate,
    HoursResponse,
    HoursSummary,
    OpportunityDetail,
    OpportunityListItem,
    OpportunityPage,
    ParticipantResponse,
    ShiftResponse,
    SignupCancelResult,
    SignupCreate,
    SignupResponse,
)

volunteer_router = APIRouter(prefix="/volunteer", tags=["volunteer"])

VISIBLE_STATUSES = (OpportunityStatus.OPEN, OpportunityStatus.FILLED)
ACTIVE_SIGNUPS = (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)


def _rule_error(exc: volunteer_services.VolunteerRuleError) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, str(exc))


async def _get_opportunity_or_404(
    db: AsyncSession, opportunity_id: uuid.UUID
) -> VolunteerOpportunity:
    opportunity = await db.get(VolunteerOpportunity, opportunity_id)
    if opportunity is None or opportunity.status not in VISIBLE_STATUSES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "opportunity not found")
    return opportunity


async def _get_shift_or_404(db: AsyncSession, shift_id: uuid.UUID) -> VolunteerShift:
    shift = await db.scalar(
        select(VolunteerShift)
        .options(selectinload(VolunteerShift.opportunity))
        .where(VolunteerShift.id == shift_id)
    )
    if shift is None or shift.opportunity.status not in VISIBLE_STATUSES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "shift not found")
    return shift


async def _shift_counts(
    db: AsyncSession, shift_ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[SignupStatus, int]]:
    if not shift_ids:
        return {}
    rows = await db.execute(
        select(VolunteerSignup.shift_id, VolunteerSignup.status, func.count(VolunteerSignup.id))
        .where(VolunteerSignup.shift_id.in_(shift_ids))
        .group_by(VolunteerSignup.shift_id, VolunteerSignup.status)
    )
    counts: dict[uuid.UUID, dict[SignupStatus, int]] = {}
    for shift_id, signup_status, count in rows:
        counts.setdefault(shift_id, {})[signup_status] = count
    return counts


def _shift_response(shift: VolunteerShift, counts: dict[SignupStatus, int]) -> ShiftResponse:
    return ShiftResponse.model_validate(shift).model_copy(
        update={
            "confirmed": counts.get(SignupStatus.CONFIRMED, 0),
            "waitlisted": counts.get(SignupStatus.WAITLISTED, 0),
        }
    )


async def _upcoming_shifts(db: AsyncSession, opportunity_id: uuid.UUID) -> list[VolunteerShift]:
    result = await db.execute(
        select(VolunteerShift)
        .where(
            VolunteerShift.opportunity_id == opportunity_id,
            VolunteerShift.status == ShiftStatus.SCHEDULED,
            VolunteerShift.starts_at > volunteer_services.utcnow(),
        )
        .order_by(VolunteerShift.starts_at)
    )
    return list(result.scalars())


async def _coordinator_name(coordinator_id: uuid.UUID | None) -> str | None:
    if coordinator_id is None:
        return None
    summary = await get_member_summary(str(coordinator_id))
    if not summary:
        return None
    name = f"{summary.get('first_name', '')} {summary.get('last_name', '')}".strip()
    return name or None


async def _enrich_opportunity(
    db: AsyncSession, opportunity: VolunteerOpportunity, user: AuthUser | None
) -> OpportunityListItem:
    """What a member needs to decide: free spots, next shifts, whether they are in already."""
    shifts = await _upcoming_shifts(db, opportunity.id)
    counts = await _shift_counts(db, [shift.id for shift in shifts])
    open_spots = sum(
        max(shift.capacity - counts.get(shift.id, {}).get(SignupStatus.CONFIRMED, 0), 0)
        for shift in shifts
    )
    signed_up = False
    if user is not None and shifts:
        mine = await db.execute(
            select(func.count(VolunteerSignup.id)).where(
                VolunteerSignup.shift_id.in_([shift.id for shift in shifts]),
                VolunteerSignup.member_id == user.user_id,
                VolunteerSignup.status.in_(ACTIVE_SIGNUPS),
            )
        )
        signed_up = mine.scalar_one() > 0
    return OpportunityListItem.model_validate(opportunity).model_copy(
        update={
            "coordinator_name": await _coordinator_name(opportunity.coordinator_id),
            "upcoming_shifts": len(shifts),
            "open_spots": open_spots,
            "signed_up": signed_up,
        }
    )


# --- Opportunities -------------------------------------------------------------------


@volunteer_router.get("/opportunities", response_model=OpportunityPage)
async def list_opportunities(
    category: OpportunityCategory | None = None,
    include_filled: bool = False,
    page: int = Query(default=1, ge=1),
    size: int = Query(default=20, ge=1, le=100),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> OpportunityPage:
    statuses = VISIBLE_STATUSES if include_filled else (OpportunityStatus.OPEN,)
    query = select(VolunteerOpportunity).where(VolunteerOpportunity.status.in_(statuses))
    if category is not None:
        query = query.where(VolunteerOpportunity.category == category)
    total = (await db.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await db.execute(
        query.order_by(VolunteerOpportunity.starts_on.nulls_last(), VolunteerOpportunity.title)
        .offset((page - 1) * size)
        .limit(size)
    )
    items = [await _enrich_opportunity(db, opp, user) for opp in rows.scalars()]
    return OpportunityPage(items=items, total=total, page=page, size=size)


@volunteer_router.get("/opportunities/mine", response_model=list[OpportunityListItem])
async def my_opportunities(
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[OpportunityListItem]:
    signed_up = (
        select(VolunteerShift.opportunity_id)
        .join(VolunteerSignup, VolunteerSignup.shift_id == VolunteerShift.id)
        .where(
            VolunteerSignup.member_id == user.user_id,
            VolunteerSignup.status.in_(ACTIVE_SIGNUPS),
            VolunteerShift.starts_at > volunteer_services.utcnow(),
        )
    )
    result = await db.execute(
        select(VolunteerOpportunity)
        .where(VolunteerOpportunity.id.in_(signed_up))
        .order_by(VolunteerOpportunity.title)
    )
    return [await _enrich_opportunity(db, opp, user) for opp in result.scalars()]


@volunteer_router.get("/opportunities/{opportunity_id}", response_model=OpportunityDetail)
async def get_opportunity(
    opportunity_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> OpportunityDetail:
    opportunity = await _get_opportunity_or_404(db, opportunity_id)
    item = await _enrich_opportunity(db, opportunity, user)
    shifts = await _upcoming_shifts(db, opportunity.id)
    counts = await _shift_counts(db, [shift.id for shift in shifts])
    return OpportunityDetail(
        **item.model_dump(),
        shifts=[_shift_response(shift, counts.get(shift.id, {})) for shift in shifts],
    )


# --- Sign-ups ------------------------------------------------------------------------


@volunteer_router.post(
    "/shifts/{shift_id}/signup",
    response_model=SignupResponse,
    status_code=status.HTTP_201_CREATED,
)
async def sign_up(
    shift_id: uuid.UUID,
    payload: SignupCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> VolunteerSignup:
    shift = await _get_shift_or_404(db, shift_id)
    try:
        signup = await volunteer_services.signup_for_shift(db, shift, user.user_id, payload.note)
    except volunteer_services.VolunteerRuleError as exc:
        raise _rule_error(exc) from exc
    await db.refresh(signup)
    return signup


@volunteer_router.delete("/shifts/{shift_id}/signup", response_model=SignupCancelResult)
async def cancel_sign_up(
    shift_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> SignupCancelResult:
    shift = await _get_shift_or_404(db, shift_id)
    signup = await db.scalar(
        select(VolunteerSignup).where(
            VolunteerSignup.shift_id == shift_id, VolunteerSignup.member_id == user.user_id
        )
    )
    if signup is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "you are not signed up for this shift")
    try:
        promoted = await volunteer_services.cancel_signup(db, signup, shift)
    except volunteer_services.VolunteerRuleError as exc:
        raise _rule_error(exc) from exc
    await db.refresh(signup)
    return SignupCancelResult(
        signup=SignupResponse.model_validate(signup),
        promoted_member_id=promoted.member_id if promoted else None,
    )


# --- Hours ---------------------------------------------------------------------------


@volunteer_router.post("/hours", response_model=HoursResponse, status_code=status.HTTP_201_CREATED)
async def log_hours(
    payload: HoursCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> HoursLog:
    if payload.opportunity_id is not None:
        opportunity = await _get_opportunity_or_404(db, payload.opportunity_id)
        if opportunity.category is not payload.category:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                "category does not match the opportunity's category",
            )
    entry = HoursLog(
        **payload.model_dump(exclude={"hours"}),
        hours=volunteer_services.round_hours(payload.hours),
        member_id=user.user_id,
        source=HoursSource.MANUAL,
        status=HoursStatus.PENDING,
    )
    db.add(entry)
    await db.flush()
    await db.refresh(entry)
    return entry


@volunteer_router.get("/hours/mine", response_model=list[HoursResponse])
async def my_hours(
    hours_status: HoursStatus | None = Query(default=None, alias="status"),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[HoursLog]:
    query = select(HoursLog).where(HoursLog.member_id == user.user_id)
    if hours_status is not None:
        query = query.where(HoursLog.status == hours_status)
    result = await db.execute(query.order_by(HoursLog.worked_on.desc()))
    return list(result.scalars())


@volunteer_router.get("/hours/summary", response_model=HoursSummary)
async def my_hours_summary(
    since: date | None = None,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> HoursSummary:
    return await volunteer_services.hours_summary(db, user.user_id, since)


# --- Handbook ------------------------------------------------------------------------


async def _handbook_response(
    db: AsyncSession, handbook: HandbookVersion, member_id: uuid.UUID
) -> HandbookResponse:
    acknowledged_at = await db.scalar(
        select(HandbookAcknowledgement.acknowledged_at).where(
            HandbookAcknowledgement.handbook_version_id == handbook.id,
            HandbookAcknowledgement.member_id == member_id,
        )
    )
    return HandbookResponse.model_validate(handbook).model_copy(
        update={"acknowledged_at": acknowledged_at}
    )


@volunteer_router.get("/handbook/current", response_model=HandbookResponse)
async def current_handbook(
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> HandbookResponse:
    handbook = await volunteer_services.current_handbook(db)
    if handbook is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no handbook has been published yet")
    return await _handbook_response(db, handbook, user.user_id)


@volunteer_router.post(
    "/handbook/current/acknowledge",
    response_model=AcknowledgementResponse,
    status_code=status.HTTP_201_CREATED,
)
async def acknowledge_handbook(
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> HandbookAcknowledgement:
    handbook = await volunteer_services.current_handbook(db)
    if handbook is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no handbook has been published yet")
    existing = await db.scalar(
        select(HandbookAcknowledgement).where(
            HandbookAcknowledgement.handbook_version_id == handbook.id,
            HandbookAcknowledgement.member_id == user.user_id,
        )
    )
    if existing is not None:
        return existing
    acknowledgement = HandbookAcknowledgement(
        handbook_version_id=handbook.id,
        member_id=user.user_id,
        acknowledged_at=volunteer_services.utcnow(),
    )
    db.add(acknowledgement)
    await db.flush()
    return acknowledgement


@volunteer_router.get("/handbook/{version}", response_model=HandbookResponse)
async def get_handbook_version(
    version: str,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> HandbookResponse:
    handbook = await db.scalar(
        select(HandbookVersion).where(
            HandbookVersion.version == version, HandbookVersion.status != HandbookStatus.DRAFT
        )
    )
    if handbook is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"handbook version {version} not found")
    return await _handbook_response(db, handbook, user.user_id)


# --- Challenges ----------------------------------------------------------------------

challenge_router = APIRouter(prefix="/volunteer/challenges", tags=["volunteer-challenges"])


async def _get_challenge_or_404(db: AsyncSession, challenge_id: uuid.UUID) -> VolunteerChallenge:
    challenge = await db.get(VolunteerChallenge, challenge_id)
    if challenge is None or challenge.status is ChallengeStatus.DRAFT:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "challenge not found")
    return challenge


async def _challenge_response(
    db: AsyncSession, challenge: VolunteerChallenge, member_id: uuid.UUID
) -> ChallengeResponse:
    rows = await db.execute(
        select(ChallengeParticipant.member_id).where(
            ChallengeParticipant.challenge_id == challenge.id
        )
    )
    members = set(rows.scalars())
    return ChallengeResponse.model_validate(challenge).model_copy(
        update={"participant_count": len(members), "joined": member_id in members}
    )


@challenge_router.get("/", response_model=list[ChallengeResponse])
async def list_challenges(
    include_completed: bool = False,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[ChallengeResponse]:
    statuses = [ChallengeStatus.ACTIVE]
    if include_completed:
        statuses.append(ChallengeStatus.COMPLETED)
    result = await db.execute(
        select(VolunteerChallenge)
        .where(VolunteerChallenge.status.in_(statuses))
        .order_by(VolunteerChallenge.ends_on)
    )
    return [await _challenge_response(db, c, user.user_id) for c in result.scalars()]


@challenge_router.get("/badges/mine", response_model=list[BadgeResponse])
async def my_badges(
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[VolunteerBadge]:
    result = await db.execute(
        select(VolunteerBadge)
        .where(VolunteerBadge.member_id == user.user_id)
        .order_by(VolunteerBadge.awarded_at.desc())
    )
    return list(result.scalars())


@challenge_router.post(
    "/{challenge_id}/join",
    response_model=ParticipantResponse,
    status_code=status.HTTP_201_CREATED,
)
async def join_challenge(
    challenge_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> ChallengeParticipant:
    challenge = await _get_challenge_or_404(db, challenge_id)
    if challenge.status is not ChallengeStatus.ACTIVE or challenge.ends_on < date.today():
        raise HTTPException(status.HTTP_409_CONFLICT, "this challenge is closed")
    existing = await db.scalar(
        select(ChallengeParticipant).where(
            ChallengeParticipant.challenge_id == challenge_id,
            ChallengeParticipant.member_id == user.user_id,
        )
    )
    if existing is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "you have already joined this challenge")
    participant = ChallengeParticipant(
        challenge_id=challenge_id,
        member_id=user.user_id,
        joined_at=volunteer_services.utcnow(),
        progress=await volunteer_services.measure_progress(db, challenge, user.user_id),
    )
    db.add(participant)
    await db.flush()
    return participant
