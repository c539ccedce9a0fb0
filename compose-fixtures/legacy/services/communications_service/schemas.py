"""Request and response bodies of the communications service."""

import datetime
from typing import List, Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from .models import Audience, DigestFrequency, EmailStatus, NotificationKind


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Announcements --------------------------------------------------------------------
class AnnouncementCreate(BaseModel):
    title: str = Field(min_length=3, max_length=160)
    body: str = Field(min_length=1)
    audience: Audience = Audience.EVERYONE
    author: Optional[str] = None
    publish_now: bool = True
    expires_at: Optional[datetime.datetime] = None


class AnnouncementUpdate(BaseModel):
    title: Optional[str] = Field(default=None, min_length=3, max_length=160)
    body: Optional[str] = None
    expires_at: Optional[datetime.datetime] = None


class AnnouncementOut(OrmModel):
    id: uuid.UUID
    title: str
    body: str
    audience: Audience
    pinned: bool
    author: Optional[str]
    published_at: Optional[datetime.datetime]
    expires_at: Optional[datetime.datetime]


# --- Notifications --------------------------------------------------------------------
class NotificationCreate(BaseModel):
    recipient_emails: List[str] = Field(min_length=1)
    kind: NotificationKind
    subject: str = Field(min_length=1, max_length=200)
    body: Optional[str] = None
    announcement_id: Optional[uuid.UUID] = None


class NotificationOut(OrmModel):
    id: uuid.UUID
    recipient_email: str
    kind: NotificationKind
    subject: str
    body: Optional[str]
    read_at: Optional[datetime.datetime]
    created_at: datetime.datetime


class UnreadCount(BaseModel):
    recipient_email: str
    unread: int


# --- Email ----------------------------------------------------------------------------
class EmailRequest(BaseModel):
    to: List[str] = Field(min_length=1)
    subject: str = Field(min_length=1, max_length=200)
    template: str = 'plain'
    context: dict = Field(default_factory=dict)


class EmailLogOut(OrmModel):
    id: uuid.UUID
    to_address: str
    subject: str
    template: str
    status: EmailStatus
    attempts: int
    sent_at: Optional[datetime.datetime]
    error: Optional[str]


# --- Messaging ------------------------------------------------------------------------
class ThreadCreate(BaseModel):
    subject: str = Field(min_length=1, max_length=200)
    member_email: str
    first_message: str = Field(min_length=1)


class MessageCreate(BaseModel):
    sender: str
    body: str = Field(min_length=1)
    from_committee: bool = False


class MessageOut(OrmModel):
    id: uuid.UUID
    sender: str
    from_committee: bool
    body: str
    created_at: datetime.datetime


class ThreadOut(OrmModel):
    id: uuid.UUID
    subject: str
    member_email: str
    closed: bool
    messages: List[MessageOut] = []


# --- Preferences ----------------------------------------------------------------------
class PreferenceUpdate(BaseModel):
    email_enabled: Optional[bool] = None
    digest: Optional[DigestFrequency] = None


class PreferenceOut(OrmModel):
    member_email: str
    email_enabled: bool
    digest: DigestFrequency
    updated_at: datetime.datetime
