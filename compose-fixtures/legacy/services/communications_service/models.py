"""SQLAlchemy models of the communications service.

Announcements go on the society's notice board; notifications are per member; every
outgoing email is logged; committee members talk to plot holders in message threads;
each member keeps one row of notification preferences.
"""

import datetime
import enum
from typing import List, Optional
import uuid

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin, utcnow


class Audience(str, enum.Enum):
    EVERYONE = 'everyone'
    PLOT_HOLDERS = 'plot_holders'
    WAITING_LIST = 'waiting_list'
    COMMITTEE = 'committee'


class NotificationKind(str, enum.Enum):
    ANNOUNCEMENT = 'announcement'
    RENT_DUE = 'rent_due'
    INSPECTION = 'inspection'
    MESSAGE = 'message'


class EmailStatus(str, enum.Enum):
    QUEUED = 'queued'
    SENT = 'sent'
    FAILED = 'failed'


class DigestFrequency(str, enum.Enum):
    NEVER = 'never'
    DAILY = 'daily'
    WEEKLY = 'weekly'


# How often the worker tries an email before it gives up.
MAX_EMAIL_ATTEMPTS = 3


# --- Announcements --------------------------------------------------------------------
class Announcement(TimestampMixin, Base):
    __tablename__ = 'communications_announcements'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(160), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    audience: Mapped[Audience] = mapped_column(
        Enum(Audience, name='communications_audience'), default=Audience.EVERYONE, nullable=False
    )
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    author: Mapped[Optional[str]] = mapped_column(String(120))
    published_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))

    def is_live(self, now: Optional[datetime.datetime] = None) -> bool:
        moment = now or utcnow()
        if self.published_at is None or self.published_at > moment:
            return False
        if self.expires_at is not None and self.expires_at <= moment:
            return False
        return True


# --- Notifications --------------------------------------------------------------------
class Notification(TimestampMixin, Base):
    __tablename__ = 'communications_notifications'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    recipient_email: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    kind: Mapped[NotificationKind] = mapped_column(
        Enum(NotificationKind, name='communications_notification_kind'), nullable=False
    )
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[Optional[str]] = mapped_column(Text)
    announcement_id: Mapped[Optional[uuid.UUID]] = mapped_column(
        ForeignKey('communications_announcements.id', ondelete='SET NULL')
    )
    read_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))

    announcement: Mapped[Optional['Announcement']] = relationship()

    def mark_read(self) -> None:
        if self.read_at is None:
            self.read_at = utcnow()
        return None


# --- Email ----------------------------------------------------------------------------
class EmailLog(TimestampMixin, Base):
    __tablename__ = 'communications_email_log'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    to_address: Mapped[str] = mapped_column(String(200), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    template: Mapped[str] = mapped_column(String(60), default='plain', nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[EmailStatus] = mapped_column(
        Enum(EmailStatus, name='communications_email_status'),
        default=EmailStatus.QUEUED,
        nullable=False,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    sent_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))
    error: Mapped[Optional[str]] = mapped_column(Text)

    def may_retry(self) -> bool:
        return self.status == EmailStatus.FAILED and self.attempts < MAX_EMAIL_ATTEMPTS


# --- Messaging ------------------------------------------------------------------------
class MessageThread(TimestampMixin, Base):
    __tablename__ = 'communications_threads'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    member_email: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    messages: Mapped[List['Message']] = relationship(
        back_populates='thread', order_by='Message.created_at', cascade='all, delete-orphan'
    )


class Message(TimestampMixin, Base):
    __tablename__ = 'communications_messages'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    thread_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('communications_threads.id', ondelete='CASCADE'), nullable=False, index=True
    )
    sender: Mapped[str] = mapped_column(String(200), nullable=False)
    from_committee: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)

    thread: Mapped['MessageThread'] = relationship(back_populates='messages')


# --- Preferences ----------------------------------------------------------------------
class NotificationPreference(Base):
    __tablename__ = 'communications_preferences'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    member_email: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    digest: Mapped[DigestFrequency] = mapped_column(
        Enum(DigestFrequency, name='communications_digest_frequency'),
        default=DigestFrequency.WEEKLY,
        nullable=False,
    )
    updated_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False
    )
