"""Club announcements and in-app notifications.

Heavy work (fan-out to every member, email copies, digests) runs in the arq worker
(``worker.py``); when the queue is unreachable the routes fall back to doing it inline.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

from arq import create_pool
from arq.connections import RedisSettings
from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from redis.exceptions import RedisError
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_coach, require_internal
from libs.db import get_async_db
from libs.settings import get_settings
from services.communications_service.models import (
    Announcement,
    AnnouncementAcknowledgement,
    AnnouncementAudience,
    AnnouncementPriority,
    AnnouncementStatus,
)
from services.communications_service.schemas import (
    AcknowledgementResponse,
    AnnouncementCreate,
    AnnouncementDetail,
    AnnouncementPin,
    AnnouncementResponse,
    AnnouncementSchedule,
    AnnouncementUpdate,
    Page,
    PublishResult,
)

logger = logging.getLogger(__name__)

router = APIRouter(tags=["communications"])

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
PINNED_LIMIT = 3
EXCERPT_LENGTH = 240

ALLOWED_TRANSITIONS: dict[AnnouncementStatus, set[AnnouncementStatus]] = {
    AnnouncementStatus.DRAFT: {
        AnnouncementStatus.SCHEDULED,
        AnnouncementStatus.PUBLISHED,
        AnnouncementStatus.ARCHIVED,
    },
    AnnouncementStatus.SCHEDULED: {
        AnnouncementStatus.DRAFT,
        AnnouncementStatus.PUBLISHED,
        AnnouncementStatus.ARCHIVED,
    },
    AnnouncementStatus.PUBLISHED: {AnnouncementStatus.ARCHIVED},
    AnnouncementStatus.ARCHIVED: set(),
}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _redis_settings() -> RedisSettings:
    # One short attempt: a request must not wait out the worker's reconnect budget.
    return replace(RedisSettings.from_dsn(get_settings().redis_url), conn_retries=0, conn_timeout=1)


async def enqueue_job(function: str, *args: Any, **kwargs: Any) -> str | None:
    """Queue a worker job; returns the job id, or None when Redis cannot be reached."""
    try:
        pool = await create_pool(_redis_settings())
    except (OSError, RedisError, asyncio.TimeoutError) as exc:
        logger.warning("queue unavailable, %s not enqueued: %s", function, exc)
        return None
    try:
        job = await pool.enqueue_job(function, *args, **kwargs)
    finally:
        await pool.aclose()
    return job.job_id if job is not None else None


# --- Announcements ------------------------------------------------------------


def _excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


def _render_announcement(announcement: Announcement) -> dict[str, Any]:
    """Notification fields for an announcement (also used by the worker's fan-out)."""
    prefix = ""
    if announcement.priority is AnnouncementPriority.URGENT:
        prefix = "Urgent: "
    elif announcement.requires_acknowledgement:
        prefix = "Action needed: "
    return {
        "title": f"{prefix}{announcement.title}"[:200],
        "body": _excerpt(announcement.body),
        "link": f"/announcements/{announcement.id}",
        "data": {
            "priority": announcement.priority.value,
            "requires_acknowledgement": announcement.requires_acknowledgement,
        },
    }


def _audiences_for(user: AuthUser) -> list[AnnouncementAudience]:
    if user.is_coach:
        return list(AnnouncementAudience)
    audiences = [AnnouncementAudience.EVERYONE, AnnouncementAudience.MEMBERS]
    if "parent" in user.roles:
        audiences.append(AnnouncementAudience.PARENTS)
    return audiences


def _visible_query(user: AuthUser, cohort_ids: list[uuid.UUID]):
    now = _utcnow()
    audience_filter = Announcement.audience.in_(_audiences_for(user))
    if cohort_ids and not user.is_coach:
        audience_filter = or_(
            audience_filter,
            (Announcement.audience == AnnouncementAudience.COHORT)
            & Announcement.cohort_id.in_(cohort_ids),
        )
    return select(Announcement).where(
        Announcement.status == AnnouncementStatus.PUBLISHED,
        or_(Announcement.expires_at.is_(None), Announcement.expires_at > now),
        audience_filter,
    )


async def _get_announcement_or_404(db: AsyncSession, announcement_id: uuid.UUID) -> Announcement:
    announcement = await db.get(Announcement, announcement_id)
    if announcement is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "announcement not found")
    return announcement


def _ensure_can_edit(announcement: Announcement, user: AuthUser) -> None:
    if not user.is_admin and announcement.author_id != user.user_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the author or an admin can edit")


def _transition(announcement: Announcement, target: AnnouncementStatus) -> None:
    if target not in ALLOWED_TRANSITIONS[announcement.status]:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"cannot move announcement from {announcement.status.value} to {target.value}",
        )
    announcement.status = target
    if target is AnnouncementStatus.ARCHIVED:
        announcement.archived_at = _utcnow()
        announcement.is_pinned = False


async def _acknowledgement_count(db: AsyncSession, announcement_id: uuid.UUID) -> int:
    result = await db.execute(
        select(func.count())
        .select_from(AnnouncementAcknowledgement)
        .where(AnnouncementAcknowledgement.announcement_id == announcement_id)
    )
    return int(result.scalar_one())


async def _to_detail(
    db: AsyncSession, announcement: Announcement, user: AuthUser
) -> AnnouncementDetail:
    acknowledged = await db.scalar(
        select(AnnouncementAcknowledgement.id).where(
            AnnouncementAcknowledgement.announcement_id == announcement.id,
            AnnouncementAcknowledgement.member_id == user.user_id,
        )
    )
    detail = AnnouncementDetail.model_validate(announcement)
    detail.acknowledged = acknowledged is not None
    detail.acknowledgement_count = await _acknowledgement_count(db, announcement.id)
    return detail


@router.get("/announcements", response_model=Page[AnnouncementResponse])
async def list_announcements(
    cohort_id: list[uuid.UUID] = Query(default_factory=list),
    priority: AnnouncementPriority | None = None,
    limit: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    offset: int = Query(0, ge=0),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Page[AnnouncementResponse]:
    query = _visible_query(user, cohort_id)
    if priority is not None:
        query = query.where(Announcement.priority == priority)
    total = await db.scalar(select(func.count()).select_from(query.subquery()))
    rows = await db.execute(
        query.order_by(Announcement.is_pinned.desc(), Announcement.published_at.desc())
        .limit(limit)
        .offset(offset)
    )
    items = [AnnouncementResponse.model_validate(a) for a in rows.scalars()]
    return Page(items=items, total=total or 0, limit=limit, offset=offset)


@router.get("/announcements/pinned", response_model=list[AnnouncementResponse])
async def pinned_announcements(
    cohort_id: list[uuid.UUID] = Query(default_factory=list),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[Announcement]:
    query = (
        _visible_query(user, cohort_id)
        .where(Announcement.is_pinned.is_(True))
        .order_by(Announcement.published_at.desc())
        .limit(PINNED_LIMIT)
    )
    return list((await db.execute(query)).scalars())


@router.get("/announcements/drafts", response_model=list[AnnouncementResponse])
async def draft_announcements(
    mine: bool = False,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> list[Announcement]:
    query = select(Announcement).where(
        Announcement.status.in_([AnnouncementStatus.DRAFT, AnnouncementStatus.SCHEDULED])
    )
    if mine or not user.is_admin:
        query = query.where(Announcement.author_id == user.user_id)
    return list((await db.execute(query.order_by(Announcement.updated_at.desc()))).scalars())


@router.post(
    "/announcements", response_model=AnnouncementResponse, status_code=status.HTTP_201_CREATED
)
async def create_announcement(
    payload: AnnouncementCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> Announcement:
    if payload.expires_at is not None and payload.expires_at <= _utcnow():
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "expires_at is in the past")
    announcement = Announcement(**payload.model_dump(), author_id=user.user_id)
    db.add(announcement)
    await db.flush()
    await db.refresh(announcement)
    return announcement


@router.get("/announcements/{announcement_id}", response_model=AnnouncementDetail)
async def get_announcement(
    announcement_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> AnnouncementDetail:
    announcement = await _get_announcement_or_404(db, announcement_id)
    if not user.is_coach and announcement.status is not AnnouncementStatus.PUBLISHED:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "announcement not found")
    return await _to_detail(db, announcement, user)


@router.patch("/announcements/{announcement_id}", response_model=AnnouncementResponse)
async def update_announcement(
    announcement_id: uuid.UUID,
    payload: AnnouncementUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> Announcement:
    announcement = await _get_announcement_or_404(db, announcement_id)
    _ensure_can_edit(announcement, user)
    changes = payload.model_dump(exclude_unset=True)
    if announcement.status is AnnouncementStatus.ARCHIVED:
        raise HTTPException(status.HTTP_409_CONFLICT, "archived announcements are read-only")
    if announcement.status is AnnouncementStatus.PUBLISHED and set(changes) - {"expires_at"}:
        raise HTTPException(status.HTTP_409_CONFLICT, "only expires_at can change after publishing")
    for key, value in changes.items():
        setattr(announcement, key, value)
    await db.flush()
    await db.refresh(announcement)
    return announcement


@router.post("/announcements/{announcement_id}/schedule", response_model=AnnouncementResponse)
async def schedule_announcement(
    announcement_id: uuid.UUID,
    payload: AnnouncementSchedule,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> Announcement:
    announcement = await _get_announcement_or_404(db, announcement_id)
    _ensure_can_edit(announcement, user)
    if payload.publish_at <= _utcnow() + timedelta(minutes=1):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "publish_at must be ahead")
    if announcement.status is not AnnouncementStatus.SCHEDULED:
        _transition(announcement, AnnouncementStatus.SCHEDULED)
    announcement.publish_at = payload.publish_at
    await db.flush()
    await db.refresh(announcement)
    return announcement


@router.post("/announcements/{announcement_id}/unschedule", response_model=AnnouncementResponse)
async def unschedule_announcement(
    announcement_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> Announcement:
    announcement = await _get_announcement_or_404(db, announcement_id)
    _ensure_can_edit(announcement, user)
    if announcement.status is not AnnouncementStatus.SCHEDULED:
        raise HTTPException(status.HTTP_409_CONFLICT, "announcement is not scheduled")
    _transition(announcement, AnnouncementStatus.DRAFT)
    announcement.publish_at = None
    await db.flush()
    await db.refresh(announcement)
    return announcement


@router.post("/announcements/{announcement_id}/publish", response_model=PublishResult)
async def publish_announcement(
    announcement_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> PublishResult:
    announcement = await _get_announcement_or_404(db, announcement_id)
    _ensure_can_edit(announcement, user)
    _transition(announcement, AnnouncementStatus.PUBLISHED)
    announcement.published_at = _utcnow()
    announcement.publish_at = None
    await db.flush()

    notified = 0
    job_id = await enqueue_job("fan_out_announcement", str(announcement.id))
    if job_id is None:
        # No queue (local dev without Redis, tests): fan out within this request.
        # Imported here: tasks.py imports this module's renderer at load time.
        from services.communications_service.tasks import fan_out_announcement

        notified = await fan_out_announcement({"db": db}, str(announcement.id))
    await db.refresh(announcement)
    return PublishResult(
        announcement=AnnouncementResponse.model_validate(announcement),
        job_id=job_id,
        notified=notified,
    )


@router.post("/announcements/{announcement_id}/archive", response_model=AnnouncementResponse)
async def archive_announcement(
    announcement_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> Announcement:
    announcement = await _get_announcement_or_404(db, announcement_id)
    _ensure_can_edit(announcement, user)
    _transition(announcement, AnnouncementStatus.ARCHIVED)
    await db.flush()
    await db.refresh(announcement)
    return announcement


@router.post("/announcements/{announcement_id}/pin", response_model=AnnouncementResponse)
async def pin_announcement(
    announcement_id: uuid.UUID,
    payload: AnnouncementPin,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> Announcement:
    announcement = await _get_announcement_or_404(db, announcement_id)
    if payload.pinned and announcement.status is not AnnouncementStatus.PUBLISHED:
        raise HTTPException(status.HTTP_409_CONFLICT, "only published announcements can be pinned")
    if payload.pinned and not announcement.is_pinned:
        pinned = await db.scalar(
            select(func.count())
            .select_from(Announcement)
            .where(
                Announcement.is_pinned.is_(True),
                Announcement.status == AnnouncementStatus.PUBLISHED,
            )
        )
        if (pinned or 0) >= PINNED_LIMIT:
            raise HTTPException(
                status.HTTP_409_CONFLICT, f"at most {PINNED_LIMIT} announcements can be pinned"
            )
    announcement.is_pinned = payload.pinned
    await db.flush()
    await db.refresh(announcement)
    return announcement


@router.post("/announcements/{announcement_id}/acknowledge", response_model=AcknowledgementResponse)
async def acknowledge_announcement(
    announcement_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> AnnouncementAcknowledgement:
    announcement = await _get_announcement_or_404(db, announcement_id)
    if announcement.status is not AnnouncementStatus.PUBLISHED:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "announcement not found")
    if not announcement.requires_acknowledgement:
        raise HTTPException(status.HTTP_409_CONFLICT, "announcement needs no acknowledgement")
    existing = await db.scalar(
        select(AnnouncementAcknowledgement).where(
            AnnouncementAcknowledgement.announcement_id == announcement_id,
            AnnouncementAcknowledgement.member_id == user.user_id,
        )
    )
    if existing is not None:
        return existing
    ack = AnnouncementAcknowledgement(
        announcement_id=announcement_id, member_id=user.user_id, acknowledged_at=_utcnow()
    )
    db.add(ack)
    await db.flush()
    return ack


@router.get(
    "/announcements/{announcement_id}/acknowledgements",
    response_model=list[AcknowledgementResponse],
)
async def list_acknowledgements(
    announcement_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> list[AnnouncementAcknowledgement]:
    await _get_announcement_or_404(db, announcement_id)
    result = await db.execute(
        select(AnnouncementAcknowledgement)
        .where(AnnouncementAcknowledgement.announcement_id == announcement_id)
        .order_by(AnnouncementAcknowledgement.acknowledged_at)
    )
    return list(result.scalars())


@router.delete("/announcements/{announcement_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_announcement(
    announcement_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> Response:
    announcement = await _get_announcement_or_404(db, announcement_id)
    _ensure_can_edit(announcement, user)
    if announcement.status is not AnnouncementStatus.DRAFT:
        raise HTTPException(status.HTTP_409_CONFLICT, "only drafts can be deleted; archive instead")
    await db.delete(announcement)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- Notifications ------------------------------------------------------------
# These routes came over from the old notifications module together with its imports.

from sqlalchemy import update

from services.communications_service.models import (
    Notification,
    NotificationPreference,
    NotificationType,
    ReminderStatus,
    ScheduledReminder,
)
from services.communications_service.schemas import (
    BulkResult,
    InternalNotificationCreate,
    NotificationCreate,
    NotificationResponse,
    ReminderCreate,
    ReminderResponse,
    UnreadCount,
)

# Larger sends go through the worker so the request returns quickly.
INLINE_FANOUT_LIMIT = 50


async def _get_own_notification(
    db: AsyncSession, notification_id: uuid.UUID, user: AuthUser
) -> Notification:
    notification = await db.get(Notification, notification_id)
    if notification is None or notification.member_id != user.user_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "notification not found")
    return notification


async def _muted_members(
    db: AsyncSession, member_ids: list[uuid.UUID], notification_type: NotificationType
) -> set[uuid.UUID]:
    result = await db.execute(
        select(NotificationPreference).where(NotificationPreference.member_id.in_(member_ids))
    )
    return {pref.member_id for pref in result.scalars() if pref.mutes(notification_type)}


async def _create_notifications(
    db: AsyncSession,
    member_ids: list[uuid.UUID],
    *,
    notification_type: NotificationType,
    title: str,
    body: str = "",
    link: str | None = None,
    data: dict[str, Any] | None = None,
    announcement_id: uuid.UUID | None = None,
) -> tuple[int, int]:
    """Create one notification per member, skipping members who muted the type.

    Announcements and system notices are never muted. Returns (created, skipped).
    """
    unique_ids = list(dict.fromkeys(member_ids))
    muted: set[uuid.UUID] = set()
    if notification_type not in (NotificationType.ANNOUNCEMENT, NotificationType.SYSTEM):
        muted = await _muted_members(db, unique_ids, notification_type)
    for member_id in unique_ids:
        if member_id in muted:
            continue
        db.add(
            Notification(
                member_id=member_id,
                notification_type=notification_type,
                title=title,
                body=body,
                link=link,
                data=dict(data or {}),
                announcement_id=announcement_id,
            )
        )
    await db.flush()
    return len(unique_ids) - len(muted), len(muted)


@router.get("/notifications", response_model=Page[NotificationResponse])
async def list_notifications(
    unread_only: bool = False,
    notification_type: NotificationType | None = None,
    limit: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    offset: int = Query(0, ge=0),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Page[NotificationResponse]:
    query = select(Notification).where(
        Notification.member_id == user.user_id, Notification.dismissed_at.is_(None)
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if notification_type is not None:
        query = query.where(Notification.notification_type == notification_type)
    total = await db.scalar(select(func.count()).select_from(query.subquery()))
    rows = await db.execute(
        query.order_by(Notification.created_at.desc()).limit(limit).offset(offset)
    )
    items = [NotificationResponse.model_validate(n) for n in rows.scalars()]
    return Page(items=items, total=total or 0, limit=limit, offset=offset)


@router.get("/notifications/unread-count", response_model=UnreadCount)
async def unread_count(
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> UnreadCount:
    result = await db.execute(
        select(Notification.notification_type, func.count())
        .where(
            Notification.member_id == user.user_id,
            Notification.read_at.is_(None),
            Notification.dismissed_at.is_(None),
        )
        .group_by(Notification.notification_type)
    )
    by_type = {kind.value: count for kind, count in result.all()}
    return UnreadCount(unread=sum(by_type.values()), by_type=by_type)


@router.post("/notifications/read-all")
async def mark_all_read(
    notification_type: NotificationType | None = None,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> dict[str, int]:
    statement = (
        update(Notification)
        .where(Notification.member_id == user.user_id, Notification.read_at.is_(None))
        .values(read_at=_utcnow())
    )
    if notification_type is not None:
        statement = statement.where(Notification.notification_type == notification_type)
    result = await db.execute(statement)
    return {"updated": result.rowcount or 0}


@router.post("/notifications", response_model=BulkResult, status_code=status.HTTP_201_CREATED)
async def send_notifications(
    payload: NotificationCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> BulkResult:
    if payload.email or len(payload.member_ids) > INLINE_FANOUT_LIMIT:
        job_id = await enqueue_job("notify_members", payload.model_dump(mode="json"))
        if job_id is not None:
            return BulkResult(job_id=job_id)
    created, skipped = await _create_notifications(
        db,
        payload.member_ids,
        notification_type=payload.notification_type,
        title=payload.title,
        body=payload.body,
        link=payload.link,
        data=payload.data,
    )
    return BulkResult(created=created, skipped=skipped)


@router.post(
    "/notifications/internal",
    response_model=BulkResult,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_internal)],
)
async def internal_notifications(
    payload: InternalNotificationCreate, db: AsyncSession = Depends(get_async_db)
) -> BulkResult:
    """Other services (payments, academy, sessions) notify members through this route."""
    data = {**payload.data, "source": payload.source}
    if payload.idempotency_key:
        seen = await db.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.data["idempotency_key"].astext == payload.idempotency_key)
        )
        if seen:
            return BulkResult(skipped=len(payload.member_ids))
        data["idempotency_key"] = payload.idempotency_key
    created, skipped = await _create_notifications(
        db,
        payload.member_ids,
        notification_type=payload.notification_type,
        title=payload.title,
        body=payload.body,
        link=payload.link,
        data=data,
    )
    return BulkResult(created=created, skipped=skipped)


@router.post(
    "/notifications/reminders",
    response_model=list[ReminderResponse],
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_internal)],
)
async def schedule_reminders(
    payload: ReminderCreate, db: AsyncSession = Depends(get_async_db)
) -> list[ScheduledReminder]:
    remind_at = payload.starts_at - timedelta(minutes=payload.remind_minutes_before)
    existing = {
        r.member_id: r
        for r in (
            await db.execute(
                select(ScheduledReminder).where(
                    ScheduledReminder.session_id == payload.session_id,
                    ScheduledReminder.member_id.in_(payload.member_ids),
                )
            )
        ).scalars()
    }
    reminders = []
    for member_id in dict.fromkeys(payload.member_ids):
        reminder = existing.get(member_id)
        if reminder is None:
            reminder = ScheduledReminder(member_id=member_id, session_id=payload.session_id)
            db.add(reminder)
        reminder.session_title = payload.session_title
        reminder.location = payload.location
        reminder.starts_at = payload.starts_at
        reminder.remind_at = remind_at
        reminder.status = ReminderStatus.PENDING
        reminders.append(reminder)
    await db.flush()
    return reminders


@router.delete(
    "/notifications/reminders/{session_id}",
    dependencies=[Depends(require_internal)],
)
async def cancel_reminders(
    session_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> dict[str, int]:
    result = await db.execute(
        update(ScheduledReminder)
        .where(
            ScheduledReminder.session_id == session_id,
            ScheduledReminder.status == ReminderStatus.PENDING,
        )
        .values(status=ReminderStatus.CANCELLED)
    )
    return {"cancelled": result.rowcount or 0}


@router.get("/notifications/{notification_id}", response_model=NotificationResponse)
async def get_notification(
    notification_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Notification:
    return await _get_own_notification(db, notification_id, user)


@router.post("/notifications/{notification_id}/read", response_model=NotificationResponse)
async def mark_read(
    notification_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Notification:
    notification = await _get_own_notification(db, notification_id, user)
    if notification.read_at is None:
        notification.read_at = _utcnow()
        await db.flush()
        await db.refresh(notification)
    return notification


@router.delete("/notifications/{notification_id}", status_code=status.HTTP_204_NO_CONTENT)
async def dismiss_notification(
    notification_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Response:
    notification = await _get_own_notification(db, notification_id, user)
    notification.dismissed_at = _utcnow()
    notification.read_at = notification.read_at or notification.dismissed_at
    await db.flush()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
