"""Member volunteering: club roles, members' interests and logged volunteer hours.

Rotas and opportunities live in the volunteer service; this router only keeps what belongs
to the member record (which roles they would help with, and the hours they have given).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_admin
from libs.db import get_async_db
from services.members_service.models import (
    Member,
    MemberStatus,
    MemberVolunteerInterest,
    VolunteerHoursLog,
    VolunteerHoursStatus,
    VolunteerRole,
)
from services.members_service.schemas import Page
from services.members_service.service import (
    age_on,
    get_member_by_auth,
    member_display_name,
    paginate,
)
from services.members_service.volunteer_schemas import (
    HoursLogCreate,
    HoursLogResponse,
    HoursReview,
    InterestedMember,
    InterestUpdate,
    LeaderboardEntry,
    VolunteerRoleCreate,
    VolunteerRoleResponse,
    VolunteerRoleUpdate,
    VolunteerSummary,
)

router = APIRouter(prefix="/members/volunteering", tags=["volunteering"])

MAX_HOURS_PER_DAY = Decimal("12")
LOG_WINDOW_DAYS = 60


def _today() -> date:
    return datetime.now(timezone.utc).date()


async def _member_for_user(db: AsyncSession, user: AuthUser) -> Member:
    member = await get_member_by_auth(db, user.user_id)
    if member is None or member.status is not MemberStatus.ACTIVE:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only active members can volunteer")
    return member


async def _get_role_or_404(db: AsyncSession, role_id: uuid.UUID) -> VolunteerRole:
    role = await db.get(VolunteerRole, role_id)
    if role is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "volunteer role not found")
    return role


async def _hours_total(
    db: AsyncSession, member_id: uuid.UUID, hours_status: VolunteerHoursStatus
) -> Decimal:
    total = await db.scalar(
        select(func.coalesce(func.sum(VolunteerHoursLog.hours), 0)).where(
            VolunteerHoursLog.member_id == member_id, VolunteerHoursLog.status == hours_status
        )
    )
    return Decimal(total)


# --- Roles -------------------------------------------------------------------------


@router.get("/roles", response_model=list[VolunteerRoleResponse])
async def list_roles(
    include_inactive: bool = False, db: AsyncSession = Depends(get_async_db)
) -> list[VolunteerRole]:
    query = select(VolunteerRole).order_by(VolunteerRole.name)
    if not include_inactive:
        query = query.where(VolunteerRole.is_active.is_(True))
    return list((await db.execute(query)).scalars())


@router.post("/roles", response_model=VolunteerRoleResponse, status_code=status.HTTP_201_CREATED)
async def create_role(
    payload: VolunteerRoleCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> VolunteerRole:
    existing = await db.scalar(select(VolunteerRole.id).where(VolunteerRole.name == payload.name))
    if existing is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "a role with this name exists")
    role = VolunteerRole(**payload.model_dump())
    db.add(role)
    await db.flush()
    await db.refresh(role)
    return role


@router.patch("/roles/{role_id}", response_model=VolunteerRoleResponse)
async def update_role(
    role_id: uuid.UUID,
    payload: VolunteerRoleUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> VolunteerRole:
    role = await _get_role_or_404(db, role_id)
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(role, key, value)
    await db.flush()
    await db.refresh(role)
    return role


@router.delete("/roles/{role_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_role(
    role_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> None:
    """Roles with logged hours are only deactivated, so the history keeps its labels."""
    role = await _get_role_or_404(db, role_id)
    used = await db.scalar(
        select(func.count(VolunteerHoursLog.id)).where(VolunteerHoursLog.role_id == role.id)
    )
    if used:
        role.is_active = False
    else:
        await db.delete(role)


@router.get("/roles/{role_id}/interested", response_model=list[InterestedMember])
async def interested_members(
    role_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[InterestedMember]:
    await _get_role_or_404(db, role_id)
    rows = await db.execute(
        select(Member)
        .join(MemberVolunteerInterest, MemberVolunteerInterest.member_id == Member.id)
        .where(MemberVolunteerInterest.role_id == role_id, Member.status == MemberStatus.ACTIVE)
        .order_by(Member.last_name, Member.first_name)
    )
    return [
        InterestedMember(
            member_id=member.id, display_name=member_display_name(member), email=member.email
        )
        for member in rows.scalars()
    ]


# --- My volunteering ---------------------------------------------------------------


@router.get("/me", response_model=VolunteerSummary)
async def my_volunteering(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(get_current_user)
) -> VolunteerSummary:
    member = await _member_for_user(db, user)
    roles = await db.execute(
        select(VolunteerRole)
        .join(MemberVolunteerInterest)
        .where(MemberVolunteerInterest.member_id == member.id)
        .order_by(VolunteerRole.name)
    )
    last = await db.scalar(
        select(func.max(VolunteerHoursLog.worked_on)).where(
            VolunteerHoursLog.member_id == member.id,
            VolunteerHoursLog.status != VolunteerHoursStatus.REJECTED,
        )
    )
    return VolunteerSummary(
        interests=[VolunteerRoleResponse.model_validate(role) for role in roles.scalars()],
        approved_hours=await _hours_total(db, member.id, VolunteerHoursStatus.APPROVED),
        pending_hours=await _hours_total(db, member.id, VolunteerHoursStatus.PENDING),
        last_worked_on=last,
    )


@router.put("/me/interests", response_model=list[VolunteerRoleResponse])
async def set_my_interests(
    payload: InterestUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[VolunteerRole]:
    member = await _member_for_user(db, user)
    wanted = set(payload.role_ids)
    roles = list(
        (
            await db.execute(
                select(VolunteerRole).where(
                    VolunteerRole.id.in_(wanted), VolunteerRole.is_active.is_(True)
                )
            )
        ).scalars()
    )
    if len(roles) != len(wanted):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown or inactive role")
    if member.date_of_birth is not None:
        age = age_on(member.date_of_birth, _today())
        too_young = [role.name for role in roles if role.min_age and age < role.min_age]
        if too_young:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                f"too young for: {', '.join(sorted(too_young))}",
            )
    await db.execute(
        delete(MemberVolunteerInterest).where(MemberVolunteerInterest.member_id == member.id)
    )
    db.add_all(MemberVolunteerInterest(member_id=member.id, role_id=role.id) for role in roles)
    await db.flush()
    return sorted(roles, key=lambda role: role.name)


@router.post("/me/hours", response_model=HoursLogResponse, status_code=status.HTTP_201_CREATED)
async def log_hours(
    payload: HoursLogCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> VolunteerHoursLog:
    member = await _member_for_user(db, user)
    today = _today()
    if payload.worked_on > today:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "cannot log future hours")
    if payload.worked_on < today - timedelta(days=LOG_WINDOW_DAYS):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"hours must be logged within {LOG_WINDOW_DAYS} days",
        )
    if payload.role_id is not None:
        role = await _get_role_or_404(db, payload.role_id)
        if not role.is_active:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "role is inactive")
    same_day = await db.scalar(
        select(func.coalesce(func.sum(VolunteerHoursLog.hours), 0)).where(
            VolunteerHoursLog.member_id == member.id,
            VolunteerHoursLog.worked_on == payload.worked_on,
            VolunteerHoursLog.status != VolunteerHoursStatus.REJECTED,
        )
    )
    if Decimal(same_day) + payload.hours > MAX_HOURS_PER_DAY:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"at most {MAX_HOURS_PER_DAY} hours can be logged per day",
        )
    entry = VolunteerHoursLog(member_id=member.id, **payload.model_dump())
    db.add(entry)
    await db.flush()
    await db.refresh(entry)
    return entry


@router.get("/me/hours", response_model=list[HoursLogResponse])
async def my_hours(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(get_current_user)
) -> list[VolunteerHoursLog]:
    member = await _member_for_user(db, user)
    rows = await db.execute(
        select(VolunteerHoursLog)
        .where(VolunteerHoursLog.member_id == member.id)
        .order_by(VolunteerHoursLog.worked_on.desc())
    )
    return list(rows.scalars())


@router.delete("/me/hours/{log_id}", status_code=status.HTTP_204_NO_CONTENT)
async def withdraw_hours(
    log_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> None:
    member = await _member_for_user(db, user)
    entry = await db.get(VolunteerHoursLog, log_id)
    if entry is None or entry.member_id != member.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "hours entry not found")
    if entry.status is not VolunteerHoursStatus.PENDING:
        raise HTTPException(status.HTTP_409_CONFLICT, "reviewed hours cannot be withdrawn")
    await db.delete(entry)


# --- Review (admin) ----------------------------------------------------------------


@router.get("/hours", response_model=Page[HoursLogResponse])
async def list_hours(
    hours_status: VolunteerHoursStatus | None = Query(default=None, alias="status"),
    member_id: uuid.UUID | None = None,
    role_id: uuid.UUID | None = None,
    since: date | None = None,
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=25, ge=1, le=100),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Page[HoursLogResponse]:
    query = select(VolunteerHoursLog).order_by(
        VolunteerHoursLog.worked_on.desc(), VolunteerHoursLog.created_at
    )
    if hours_status is not None:
        query = query.where(VolunteerHoursLog.status == hours_status)
    if member_id is not None:
        query = query.where(VolunteerHoursLog.member_id == member_id)
    if role_id is not None:
        query = query.where(VolunteerHoursLog.role_id == role_id)
    if since is not None:
        query = query.where(VolunteerHoursLog.worked_on >= since)
    items, total = await paginate(db, query, page, page_size)
    return Page[HoursLogResponse](
        items=[HoursLogResponse.model_validate(item) for item in items],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.post("/hours/{log_id}/review", response_model=HoursLogResponse)
async def review_hours(
    log_id: uuid.UUID,
    payload: HoursReview,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> VolunteerHoursLog:
    entry = await db.get(VolunteerHoursLog, log_id)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "hours entry not found")
    if entry.status is not VolunteerHoursStatus.PENDING:
        raise HTTPException(status.HTTP_409_CONFLICT, "hours already reviewed")
    entry.status = (
        VolunteerHoursStatus.APPROVED
        if payload.decision == "approve"
        else VolunteerHoursStatus.REJECTED
    )
    entry.reviewed_at = datetime.now(timezone.utc)
    entry.reviewed_by = admin.user_id
    await db.flush()
    await db.refresh(entry)
    return entry


@router.get("/leaderboard", response_model=list[LeaderboardEntry])
async def leaderboard(
    days: int = Query(default=365, ge=7, le=3650),
    limit: int = Query(default=10, ge=1, le=50),
    db: AsyncSession = Depends(get_async_db),
) -> list[LeaderboardEntry]:
    total_hours = func.sum(VolunteerHoursLog.hours).label("total_hours")
    rows = await db.execute(
        select(Member, total_hours)
        .join(VolunteerHoursLog, VolunteerHoursLog.member_id == Member.id)
        .where(
            VolunteerHoursLog.status == VolunteerHoursStatus.APPROVED,
            VolunteerHoursLog.worked_on >= _today() - timedelta(days=days),
            Member.status == MemberStatus.ACTIVE,
        )
        .group_by(Member.id)
        .order_by(total_hours.desc(), Member.last_name)
        .limit(limit)
    )
    return [
        LeaderboardEntry(
            rank=rank,
            member_id=member.id,
            display_name=member_display_name(member),
            hours=Decimal(hours),
        )
        for rank, (member, hours) in enumerate(rows.all(), start=1)
    ]
