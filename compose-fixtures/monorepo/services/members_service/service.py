"""Member business rules shared by the routers: status changes, numbering, stats."""

from __future__ import annotations

import logging
import secrets
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

import httpx
from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.service_client import ServiceUnavailable, get_service_client
from services.members_service.coach_router import coach_status_counts
from services.members_service.models import Member, MemberStatus

logger = logging.getLogger(__name__)

REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERRAL_CODE_LENGTH = 8
MEMBERSHIP_NUMBER_PREFIX = "SC"

ALLOWED_TRANSITIONS: dict[MemberStatus, frozenset[MemberStatus]] = {
    MemberStatus.PENDING: frozenset({MemberStatus.ACTIVE, MemberStatus.ARCHIVED}),
    MemberStatus.ACTIVE: frozenset(
        {MemberStatus.SUSPENDED, MemberStatus.LAPSED, MemberStatus.ARCHIVED}
    ),
    MemberStatus.SUSPENDED: frozenset({MemberStatus.ACTIVE, MemberStatus.ARCHIVED}),
    MemberStatus.LAPSED: frozenset({MemberStatus.ACTIVE, MemberStatus.ARCHIVED}),
    MemberStatus.ARCHIVED: frozenset(),
}


class InvalidTransition(ValueError):
    def __init__(self, current: MemberStatus, target: MemberStatus) -> None:
        super().__init__(f"cannot change member status from {current.value} to {target.value}")
        self.current = current
        self.target = target


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def can_transition(current: MemberStatus, target: MemberStatus) -> bool:
    return target in ALLOWED_TRANSITIONS[current]


def apply_status_change(
    member: Member, target: MemberStatus, *, actor_id: uuid.UUID, reason: str | None = None
) -> bool:
    """Move ``member`` to ``target``; returns True when this is the first activation."""
    if not can_transition(member.status, target):
        raise InvalidTransition(member.status, target)
    first_activation = target is MemberStatus.ACTIVE and member.approved_at is None
    member.status = target
    member.status_reason = reason
    if first_activation:
        member.approved_at = utcnow()
        member.approved_by = actor_id
    if target is MemberStatus.ARCHIVED:
        member.archived_at = utcnow()
        member.show_in_directory = False
    return first_activation


def generate_referral_code() -> str:
    return "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH))


async def unique_referral_code(db: AsyncSession, attempts: int = 5) -> str:
    for _ in range(attempts):
        code = generate_referral_code()
        taken = await db.scalar(select(Member.id).where(Member.referral_code == code))
        if taken is None:
            return code
    raise RuntimeError("could not generate a unique referral code")


async def next_membership_number(db: AsyncSession, year: int | None = None) -> str:
    """Membership numbers run per joining year: SC-2026-00001, SC-2026-00002, ..."""
    year = year or utcnow().year
    prefix = f"{MEMBERSHIP_NUMBER_PREFIX}-{year}-"
    last = await db.scalar(
        select(func.max(Member.membership_number)).where(
            Member.membership_number.like(f"{prefix}%")
        )
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


async def get_member_by_auth(db: AsyncSession, auth_id: uuid.UUID) -> Member | None:
    return await db.scalar(select(Member).where(Member.auth_id == auth_id))


async def find_member_by_email(db: AsyncSession, email: str) -> Member | None:
    return await db.scalar(select(Member).where(func.lower(Member.email) == email.lower()))


async def resolve_referrer(db: AsyncSession, code: str) -> Member | None:
    referrer = await db.scalar(select(Member).where(Member.referral_code == code.upper()))
    if referrer is None or referrer.status is not MemberStatus.ACTIVE:
        return None
    return referrer


def member_display_name(member: Member) -> str:
    """Short public name: first name and last initial ("Ada L.")."""
    return f"{member.first_name} {member.last_name[:1]}." if member.last_name else member.first_name


def age_on(date_of_birth: date, today: date | None = None) -> int:
    today = today or date.today()
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - before_birthday


def is_minor(member: Member, today: date | None = None) -> bool:
    return member.date_of_birth is not None and age_on(member.date_of_birth, today) < 18


async def paginate(
    db: AsyncSession, query: Select[Any], page: int, page_size: int
) -> tuple[list[Any], int]:
    total = await db.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await db.execute(query.offset((page - 1) * page_size).limit(page_size))
    return list(rows.scalars()), int(total or 0)


def apply_search(query: Select[Any], q: str | None, *columns: Any) -> Select[Any]:
    """Case-insensitive search: every word of ``q`` must appear in one of ``columns``."""
    for word in (q or "").split():
        pattern = f"%{word}%"
        query = query.where(or_(*(column.ilike(pattern) for column in columns)))
    return query


async def member_stats(db: AsyncSession) -> dict[str, Any]:
    async def grouped(column: Any) -> dict[str, int]:
        rows = await db.execute(select(column, func.count()).group_by(column))
        return {key.value: count for key, count in rows.all()}

    since = utcnow() - timedelta(days=30)
    return {
        "total": await db.scalar(select(func.count(Member.id))) or 0,
        "by_status": await grouped(Member.status),
        "by_tier": await grouped(Member.membership_tier),
        "by_swim_level": await grouped(Member.swim_level),
        "joined_last_30_days": await db.scalar(
            select(func.count(Member.id)).where(Member.created_at >= since)
        )
        or 0,
        "coaches": await coach_status_counts(db),
    }


async def send_member_notification(member: Member, template: str, **context: Any) -> bool:
    """Ask the communications service to email ``member``; never fails the request."""
    payload = {
        "member_id": str(member.id),
        "email": member.email,
        "template": template,
        "context": {"first_name": member.first_name, **context},
    }
    try:
        await get_service_client("communications").post(
            "/api/v1/communications/internal/notify", json=payload
        )
    except (ServiceUnavailable, httpx.HTTPStatusError) as exc:
        logger.warning("notification %s for member %s not sent: %s", template, member.id, exc)
        return False
    return True
