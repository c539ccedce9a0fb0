"""Communications service request and response schemas."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.communications_service.models import (
    AnnouncementAudience,
    AnnouncementPriority,
    AnnouncementStatus,
    DigestFrequency,
    EmailEventType,
    EmailStatus,
    NotificationType,
    ReminderStatus,
    ThreadStatus,
)

T = TypeVar("T")

# Deliberately loose: the provider does the real validation and reports bounces back.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


# --- Announcements ------------------------------------------------------------


class AnnouncementBase(BaseModel):
    title: str = Field(min_length=3, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)
    audience: AnnouncementAudience = AnnouncementAudience.EVERYONE
    cohort_id: uuid.UUID | None = None
    priority: AnnouncementPriority = AnnouncementPriority.NORMAL
    requires_acknowledgement: bool = False
    send_email: bool = False
    expires_at: datetime | None = None

    @model_validator(mode="after")
    def _cohort_matches_audience(self) -> AnnouncementBase:
        if self.audience is AnnouncementAudience.COHORT and self.cohort_id is None:
            raise ValueError("cohort_id is required when the audience is a cohort")
        if self.audience is not AnnouncementAudience.COHORT and self.cohort_id is not None:
            raise ValueError("cohort_id is only allowed for cohort announcements")
        return self


class AnnouncementCreate(AnnouncementBase):
    pass


class AnnouncementUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=3, max_length=200)
    body: str | None = Field(default=None, min_length=1, max_length=20_000)
    priority: AnnouncementPriority | None = None
    requires_acknowledgement: bool | None = None
    send_email: bool | None = None
    expires_at: datetime | None = None


class AnnouncementSchedule(BaseModel):
    publish_at: datetime

    @field_validator("publish_at")
    @classmethod
    def _must_be_aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("publish_at must include a timezone")
        return value


class AnnouncementPin(BaseModel):
    pinned: bool = True


class AnnouncementResponse(AnnouncementBase):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: AnnouncementStatus
    is_pinned: bool
    author_id: uuid.UUID
    publish_at: datetime | None
    published_at: datetime | None
    archived_at: datetime | None
    recipients_count: int
    created_at: datetime


class AnnouncementDetail(AnnouncementResponse):
    acknowledged: bool = False
    acknowledgement_count: int = 0


class AcknowledgementResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    announcement_id: uuid.UUID
    member_id: uuid.UUID
    acknowledged_at: datetime


class PublishResult(BaseModel):
    announcement: AnnouncementResponse
    job_id: str | None = None
    notified: int = 0


# --- Notifications ------------------------------------------------------------


class NotificationCreate(BaseModel):
    member_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)
    notification_type: NotificationType = NotificationType.SYSTEM
    title: str = Field(min_length=1, max_length=200)
    body: str = ""
    link: str | None = Field(default=None, max_length=500)
    data: dict[str, Any] = Field(default_factory=dict)
    email: bool = False


class InternalNotificationCreate(NotificationCreate):
    source: str = Field(min_length=1, max_length=50)
    idempotency_key: str | None = Field(default=None, max_length=200)


class NotificationResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    member_id: uuid.UUID
    notification_type: NotificationType
    title: str
    body: str
    link: str | None
    data: dict[str, Any]
    announcement_id: uuid.UUID | None
    read_at: datetime | None
    created_at: datetime

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class UnreadCount(BaseModel):
    unread: int
    by_type: dict[str, int] = Field(default_factory=dict)


class BulkResult(BaseModel):
    created: int = 0
    skipped: int = 0
    job_id: str | None = None


class ReminderCreate(BaseModel):
    member_ids: list[uuid.UUID] = Field(min_length=1, max_length=200)
    session_id: uuid.UUID
    session_title: str = Field(min_length=1, max_length=200)
    location: str | None = None
    starts_at: datetime
    remind_minutes_before: int = Field(default=120, ge=10, le=7 * 24 * 60)


class ReminderResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    member_id: uuid.UUID
    session_id: uuid.UUID
    session_title: str
    starts_at: datetime
    remind_at: datetime
    status: ReminderStatus


# --- Email ------------------------------------------------------------------


class EmailSendRequest(BaseModel):
    to_address: str | None = Field(default=None, pattern=EMAIL_PATTERN, max_length=255)
    member_id: uuid.UUID | None = None
    template_key: str | None = None
    subject: str | None = Field(default=None, max_length=255)
    text_body: str | None = None
    context: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _recipient_and_content(self) -> EmailSendRequest:
        if self.to_address is None and self.member_id is None:
            raise ValueError("either to_address or member_id is required")
        if self.template_key is None and not (self.subject and self.text_body):
            raise ValueError("subject and text_body are required without a template")
        return self


class InternalEmailRequest(EmailSendRequest):
    source: str = Field(min_length=1, max_length=50)
    idempotency_key: str | None = Field(default=None, max_length=200)


class EmailEventResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    event_type: EmailEventType
    occurred_at: datetime
    payload: dict[str, Any]


class EmailResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    to_address: str
    member_id: uuid.UUID | None
    template_key: str | None
    subject: str
    status: EmailStatus
    source: str
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime


class EmailDetail(EmailResponse):
    text_body: str
    html_body: str | None
    events: list[EmailEventResponse] = Field(default_factory=list)


class ProviderEvent(BaseModel):
    provider_message_id: str
    event_type: EmailEventType
    occurred_at: datetime
    payload: dict[str, Any] = Field(default_factory=dict)


class TemplateInfo(BaseModel):
    key: str
    description: str
    required_context: list[str]


class TemplatePreviewRequest(BaseModel):
    context: dict[str, Any] = Field(default_factory=dict)


class TemplatePreview(BaseModel):
    key: str
    subject: str
    text_body: str
    html_body: str


class EmailStats(BaseModel):
    since: datetime
    by_status: dict[str, int]
    bounce_rate: float


class SuppressionCreate(BaseModel):
    address: str = Field(pattern=EMAIL_PATTERN, max_length=255)
    reason: str = Field(default="manual", max_length=50)
    note: str | None = None


class SuppressionResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    address: str
    reason: str
    note: str | None
    created_at: datetime


# --- Messaging ----------------------------------------------------------------


class ThreadCreate(BaseModel):
    subject: str = Field(min_length=1, max_length=200)
    participant_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)
    guardian_ids: list[uuid.UUID] = Field(default_factory=list, max_length=10)
    cohort_id: uuid.UUID | None = None
    body: str = Field(min_length=1, max_length=5_000)


class MessageCreate(BaseModel):
    body: str = Field(min_length=1, max_length=5_000)


class MessageUpdate(BaseModel):
    body: str = Field(min_length=1, max_length=5_000)


class MessageResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    thread_id: uuid.UUID
    sender_id: uuid.UUID
    body: str
    edited_at: datetime | None
    deleted_at: datetime | None
    created_at: datetime


class ParticipantResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    member_id: uuid.UUID
    is_guardian_copy: bool
    last_read_at: datetime | None


class ParticipantAdd(BaseModel):
    member_id: uuid.UUID
    is_guardian_copy: bool = False


class ThreadLock(BaseModel):
    reason: str = Field(min_length=3, max_length=255)


class ThreadSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    subject: str
    status: ThreadStatus
    cohort_id: uuid.UUID | None
    last_message_at: datetime | None
    unread: int = 0


class ThreadDetail(ThreadSummary):
    participants: list[ParticipantResponse]
    messages: list[MessageResponse]


# --- Preferences --------------------------------------------------------------


class PreferenceResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    member_id: uuid.UUID
    email_enabled: bool
    push_enabled: bool
    sms_enabled: bool
    muted_types: list[NotificationType]
    digest_frequency: DigestFrequency
    quiet_hours_start: time | None
    quiet_hours_end: time | None


class PreferenceUpdate(BaseModel):
    email_enabled: bool | None = None
    push_enabled: bool | None = None
    sms_enabled: bool | None = None
    muted_types: list[NotificationType] | None = None
    digest_frequency: DigestFrequency | None = None


class QuietHours(BaseModel):
    start: time | None = None
    end: time | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> QuietHours:
        if (self.start is None) != (self.end is None):
            raise ValueError("set both start and end, or neither")
        return self
