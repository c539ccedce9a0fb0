"""Self-registration: an authenticated account becomes a (pending) member."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user
from libs.db import get_async_db
from services.members_service import service
from services.members_service.models import EmergencyContact, Member, MemberStatus
from services.members_service.schemas import (
    EmailAvailability,
    MemberBase,
    MemberResponse,
    ReferralCodeCheck,
    RegistrationRequest,
    RegistrationResponse,
)

router = APIRouter(prefix="/members", tags=["registration"])

NEXT_STEPS_PENDING = [
    "A membership officer reviews new registrations within two working days.",
    "Pay your membership fee once you are approved to book sessions.",
]


@router.post("/register", response_model=RegistrationResponse, status_code=status.HTTP_201_CREATED)
async def register(
    payload: RegistrationRequest,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> RegistrationResponse:
    if await service.get_member_by_auth(db, user.user_id) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "this account is already registered")
    if await service.find_member_by_email(db, payload.email) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "email already registered")
    referrer = None
    if payload.referral_code:
        referrer = await service.resolve_referrer(db, payload.referral_code)
        if referrer is None:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown referral code")

    member = Member(
        auth_id=user.user_id,
        email=payload.email,
        referral_code=await service.unique_referral_code(db),
        referred_by_id=referrer.id if referrer else None,
        status=MemberStatus.PENDING,
        **payload.model_dump(include=set(MemberBase.model_fields)),
    )
    db.add(member)
    await db.flush()
    if payload.emergency_contact is not None:
        db.add(
            EmergencyContact(
                member_id=member.id,
                **payload.emergency_contact.model_dump(exclude={"is_primary"}),
                is_primary=True,
            )
        )
    elif service.is_minor(member):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "junior members must register with an emergency contact",
        )
    await db.flush()
    await db.refresh(member)
    await service.send_member_notification(member, "registration_received")
    return RegistrationResponse(
        member=MemberResponse.model_validate(member), next_steps=NEXT_STEPS_PENDING
    )


@router.get("/register/email-available", response_model=EmailAvailability)
async def email_available(
    email: str = Query(min_length=3, max_length=255), db: AsyncSession = Depends(get_async_db)
) -> EmailAvailability:
    email = email.strip().lower()
    return EmailAvailability(
        email=email, available=await service.find_member_by_email(db, email) is None
    )


@router.get("/register/referral/{code}", response_model=ReferralCodeCheck)
async def check_referral_code(
    code: str, db: AsyncSession = Depends(get_async_db)
) -> ReferralCodeCheck:
    referrer = await service.resolve_referrer(db, code)
    return ReferralCodeCheck(
        code=code.upper(),
        valid=referrer is not None,
        referrer_name=service.member_display_name(referrer) if referrer else None,
    )
