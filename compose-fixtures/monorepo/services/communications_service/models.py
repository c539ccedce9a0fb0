"""Communications service models: announcements, notifications, email outbox and messaging."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, time
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libs.db import Base, TimestampMixin, new_id


class AnnouncementStatus(str, enum.Enum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class AnnouncementAudience(str, enum.Enum):
    EVERYONE = "everyone"
    MEMBERS = "members"
    COACHES = "coaches"
    PARENTS = "parents"
    COHORT = "cohort"


class AnnouncementPriority(str, enum.Enum):
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class NotificationType(str, enum.Enum):
    ANNOUNCEMENT = "announcement"
    MESSAGE = "message"
    SESSION_REMINDER = "session_reminder"
    PAYMENT = "payment"
    SYSTEM = "system"
    DIGEST = "digest"


class NotificationChannel(str, enum.Enum):
    IN_APP = "in_app"
    EMAIL = "email"
    PUSH = "push"
    SMS = "sms"


class EmailStatus(str, enum.Enum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SUPPRESSED = "suppressed"


class EmailEventType(str, enum.Enum):
    DELIVERED = "delivered"
    OPENED = "opened"
    CLICKED = "clicked"
    BOUNCED = "bounced"
    COMPLAINED = "complained"


class DigestFrequency(str, enum.Enum):
    NEVER = "never"
    DAILY = "daily"
    WEEKLY = "weekly"


class ThreadStatus(str, enum.Enum):
    OPEN = "open"
    LOCKED = "locked"
    ARCHIVED = "archived"


class ReminderStatus(str, enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"


class MemberRef(Base):
    """Read-only mapping of the members service's table (owned and migrated by members)."""

    __tablename__ = "members"
    __table_args__ = {"extend_existing": True, "info": {"skip_autogenerate": True}}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255))


class Announcement(TimestampMixin, Base):
    __tablename__ = "comms_announcements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[AnnouncementStatus] = mapped_column(
        Enum(AnnouncementStatus, name="announcement_status"),
        nullable=False,
        default=AnnouncementStatus.DRAFT,
        index=True,
    )
    audience: Mapped[AnnouncementAudience] = mapped_column(
        Enum(AnnouncementAudience, name="announcement_audience"),
        nullable=False,
        default=AnnouncementAudience.EVERYONE,
    )
    cohort_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    priority: Mapped[AnnouncementPriority] = mapped_column(
        Enum(AnnouncementPriority, name="announcement_priority"),
        nullable=False,
        default=AnnouncementPriority.NORMAL,
    )
    is_pinned: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    requires_acknowledgement: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    send_email: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), nullable=False)
    publish_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recipients_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    acknowledgements: Mapped[list["AnnouncementAcknowledgement"]] = relationship(
        back_populates="announcement", cascade="all, delete-orphan"
    )


class AnnouncementAcknowledgement(Base):
    __tablename__ = "comms_announcement_acks"
    __table_args__ = (
        UniqueConstraint("announcement_id", "member_id", name="uq_comms_announcement_acks_member"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    announcement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("comms_announcements.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), nullable=False)
    acknowledged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    announcement: Mapped["Announcement"] = relationship(back_populates="acknowledgements")


class Notification(TimestampMixin, Base):
    __tablename__ = "comms_notifications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    notification_type: Mapped[NotificationType] = mapped_column(
        Enum(NotificationType, name="notification_type"), nullable=False
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    announcement_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("comms_announcements.id", ondelete="SET NULL"), index=True
    )
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dismissed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    included_in_digest_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    member: Mapped[MemberRef] = relationship(lazy="raise")


class EmailMessage(TimestampMixin, Base):
    __tablename__ = "comms_email_messages"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    to_address: Mapped[str] = mapped_column(String(255), nullable=False, index=True)
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"), index=True)
    template_key: Mapped[str | None] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    text_body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    html_body: Mapped[str | None] = mapped_column(Text)
    context: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    status: Mapped[EmailStatus] = mapped_column(
        Enum(EmailStatus, name="email_status"),
        nullable=False,
        default=EmailStatus.QUEUED,
        index=True,
    )
    source: Mapped[str] = mapped_column(String(50), nullable=False, default="communications")
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(String(200), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    events: Mapped[list["EmailEvent"]] = relationship(
        back_populates="email", cascade="all, delete-orphan", order_by="EmailEvent.occurred_at"
    )


class EmailEvent(Base):
    __tablename__ = "comms_email_events"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("comms_email_messages.id", ondelete="CASCADE"), nullable=False, index=True
    )
    event_type: Mapped[EmailEventType] = mapped_column(
        Enum(EmailEventType, name="email_event_type"), nullable=False
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)

    email: Mapped["EmailMessage"] = relationship(back_populates="events")


class EmailSuppression(TimestampMixin, Base):
    """Addresses we must not mail again (hard bounces, spam complaints, manual blocks)."""

    __tablename__ = "comms_email_suppressions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    address: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    reason: Mapped[str] = mapped_column(String(50), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)


class MessageThread(TimestampMixin, Base):
    __tablename__ = "comms_message_threads"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[ThreadStatus] = mapped_column(
        Enum(ThreadStatus, name="thread_status"), nullable=False, default=ThreadStatus.OPEN
    )
    created_by: Mapped[uuid.UUID] = mapped_column(nullable=False)
    cohort_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    last_message_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    locked_reason: Mapped[str | None] = mapped_column(String(255))

    participants: Mapped[list["ThreadParticipant"]] = relationship(
        back_populates="thread", cascade="all, delete-orphan"
    )
    messages: Mapped[list["Message"]] = relationship(
        back_populates="thread", cascade="all, delete-orphan", order_by="Message.created_at"
    )


class ThreadParticipant(Base):
    __tablename__ = "comms_thread_participants"
    __table_args__ = (
        UniqueConstraint("thread_id", "member_id", name="uq_comms_thread_participants_member"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    thread_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("comms_message_threads.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    is_guardian_copy: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    last_read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    thread: Mapped["MessageThread"] = relationship(back_populates="participants")


class Message(TimestampMixin, Base):
    __tablename__ = "comms_messages"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    thread_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("comms_message_threads.id", ondelete="CASCADE"), nullable=False, index=True
    )
    sender_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    thread: Mapped["MessageThread"] = relationship(back_populates="messages")


class NotificationPreference(TimestampMixin, Base):
    __tablename__ = "comms_notification_preferences"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, unique=True
    )
    email_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    push_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    sms_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    muted_types: Mapped[list[str]] = mapped_column(JSONB, nullable=False, default=list)
    digest_frequency: Mapped[DigestFrequency] = mapped_column(
        Enum(DigestFrequency, name="digest_frequency"),
        nullable=False,
        default=DigestFrequency.WEEKLY,
    )
    quiet_hours_start: Mapped[time | None] = mapped_column(Time)
    quiet_hours_end: Mapped[time | None] = mapped_column(Time)
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def mutes(self, notification_type: NotificationType) -> bool:
        return notification_type.value in (self.muted_types or [])

    def in_quiet_hours(self, moment: time) -> bool:
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if start is None or end is None or start == end:
            return False
        if start < end:
            return start <= moment < end
        return moment >= start or moment < end


class ScheduledReminder(TimestampMixin, Base):
    """A session reminder requested by the sessions service, sent by the worker's cron."""

    __tablename__ = "comms_scheduled_reminders"
    __table_args__ = (
        UniqueConstraint("session_id", "member_id", name="uq_comms_scheduled_reminders_session"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    session_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    session_title: Mapped[str] = mapped_column(String(200), nullable=False)
    location: Mapped[str | None] = mapped_column(String(255))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    remind_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    status: Mapped[ReminderStatus] = mapped_column(
        Enum(ReminderStatus, name="reminder_status"),
        nullable=False,
        default=ReminderStatus.PENDING,
    )
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
