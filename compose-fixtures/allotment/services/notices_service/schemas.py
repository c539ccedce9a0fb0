"""Bodies of the notices service."""

import datetime
from typing import Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.notices_service.models import TITLE_MAX


class NoticeIn(BaseModel):
    title: str = Field(min_length=3, max_length=TITLE_MAX)
    body: str
    pinned: bool = False
    expires_at: Optional[datetime.datetime] = None


class NoticeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    body: str
    pinned: bool
    posted_at: datetime.datetime
    expires_at: Optional[datetime.datetime]
