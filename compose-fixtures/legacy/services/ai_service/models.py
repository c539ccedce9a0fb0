"""SQLAlchemy models of the AI service.

Every call the service answers is kept as an ``AIRequest`` (the committee audits what
was asked of the providers); scores hang off the request that produced them.
"""

import datetime
from typing import Any, Dict, List, Optional
import uuid

from sqlalchemy import JSON, Boolean, DateTime, Enum, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin, utcnow

from .enums import RequestKind, RequestStatus


class AIRequest(TimestampMixin, Base):
    __tablename__ = 'ai_requests'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[RequestKind] = mapped_column(
        Enum(RequestKind, name='ai_request_kind'), nullable=False
    )
    provider: Mapped[str] = mapped_column(String(40), default='offline', nullable=False)
    prompt: Mapped[str] = mapped_column(Text, nullable=False)
    response: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[RequestStatus] = mapped_column(
        Enum(RequestStatus, name='ai_request_status'),
        default=RequestStatus.PENDING, nullable=False)
    tokens_used: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    completed_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))

    scores: Mapped[List['ScoreRecord']] = relationship(
        back_populates='request', cascade='all, delete-orphan', order_by='ScoreRecord.created_at'
    )

    def finish(self, response: str, tokens: int) -> None:
        self.response = response
        self.tokens_used = tokens
        self.status = RequestStatus.DONE
        self.completed_at = utcnow()
        return None


class ScoreRecord(TimestampMixin, Base):
    __tablename__ = 'ai_scores'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('ai_requests.id', ondelete='CASCADE'), nullable=False, index=True
    )
    subject_type: Mapped[str] = mapped_column(String(40), nullable=False)
    subject_id: Mapped[Optional[uuid.UUID]] = mapped_column()
    score: Mapped[float] = mapped_column(Float, nullable=False)
    grade: Mapped[Optional[str]] = mapped_column(String(2))
    details: Mapped[Dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)

    request: Mapped['AIRequest'] = relationship(back_populates='scores')


# --- Prompt templates ---------------------------------------------------------------
class PromptTemplate(TimestampMixin, Base):
    __tablename__ = 'ai_prompt_templates'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    def render(self, values: Dict[str, str]) -> str:
        return self.body.format(**values)
