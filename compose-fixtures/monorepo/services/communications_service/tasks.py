"""arq tasks: email delivery, notification fan-out, session reminders and digests.

Every task takes arq's ``ctx``. The worker's startup puts a ``session_factory`` (and arq
puts ``redis``) in it; a route that runs a task inline passes its own session as
``ctx["db"]`` and the task then joins the request's transaction.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from arq import Retry
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.service_client import ServiceUnavailable, get_service_client
from services.communications_service.models import (
    Announcement,
    AnnouncementAudience,
    AnnouncementStatus,
    DigestFrequency,
    EmailMessage,
    EmailStatus,
    EmailSuppression,
    MemberRef,
    Notification,
    NotificationPreference,
    NotificationType,
    ReminderStatus,
    ScheduledReminder,
)
from services.communications_service.router import _create_notifications, _render_announcement
from services.communications_service.schemas import NotificationCreate
from services.communications_service.templates import (
    MissingContext,
    UnknownTemplate,
    render_template,
)

logger = logging.getLogger(__name__)

EMAIL_MAX_ATTEMPTS = 5
# Wait before retry number n (index n - 1); the last value repeats.
EMAIL_RETRY_BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
OUTBOX_BATCH_SIZE = 200
NOTIFICATION_RETENTION = timedelta(days=90)
DIGEST_PERIODS = {
    DigestFrequency.DAILY: timedelta(days=1),
    DigestFrequency.WEEKLY: timedelta(days=7),
}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@asynccontextmanager
async def _session(ctx: dict[str, Any]) -> AsyncIterator[AsyncSession]:
    shared = ctx.get("db")
    if shared is not None:
        yield shared
        return
    async with ctx["session_factory"]() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


# --- Email transport ------------------------------------------------------------


class TransportError(RuntimeError):
    """The provider could not take the message now; try again later."""


class PermanentTransportError(TransportError):
    """The provider rejected the message; retrying will not help."""


class LogTransport:
    """Development transport: writes the email to the log instead of sending it."""

    async def send(self, email: EmailMessage) -> str:
        logger.info("email to %s: %s\n%s", email.to_address, email.subject, email.text_body)
        return f"log-{uuid.uuid4().hex[:16]}"


class HttpTransport:
    def __init__(self, url: str, token: str, sender: str) -> None:
        self.url = url
        self.token = token
        self.sender = sender

    async def send(self, email: EmailMessage) -> str:
        payload = {
            "From": self.sender,
            "To": email.to_address,
            "Subject": email.subject,
            "TextBody": email.text_body,
            "HtmlBody": email.html_body,
            "Metadata": {"email_id": str(email.id), "source": email.source},
        }
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                response = await client.post(
                    self.url, json=payload, headers={"X-Server-Token": self.token}
                )
        except httpx.HTTPError as exc:
            raise TransportError(str(exc)) from exc
        if response.status_code in (400, 401, 406, 422):
            raise PermanentTransportError(f"HTTP {response.status_code}: {response.text[:300]}")
        if response.status_code >= 300:
            raise TransportError(f"HTTP {response.status_code}")
        return str(response.json().get("MessageID", ""))


def get_transport() -> LogTransport | HttpTransport:
    url = os.environ.get("EMAIL_API_URL")
    if not url:
        return LogTransport()
    return HttpTransport(
        url,
        os.environ.get("EMAIL_API_TOKEN", ""),
        os.environ.get("EMAIL_FROM", "Riverside Swimming Club <no-reply@riversideswim.example>"),
    )


# --- Email helpers --------------------------------------------------------------


def _retry_delay(attempts: int) -> timedelta:
    return EMAIL_RETRY_BACKOFF[min(max(attempts, 1), len(EMAIL_RETRY_BACKOFF)) - 1]


async def _is_suppressed(db: AsyncSession, address: str) -> bool:
    found = await db.scalar(
        select(EmailSuppression.id).where(EmailSuppression.address == address.lower())
    )
    return found is not None


def _apply_template(email: EmailMessage) -> None:
    if not email.template_key:
        return
    rendered = render_template(email.template_key, email.context)
    email.subject = email.subject or rendered.subject
    email.text_body = rendered.text_body
    email.html_body = rendered.html_body


async def _member_contacts(
    db: AsyncSession, member_ids: list[uuid.UUID]
) -> dict[uuid.UUID, MemberRef]:
    if not member_ids:
        return {}
    result = await db.execute(select(MemberRef).where(MemberRef.id.in_(member_ids)))
    return {member.id: member for member in result.scalars()}


async def _preferences(
    db: AsyncSession, member_ids: list[uuid.UUID]
) -> dict[uuid.UUID, NotificationPreference]:
    if not member_ids:
        return {}
    result = await db.execute(
        select(NotificationPreference).where(NotificationPreference.member_id.in_(member_ids))
    )
    return {pref.member_id: pref for pref in result.scalars()}


async def _queue_email(
    db: AsyncSession,
    ctx: dict[str, Any],
    *,
    member: MemberRef,
    template_key: str | None = None,
    context: dict[str, Any] | None = None,
    subject: str = "",
    text_body: str = "",
    source: str = "communications",
    idempotency_key: str | None = None,
) -> EmailMessage | None:
    if idempotency_key is not None:
        existing = await db.scalar(
            select(EmailMessage.id).where(EmailMessage.idempotency_key == idempotency_key)
        )
        if existing is not None:
            return None
    email = EmailMessage(
        to_address=member.email.lower(),
        member_id=member.id,
        template_key=template_key,
        context={"first_name": member.first_name, **(context or {})},
        subject=subject,
        text_body=text_body,
        source=source,
        idempotency_key=idempotency_key,
    )
    db.add(email)
    await db.flush()
    redis = ctx.get("redis")
    if redis is not None:
        await redis.enqueue_job("send_email", str(email.id), _job_id=f"email:{email.id}")
    return email


# --- Tasks: email -----------------------------------------------------------------


async def send_email(ctx: dict[str, Any], email_id: str) -> str:
    """Deliver one queued email; returns its resulting status."""
    async with _session(ctx) as db:
        email = await db.get(EmailMessage, uuid.UUID(email_id), with_for_update=True)
        if email is None:
            logger.warning("send_email: %s does not exist", email_id)
            return "missing"
        if email.status is not EmailStatus.QUEUED:
            return email.status.value
        if await _is_suppressed(db, email.to_address):
            email.status = EmailStatus.SUPPRESSED
            return email.status.value
        try:
            _apply_template(email)
        except (MissingContext, UnknownTemplate) as exc:
            email.status = EmailStatus.FAILED
            email.last_error = f"template: {exc}"
            return email.status.value

        email.status = EmailStatus.SENDING
        email.attempts += 1
        try:
            email.provider_message_id = await get_transport().send(email)
        except PermanentTransportError as exc:
            email.status = EmailStatus.FAILED
            email.last_error = str(exc)
        except TransportError as exc:
            email.last_error = str(exc)
            exhausted = email.attempts >= EMAIL_MAX_ATTEMPTS
            email.status = EmailStatus.FAILED if exhausted else EmailStatus.QUEUED
        else:
            email.status = EmailStatus.SENT
            email.sent_at = _utcnow()
            email.last_error = None
        return email.status.value


async def flush_email_outbox(ctx: dict[str, Any]) -> int:
    """Cron: (re)send queued emails, honouring the retry backoff. Returns the batch size."""
    now = _utcnow()
    async with _session(ctx) as db:
        result = await db.execute(
            select(EmailMessage)
            .where(EmailMessage.status == EmailStatus.QUEUED)
            .order_by(EmailMessage.created_at)
            .limit(OUTBOX_BATCH_SIZE)
        )
        due = [
            str(email.id)
            for email in result.scalars()
            if email.attempts == 0 or email.updated_at + _retry_delay(email.attempts) <= now
        ]
    redis = ctx.get("redis")
    for email_id in due:
        if redis is not None:
            await redis.enqueue_job("send_email", email_id, _job_id=f"email:{email_id}")
        else:
            await send_email(ctx, email_id)
    return len(due)


# --- Tasks: announcements -----------------------------------------------------------


async def _announcement_recipients(db: AsyncSession, announcement: Announcement) -> list[uuid.UUID]:
    if announcement.audience in (AnnouncementAudience.EVERYONE, AnnouncementAudience.MEMBERS):
        return list((await db.execute(select(MemberRef.id))).scalars())
    params: dict[str, Any] = {"audience": announcement.audience.value}
    if announcement.cohort_id is not None:
        params["cohort_id"] = str(announcement.cohort_id)
    ids = await get_service_client("members").get("/api/v1/members/internal/audience", **params)
    return [uuid.UUID(member_id) for member_id in ids or []]


async def fan_out_announcement(ctx: dict[str, Any], announcement_id: str) -> int:
    """Notify the audience of a published announcement; safe to run twice."""
    async with _session(ctx) as db:
        announcement = await db.get(Announcement, uuid.UUID(announcement_id))
        if announcement is None or announcement.status is not AnnouncementStatus.PUBLISHED:
            return 0
        try:
            recipients = await _announcement_recipients(db, announcement)
        except ServiceUnavailable as exc:
            if ctx.get("redis") is not None:
                raise Retry(defer=60) from exc
            logger.warning("announcement %s: audience unavailable: %s", announcement_id, exc)
            return 0

        already = set(
            (
                await db.execute(
                    select(Notification.member_id).where(
                        Notification.announcement_id == announcement.id
                    )
                )
            ).scalars()
        )
        pending = [member_id for member_id in recipients if member_id not in already]
        created, _ = await _create_notifications(
            db,
            pending,
            notification_type=NotificationType.ANNOUNCEMENT,
            announcement_id=announcement.id,
            **_render_announcement(announcement),
        )
        announcement.recipients_count = len(already) + created

        if announcement.send_email and pending:
            await _email_announcement(db, ctx, announcement, pending)
        return created


async def _email_announcement(
    db: AsyncSession, ctx: dict[str, Any], announcement: Announcement, member_ids: list[uuid.UUID]
) -> None:
    contacts = await _member_contacts(db, member_ids)
    prefs = await _preferences(db, member_ids)
    for member_id, member in contacts.items():
        pref = prefs.get(member_id)
        if pref is not None and not pref.email_enabled:
            continue
        await _queue_email(
            db,
            ctx,
            member=member,
            template_key="announcement",
            context={
                "title": announcement.title,
                "body": announcement.body,
                "announcement_id": str(announcement.id),
                "priority": announcement.priority.value,
                "requires_acknowledgement": announcement.requires_acknowledgement,
            },
            idempotency_key=f"announcement:{announcement.id}:{member_id}",
        )


async def publish_scheduled_announcements(ctx: dict[str, Any]) -> int:
    """Cron: publish announcements whose ``publish_at`` has passed."""
    async with _session(ctx) as db:
        result = await db.execute(
            select(Announcement).where(
                Announcement.status == AnnouncementStatus.SCHEDULED,
                Announcement.publish_at <= _utcnow(),
            )
        )
        due = list(result.scalars())
        for announcement in due:
            announcement.status = AnnouncementStatus.PUBLISHED
            announcement.published_at = announcement.publish_at
            announcement.publish_at = None
        await db.flush()
        for announcement in due:
            await fan_out_announcement({**ctx, "db": db}, str(announcement.id))
        return len(due)


# --- Tasks: notifications and reminders ---------------------------------------------


async def notify_members(ctx: dict[str, Any], payload: dict[str, Any]) -> dict[str, int]:
    """Bulk notification queued by ``POST /notifications`` (optionally with an email copy)."""
    request = NotificationCreate.model_validate(payload)
    async with _session(ctx) as db:
        created, skipped = await _create_notifications(
            db,
            request.member_ids,
            notification_type=request.notification_type,
            title=request.title,
            body=request.body,
            link=request.link,
            data=request.data,
        )
        emailed = 0
        if request.email:
            prefs = await _preferences(db, request.member_ids)
            contacts = await _member_contacts(db, request.member_ids)
            for member_id, member in contacts.items():
                pref = prefs.get(member_id)
                if pref is not None and (
                    not pref.email_enabled or pref.mutes(request.notification_type)
                ):
                    continue
                await _queue_email(
                    db, ctx, member=member, subject=request.title, text_body=request.body
                )
                emailed += 1
        return {"created": created, "skipped": skipped, "emailed": emailed}


async def send_due_reminders(ctx: dict[str, Any]) -> int:
    """Cron: send session reminders that are due; drop those for sessions already begun."""
    now = _utcnow()
    async with _session(ctx) as db:
        result = await db.execute(
            select(ScheduledReminder).where(
                ScheduledReminder.status == ReminderStatus.PENDING,
                ScheduledReminder.remind_at <= now,
            )
        )
        reminders = list(result.scalars())
        live = [r for r in reminders if r.starts_at > now]
        for stale in set(reminders) - set(live):
            stale.status = ReminderStatus.CANCELLED

        member_ids = [r.member_id for r in live]
        contacts = await _member_contacts(db, member_ids)
        prefs = await _preferences(db, member_ids)
        for reminder in live:
            context = {
                "session_title": reminder.session_title,
                "starts_at": reminder.starts_at.isoformat(),
                "location": reminder.location,
                "session_id": str(reminder.session_id),
            }
            await _create_notifications(
                db,
                [reminder.member_id],
                notification_type=NotificationType.SESSION_REMINDER,
                title=f"Reminder: {reminder.session_title}",
                body=f"Starts {reminder.starts_at:%a %d %b, %H:%M}",
                link=f"/sessions/{reminder.session_id}",
                data={"session_id": str(reminder.session_id)},
            )
            pref = prefs.get(reminder.member_id)
            member = contacts.get(reminder.member_id)
            wants_email = pref is None or (
                pref.email_enabled and not pref.mutes(NotificationType.SESSION_REMINDER)
            )
            if member is not None and wants_email:
                await _queue_email(
                    db,
                    ctx,
                    member=member,
                    template_key="session_reminder",
                    context=context,
                    idempotency_key=f"reminder:{reminder.id}",
                )
            reminder.status = ReminderStatus.SENT
            reminder.sent_at = now
        return len(live)


# --- Tasks: digests and housekeeping ---------------------------------------------------


async def send_digests(ctx: dict[str, Any], frequency: str) -> int:
    """Email each member who chose ``frequency`` a digest of their unread notifications."""
    period = DigestFrequency(frequency)
    now = _utcnow()
    window = DIGEST_PERIODS[period]
    sent = 0
    async with _session(ctx) as db:
        prefs = (
            await db.execute(
                select(NotificationPreference).where(
                    NotificationPreference.digest_frequency == period,
                    NotificationPreference.email_enabled.is_(True),
                )
            )
        ).scalars()
        for pref in prefs:
            if pref.last_digest_at is not None and pref.last_digest_at > now - window:
                continue
            since = pref.last_digest_at or now - window
            unread = list(
                (
                    await db.execute(
                        select(Notification)
                        .where(
                            Notification.member_id == pref.member_id,
                            Notification.read_at.is_(None),
                            Notification.dismissed_at.is_(None),
                            Notification.included_in_digest_at.is_(None),
                            Notification.created_at > since,
                        )
                        .order_by(Notification.created_at.desc())
                    )
                ).scalars()
            )
            pref.last_digest_at = now
            member = await db.get(MemberRef, pref.member_id)
            if not unread or member is None:
                continue
            await _queue_email(
                db,
                ctx,
                member=member,
                template_key="digest",
                context={
                    "period": period.value,
                    "items": [
                        {"title": n.title, "type": n.notification_type.value} for n in unread
                    ],
                },
                idempotency_key=f"digest:{pref.member_id}:{period.value}:{now:%Y%m%d}",
            )
            for notification in unread:
                notification.included_in_digest_at = now
            sent += 1
    return sent


async def send_daily_digests(ctx: dict[str, Any]) -> int:
    return await send_digests(ctx, DigestFrequency.DAILY.value)


async def send_weekly_digests(ctx: dict[str, Any]) -> int:
    return await send_digests(ctx, DigestFrequency.WEEKLY.value)


async def purge_old_notifications(ctx: dict[str, Any]) -> int:
    """Cron: delete read or dismissed notifications past the retention period."""
    cutoff = _utcnow() - NOTIFICATION_RETENTION
    async with _session(ctx) as db:
        result = await db.execute(
            delete(Notification).where(
                Notification.created_at < cutoff,
                (Notification.read_at.is_not(None)) | (Notification.dismissed_at.is_not(None)),
            )
        )
        return result.rowcount or 0
