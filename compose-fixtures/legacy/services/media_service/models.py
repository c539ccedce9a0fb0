"""SQLAlchemy models of the media service: albums, media items and their tags."""

import datetime
from typing import List, Optional
import uuid

from sqlalchemy import BigInteger, DateTime, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin

from .enums import MediaKind, Visibility


class Album(TimestampMixin, Base):
    __tablename__ = 'media_albums'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    slug: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)

    items: Mapped[List['MediaItem']] = relationship(
        back_populates='album', order_by='MediaItem.created_at'
    )


class MediaItem(TimestampMixin, Base):
    __tablename__ = 'media_items'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    album_id: Mapped[Optional[uuid.UUID]] = mapped_column(
        ForeignKey('media_albums.id', ondelete='SET NULL'), index=True
    )
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    kind: Mapped[MediaKind] = mapped_column(
        Enum(MediaKind, name='media_kind'), default=MediaKind.PHOTO, nullable=False
    )
    visibility: Mapped[Visibility] = mapped_column(
        Enum(Visibility, name='media_visibility'), default=Visibility.HIDDEN, nullable=False
    )
    storage_key: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False)
    caption: Mapped[Optional[str]] = mapped_column(Text)
    published_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))

    album: Mapped[Optional['Album']] = relationship(back_populates='items')
    tags: Mapped[List['MediaTag']] = relationship(
        back_populates='item', cascade='all, delete-orphan', order_by='MediaTag.name'
    )

    @property
    def tag_names(self) -> List[str]:
        return [tag.name for tag in self.tags]

    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC and self.published_at is not None


class MediaTag(Base):
    __tablename__ = 'media_tags'
    __table_args__ = (UniqueConstraint('item_id', 'name', name='uq_media_tags_item_name'),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('media_items.id', ondelete='CASCADE'), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(40), nullable=False)

    item: Mapped['MediaItem'] = relationship(back_populates='tags')
