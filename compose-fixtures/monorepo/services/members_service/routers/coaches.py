"""Public coach directory (profiles, agreements and payouts live in ``coach_router.py``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.db import get_async_db
from services.members_service.coach_schemas import CoachDirectoryEntry, GradeCount
from services.members_service.models import CoachGrade, CoachProfile, CoachStatus, Member

router = APIRouter(prefix="/members/coaches", tags=["coaches"])


@router.get("", response_model=list[CoachDirectoryEntry])
async def coach_directory(
    grade: CoachGrade | None = None,
    specialty: str | None = None,
    db: AsyncSession = Depends(get_async_db),
) -> list[CoachDirectoryEntry]:
    query = (
        select(CoachProfile, Member)
        .join(Member, CoachProfile.member_id == Member.id)
        .where(
            CoachProfile.status == CoachStatus.APPROVED,
            CoachProfile.is_accepting_students.is_(True),
        )
        .order_by(Member.last_name, Member.first_name)
    )
    if grade is not None:
        query = query.where(CoachProfile.grade == grade)
    if specialty:
        query = query.where(CoachProfile.specialties.any(specialty.strip().lower()))
    rows = await db.execute(query)
    return [
        CoachDirectoryEntry(
            id=profile.id,
            first_name=member.first_name,
            last_name=member.last_name,
            headline=profile.headline,
            grade=profile.grade,
            specialties=profile.specialties,
            years_experience=profile.years_experience,
        )
        for profile, member in rows.all()
    ]


@router.get("/grades", response_model=list[GradeCount])
async def grade_counts(db: AsyncSession = Depends(get_async_db)) -> list[GradeCount]:
    rows = await db.execute(
        select(CoachProfile.grade, func.count())
        .where(CoachProfile.status == CoachStatus.APPROVED, CoachProfile.grade.is_not(None))
        .group_by(CoachProfile.grade)
    )
    counts = dict(rows.all())
    return [GradeCount(grade=grade, coaches=counts.get(grade, 0)) for grade in CoachGrade]
