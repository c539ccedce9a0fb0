"""Service-to-service lookups (``libs.service_client.get_member_summary`` calls these)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import require_internal
from libs.db import get_async_db
from services.members_service.models import CoachProfile, Member
from services.members_service.schemas import BulkSummaryRequest, CoachSummary, MemberSummary

router = APIRouter(
    prefix="/members/internal", tags=["internal"], dependencies=[Depends(require_internal)]
)


@router.post("/bulk", response_model=list[MemberSummary])
async def bulk_summaries(
    payload: BulkSummaryRequest, db: AsyncSession = Depends(get_async_db)
) -> list[Member]:
    rows = await db.execute(select(Member).where(Member.id.in_(set(payload.ids))))
    return list(rows.scalars())


@router.get("/by-auth/{auth_id}", response_model=MemberSummary)
async def summary_by_auth(auth_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)) -> Member:
    member = await db.scalar(select(Member).where(Member.auth_id == auth_id))
    if member is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "member not found")
    return member


@router.get("/{member_id}", response_model=MemberSummary)
async def member_summary(member_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)) -> Member:
    member = await db.get(Member, member_id)
    if member is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "member not found")
    return member


@router.get("/{member_id}/coach", response_model=CoachSummary)
async def coach_summary(
    member_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> CoachSummary:
    profile = await db.scalar(select(CoachProfile).where(CoachProfile.member_id == member_id))
    if profile is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "member is not a coach")
    return CoachSummary(
        member_id=member_id,
        coach_profile_id=profile.id,
        status=profile.status.value,
        grade=profile.grade.value if profile.grade else None,
        is_accepting_students=profile.is_accepting_students,
    )
