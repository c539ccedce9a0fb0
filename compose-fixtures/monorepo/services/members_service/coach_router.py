"""Coach profiles, agreements and payouts.

main.py mounts both routers of this module under ``/api/v1/members``: ``router`` serves
``/members/coaches/...`` and ``agreements_router`` serves ``/members/coach-agreements``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_admin, require_coach
from libs.db import get_async_db
from libs.service_client import ServiceUnavailable, get_service_client
from services.members_service.coach_schemas import (
    AgreementResponse,
    AgreementRevokeRequest,
    AgreementSignRequest,
    AgreementVersionCreate,
    AgreementVersionResponse,
    BankDetailsUpdate,
    CertificationCreate,
    CertificationResponse,
    CoachApplication,
    CoachGradeUpdate,
    CoachProfileResponse,
    CoachProfileUpdate,
    CoachReviewRequest,
    CoachStatusNote,
    PayoutCreate,
    PayoutMarkPaid,
    PayoutResponse,
    PayoutTotals,
)
from services.members_service.models import (
    AgreementStatus,
    CoachAgreement,
    CoachAgreementVersion,
    CoachCertification,
    CoachPayout,
    CoachProfile,
    CoachStatus,
    Member,
    MemberStatus,
    PayoutStatus,
)

router = APIRouter(prefix="/coaches", tags=["coaches"])

COACH_TRANSITIONS: dict[CoachStatus, set[CoachStatus]] = {
    CoachStatus.APPLIED: {CoachStatus.APPROVED, CoachStatus.REJECTED},
    CoachStatus.APPROVED: {CoachStatus.SUSPENDED, CoachStatus.INACTIVE},
    CoachStatus.SUSPENDED: {CoachStatus.APPROVED, CoachStatus.INACTIVE},
    CoachStatus.INACTIVE: {CoachStatus.APPROVED},
    CoachStatus.REJECTED: {CoachStatus.APPLIED},
}
PAYOUT_TRANSITIONS: dict[PayoutStatus, set[PayoutStatus]] = {
    PayoutStatus.PENDING: {PayoutStatus.APPROVED, PayoutStatus.CANCELLED},
    PayoutStatus.APPROVED: {PayoutStatus.PAID, PayoutStatus.CANCELLED},
    PayoutStatus.PAID: set(),
    PayoutStatus.CANCELLED: set(),
}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


async def coach_status_counts(db: AsyncSession) -> dict[str, int]:
    rows = await db.execute(select(CoachProfile.status, func.count()).group_by(CoachProfile.status))
    return {coach_status.value: count for coach_status, count in rows.all()}


async def _get_profile_or_404(db: AsyncSession, profile_id: uuid.UUID) -> CoachProfile:
    profile = await db.get(CoachProfile, profile_id)
    if profile is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "coach profile not found")
    return profile


async def _profile_for_user(db: AsyncSession, user: AuthUser) -> CoachProfile:
    profile = await db.scalar(
        select(CoachProfile).join(Member).where(Member.auth_id == user.user_id)
    )
    if profile is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no coach profile for this account")
    return profile


def _transition(profile: CoachProfile, target: CoachStatus) -> None:
    if target not in COACH_TRANSITIONS[profile.status]:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"cannot move coach from {profile.status.value} to {target.value}",
        )
    profile.status = target


async def _has_active_agreement(db: AsyncSession, coach_id: uuid.UUID) -> bool:
    """True when the coach has signed the current agreement version and not been revoked."""
    found = await db.scalar(
        select(CoachAgreement.id)
        .join(CoachAgreementVersion)
        .where(
            CoachAgreement.coach_id == coach_id,
            CoachAgreement.status == AgreementStatus.ACTIVE,
            CoachAgreementVersion.is_current.is_(True),
        )
    )
    return found is not None


async def _notify_coach(db: AsyncSession, profile: CoachProfile, event: str, **data: str) -> None:
    member = await db.get(Member, profile.member_id)
    if member is None:
        return
    payload = {
        "member_id": str(member.id),
        "email": member.email,
        "template": f"coach_{event}",
        "context": {"first_name": member.first_name, **data},
    }
    try:
        await get_service_client("communications").post(
            "/api/v1/communications/internal/notify", json=payload
        )
    except ServiceUnavailable:
        pass


# --- Profiles ----------------------------------------------------------------------


@router.post("/apply", response_model=CoachProfileResponse, status_code=status.HTTP_201_CREATED)
async def apply_as_coach(
    payload: CoachApplication,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> CoachProfile:
    # import here to avoid circular imports: service imports coach_status_counts from us
    from services.members_service.service import get_member_by_auth

    member = await get_member_by_auth(db, user.user_id)
    if member is None or member.status is not MemberStatus.ACTIVE:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only active members can apply to coach")
    profile = await db.scalar(select(CoachProfile).where(CoachProfile.member_id == member.id))
    if profile is not None and profile.status is not CoachStatus.REJECTED:
        raise HTTPException(status.HTTP_409_CONFLICT, "an application already exists")
    if profile is None:
        profile = CoachProfile(member_id=member.id, applied_at=_utcnow())
        db.add(profile)
    else:
        _transition(profile, CoachStatus.APPLIED)
        profile.applied_at = _utcnow()
        profile.reviewed_at = None
        profile.review_note = None
    for key, value in payload.model_dump().items():
        setattr(profile, key, value)
    await db.flush()
    await db.refresh(profile)
    return profile


@router.get("/me", response_model=CoachProfileResponse)
async def my_coach_profile(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(get_current_user)
) -> CoachProfile:
    return await _profile_for_user(db, user)


@router.patch("/me", response_model=CoachProfileResponse)
async def update_my_coach_profile(
    payload: CoachProfileUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> CoachProfile:
    profile = await _profile_for_user(db, user)
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(profile, key, value)
    await db.flush()
    await db.refresh(profile)
    return profile


@router.put("/me/bank-details", response_model=CoachProfileResponse)
async def set_bank_details(
    payload: BankDetailsUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> CoachProfile:
    profile = await _profile_for_user(db, user)
    if profile.status is not CoachStatus.APPROVED:
        raise HTTPException(status.HTTP_409_CONFLICT, "only approved coaches receive payouts")
    profile.bank_name = payload.bank_name
    profile.account_number = payload.account_number
    profile.account_name = payload.account_name
    await db.flush()
    await db.refresh(profile)
    return profile


@router.get("/me/certifications", response_model=list[CertificationResponse])
async def my_certifications(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(require_coach)
) -> list[CoachCertification]:
    profile = await _profile_for_user(db, user)
    rows = await db.execute(
        select(CoachCertification)
        .where(CoachCertification.coach_id == profile.id)
        .order_by(CoachCertification.issued_on.desc())
    )
    return list(rows.scalars())


@router.post(
    "/me/certifications",
    response_model=CertificationResponse,
    status_code=status.HTTP_201_CREATED,
)
async def add_certification(
    payload: CertificationCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> CoachCertification:
    profile = await _profile_for_user(db, user)
    certification = CoachCertification(coach_id=profile.id, **payload.model_dump())
    db.add(certification)
    await db.flush()
    await db.refresh(certification)
    return certification


@router.get("/me/payouts", response_model=list[PayoutResponse])
async def my_payouts(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(require_coach)
) -> list[CoachPayout]:
    profile = await _profile_for_user(db, user)
    rows = await db.execute(
        select(CoachPayout)
        .where(CoachPayout.coach_id == profile.id, CoachPayout.status != PayoutStatus.CANCELLED)
        .order_by(CoachPayout.period_start.desc())
    )
    return list(rows.scalars())


@router.get("/applications", response_model=list[CoachProfileResponse])
async def pending_applications(
    db: AsyncSession = Depends(get_async_db), _: AuthUser = Depends(require_admin)
) -> list[CoachProfile]:
    rows = await db.execute(
        select(CoachProfile)
        .where(CoachProfile.status == CoachStatus.APPLIED)
        .order_by(CoachProfile.applied_at)
    )
    return list(rows.scalars())


@router.post("/certifications/{certification_id}/verify", response_model=CertificationResponse)
async def verify_certification(
    certification_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> CoachCertification:
    certification = await db.get(CoachCertification, certification_id)
    if certification is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "certification not found")
    if certification.expires_on is not None and certification.expires_on < _utcnow().date():
        raise HTTPException(status.HTTP_409_CONFLICT, "certification has expired")
    certification.verified_at = _utcnow()
    certification.verified_by = admin.user_id
    await db.flush()
    await db.refresh(certification)
    return certification


# --- Payouts (admin) ---------------------------------------------------------------


async def _get_payout_or_404(db: AsyncSession, payout_id: uuid.UUID) -> CoachPayout:
    payout = await db.get(CoachPayout, payout_id)
    if payout is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "payout not found")
    return payout


def _move_payout(payout: CoachPayout, target: PayoutStatus) -> None:
    if target not in PAYOUT_TRANSITIONS[payout.status]:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"cannot move payout from {payout.status.value} to {target.value}",
        )
    payout.status = target


@router.get("/payouts", response_model=list[PayoutResponse])
async def list_payouts(
    payout_status: PayoutStatus | None = Query(default=None, alias="status"),
    coach_id: uuid.UUID | None = None,
    limit: int = Query(default=50, ge=1, le=200),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[CoachPayout]:
    query = select(CoachPayout).order_by(CoachPayout.period_start.desc()).limit(limit)
    if payout_status is not None:
        query = query.where(CoachPayout.status == payout_status)
    if coach_id is not None:
        query = query.where(CoachPayout.coach_id == coach_id)
    return list((await db.execute(query)).scalars())


@router.get("/payouts/totals", response_model=list[PayoutTotals])
async def payout_totals(
    db: AsyncSession = Depends(get_async_db), _: AuthUser = Depends(require_admin)
) -> list[PayoutTotals]:
    rows = await db.execute(
        select(CoachPayout.status, func.count(), func.coalesce(func.sum(CoachPayout.amount), 0))
        .group_by(CoachPayout.status)
        .order_by(CoachPayout.status)
    )
    return [PayoutTotals(status=row[0], count=row[1], amount=Decimal(row[2])) for row in rows.all()]


@router.get("/payouts/{payout_id}", response_model=PayoutResponse)
async def get_payout(
    payout_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachPayout:
    return await _get_payout_or_404(db, payout_id)


@router.post("/payouts/{payout_id}/approve", response_model=PayoutResponse)
async def approve_payout(
    payout_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> CoachPayout:
    payout = await _get_payout_or_404(db, payout_id)
    _move_payout(payout, PayoutStatus.APPROVED)
    payout.approved_at = _utcnow()
    payout.approved_by = admin.user_id
    await db.flush()
    await db.refresh(payout)
    return payout


@router.post("/payouts/{payout_id}/mark-paid", response_model=PayoutResponse)
async def mark_payout_paid(
    payout_id: uuid.UUID,
    payload: PayoutMarkPaid,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachPayout:
    payout = await _get_payout_or_404(db, payout_id)
    duplicate = await db.scalar(
        select(CoachPayout.id).where(
            CoachPayout.reference == payload.reference, CoachPayout.id != payout.id
        )
    )
    if duplicate is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "payment reference already used")
    _move_payout(payout, PayoutStatus.PAID)
    payout.reference = payload.reference
    payout.paid_at = _utcnow()
    profile = await _get_profile_or_404(db, payout.coach_id)
    await _notify_coach(db, profile, "payout_paid", amount=str(payout.amount))
    await db.flush()
    await db.refresh(payout)
    return payout


@router.post("/payouts/{payout_id}/cancel", response_model=PayoutResponse)
async def cancel_payout(
    payout_id: uuid.UUID,
    payload: CoachStatusNote,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachPayout:
    payout = await _get_payout_or_404(db, payout_id)
    _move_payout(payout, PayoutStatus.CANCELLED)
    payout.note = payload.note
    await db.flush()
    await db.refresh(payout)
    return payout


# --- Profiles (admin) --------------------------------------------------------------


@router.get("/{profile_id}", response_model=CoachProfileResponse)
async def get_coach_profile(
    profile_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachProfile:
    return await _get_profile_or_404(db, profile_id)


@router.post("/{profile_id}/review", response_model=CoachProfileResponse)
async def review_application(
    profile_id: uuid.UUID,
    payload: CoachReviewRequest,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> CoachProfile:
    profile = await _get_profile_or_404(db, profile_id)
    if payload.decision == "approve":
        _transition(profile, CoachStatus.APPROVED)
        profile.grade = payload.grade
        event = "application_approved"
    else:
        _transition(profile, CoachStatus.REJECTED)
        event = "application_rejected"
    profile.reviewed_at = _utcnow()
    profile.reviewed_by = admin.user_id
    profile.review_note = payload.note
    await _notify_coach(db, profile, event)
    await db.flush()
    await db.refresh(profile)
    return profile


@router.put("/{profile_id}/grade", response_model=CoachProfileResponse)
async def set_coach_grade(
    profile_id: uuid.UUID,
    payload: CoachGradeUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachProfile:
    profile = await _get_profile_or_404(db, profile_id)
    if profile.status is not CoachStatus.APPROVED:
        raise HTTPException(status.HTTP_409_CONFLICT, "only approved coaches are graded")
    profile.grade = payload.grade
    if payload.note:
        profile.review_note = payload.note
    await db.flush()
    await db.refresh(profile)
    return profile


@router.post("/{profile_id}/suspend", response_model=CoachProfileResponse)
async def suspend_coach(
    profile_id: uuid.UUID,
    payload: CoachStatusNote,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachProfile:
    profile = await _get_profile_or_404(db, profile_id)
    _transition(profile, CoachStatus.SUSPENDED)
    profile.review_note = payload.note
    profile.is_accepting_students = False
    await db.flush()
    await db.refresh(profile)
    return profile


@router.post("/{profile_id}/reactivate", response_model=CoachProfileResponse)
async def reactivate_coach(
    profile_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachProfile:
    profile = await _get_profile_or_404(db, profile_id)
    _transition(profile, CoachStatus.APPROVED)
    await db.flush()
    await db.refresh(profile)
    return profile


@router.get("/{profile_id}/certifications", response_model=list[CertificationResponse])
async def coach_certifications(
    profile_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[CoachCertification]:
    profile = await _get_profile_or_404(db, profile_id)
    rows = await db.execute(
        select(CoachCertification).where(CoachCertification.coach_id == profile.id)
    )
    return list(rows.scalars())


@router.post(
    "/{profile_id}/payouts", response_model=PayoutResponse, status_code=status.HTTP_201_CREATED
)
async def create_payout(
    profile_id: uuid.UUID,
    payload: PayoutCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachPayout:
    profile = await _get_profile_or_404(db, profile_id)
    if profile.status is not CoachStatus.APPROVED:
        raise HTTPException(status.HTTP_409_CONFLICT, "coach is not approved")
    if not profile.has_payout_details:
        raise HTTPException(status.HTTP_409_CONFLICT, "coach has no bank details on file")
    if not await _has_active_agreement(db, profile.id):
        raise HTTPException(status.HTTP_409_CONFLICT, "coach has not signed the current agreement")
    overlap = await db.scalar(
        select(CoachPayout.id).where(
            CoachPayout.coach_id == profile.id,
            CoachPayout.status != PayoutStatus.CANCELLED,
            CoachPayout.period_start <= payload.period_end,
            CoachPayout.period_end >= payload.period_start,
        )
    )
    if overlap is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "a payout already covers this period")
    payout = CoachPayout(coach_id=profile.id, currency=profile.currency, **payload.model_dump())
    db.add(payout)
    await db.flush()
    await db.refresh(payout)
    return payout


# --- Agreements --------------------------------------------------------------------

agreements_router = APIRouter(prefix="/coach-agreements", tags=["coach-agreements"])


async def _current_version(db: AsyncSession) -> CoachAgreementVersion:
    version = await db.scalar(
        select(CoachAgreementVersion).where(CoachAgreementVersion.is_current.is_(True))
    )
    if version is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no agreement version is current")
    return version


@agreements_router.get("", response_model=list[AgreementResponse])
async def list_agreements(
    agreement_status: AgreementStatus | None = Query(default=None, alias="status"),
    version_id: uuid.UUID | None = None,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[CoachAgreement]:
    query = select(CoachAgreement).order_by(CoachAgreement.signed_at.desc())
    if agreement_status is not None:
        query = query.where(CoachAgreement.status == agreement_status)
    if version_id is not None:
        query = query.where(CoachAgreement.version_id == version_id)
    return list((await db.execute(query)).scalars())


@agreements_router.get("/current", response_model=AgreementVersionResponse)
async def current_agreement(
    db: AsyncSession = Depends(get_async_db), _: AuthUser = Depends(get_current_user)
) -> CoachAgreementVersion:
    return await _current_version(db)


@agreements_router.get("/versions", response_model=list[AgreementVersionResponse])
async def list_versions(
    db: AsyncSession = Depends(get_async_db), _: AuthUser = Depends(require_admin)
) -> list[CoachAgreementVersion]:
    rows = await db.execute(
        select(CoachAgreementVersion).order_by(CoachAgreementVersion.effective_from.desc())
    )
    return list(rows.scalars())


@agreements_router.post(
    "/versions", response_model=AgreementVersionResponse, status_code=status.HTTP_201_CREATED
)
async def publish_version(
    payload: AgreementVersionCreate,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> CoachAgreementVersion:
    exists = await db.scalar(
        select(CoachAgreementVersion.id).where(CoachAgreementVersion.version == payload.version)
    )
    if exists is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"version {payload.version} exists")
    if payload.make_current:
        await db.execute(
            update(CoachAgreement)
            .where(CoachAgreement.status == AgreementStatus.ACTIVE)
            .values(status=AgreementStatus.SUPERSEDED)
        )
        await db.execute(update(CoachAgreementVersion).values(is_current=False))
    version = CoachAgreementVersion(
        version=payload.version,
        title=payload.title,
        body=payload.body,
        effective_from=payload.effective_from,
        is_current=payload.make_current,
        created_by=admin.user_id,
    )
    db.add(version)
    await db.flush()
    await db.refresh(version)
    return version


@agreements_router.post(
    "/sign", response_model=AgreementResponse, status_code=status.HTTP_201_CREATED
)
async def sign_agreement(
    payload: AgreementSignRequest,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> CoachAgreement:
    profile = await _profile_for_user(db, user)
    if profile.status is not CoachStatus.APPROVED:
        raise HTTPException(status.HTTP_409_CONFLICT, "only approved coaches sign agreements")
    version = await _current_version(db)
    if payload.version_id != version.id:
        raise HTTPException(status.HTTP_409_CONFLICT, "only the current version can be signed")
    existing = await db.scalar(
        select(CoachAgreement).where(
            CoachAgreement.coach_id == profile.id, CoachAgreement.version_id == version.id
        )
    )
    if existing is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "this version is already signed")
    agreement = CoachAgreement(
        coach_id=profile.id,
        version_id=version.id,
        signature_name=payload.signature_name,
        signed_at=_utcnow(),
    )
    db.add(agreement)
    await db.flush()
    await db.refresh(agreement)
    return agreement


@agreements_router.get("/me", response_model=list[AgreementResponse])
async def my_agreements(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(require_coach)
) -> list[CoachAgreement]:
    profile = await _profile_for_user(db, user)
    rows = await db.execute(
        select(CoachAgreement)
        .where(CoachAgreement.coach_id == profile.id)
        .order_by(CoachAgreement.signed_at.desc())
    )
    return list(rows.scalars())


@agreements_router.get("/{agreement_id}", response_model=AgreementResponse)
async def get_agreement(
    agreement_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> CoachAgreement:
    agreement = await db.get(CoachAgreement, agreement_id)
    if agreement is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "agreement not found")
    if not user.is_admin and (await _profile_for_user(db, user)).id != agreement.coach_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "agreement not found")
    return agreement


@agreements_router.post("/{agreement_id}/revoke", response_model=AgreementResponse)
async def revoke_agreement(
    agreement_id: uuid.UUID,
    payload: AgreementRevokeRequest,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachAgreement:
    agreement = await db.get(CoachAgreement, agreement_id)
    if agreement is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "agreement not found")
    if agreement.status is not AgreementStatus.ACTIVE:
        raise HTTPException(status.HTTP_409_CONFLICT, "only active agreements can be revoked")
    agreement.status = AgreementStatus.REVOKED
    agreement.revoked_at = _utcnow()
    agreement.revoke_reason = payload.reason
    await db.flush()
    await db.refresh(agreement)
    return agreement
