"""Media service models: galleries, uploaded files, tags and member tagging consent."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libs.db import Base, TimestampMixin, new_id


class MediaKind(str, enum.Enum):
    IMAGE = "image"
    VIDEO = "video"
    DOCUMENT = "document"
    AUDIO = "audio"


class MediaVisibility(str, enum.Enum):
    PUBLIC = "public"
    MEMBERS = "members"
    ADMINS = "admins"


class MediaStatus(str, enum.Enum):
    PENDING = "pending"
    READY = "ready"
    ARCHIVED = "archived"


class AlbumCategory(str, enum.Enum):
    GALA = "gala"
    TRAINING = "training"
    SOCIAL = "social"
    OPEN_WATER = "open_water"
    GENERAL = "general"


class MemberTagStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class MemberRef(Base):
    """Read-only mapping of the members service's table (owned and migrated by members)."""

    __tablename__ = "members"
    __table_args__ = {"extend_existing": True, "info": {"skip_autogenerate": True}}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255))


media_item_tags = Table(
    "media_item_tags",
    Base.metadata,
    Column("item_id", ForeignKey("media_items.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("media_tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class MediaAlbum(TimestampMixin, Base):
    __tablename__ = "media_albums"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    slug: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[AlbumCategory] = mapped_column(
        Enum(AlbumCategory, name="album_category"),
        nullable=False,
        default=AlbumCategory.GENERAL,
    )
    event_date: Mapped[date | None] = mapped_column(Date)
    visibility: Mapped[MediaVisibility] = mapped_column(
        Enum(MediaVisibility, name="media_visibility"),
        nullable=False,
        default=MediaVisibility.MEMBERS,
    )
    is_published: Mapped[bool] = mapped_column(default=False, nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[uuid.UUID | None] = mapped_column()

    items: Mapped[list["MediaItem"]] = relationship(
        back_populates="album", order_by="MediaItem.position"
    )


class MediaItem(TimestampMixin, Base):
    __tablename__ = "media_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    album_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("media_albums.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    caption: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[MediaKind] = mapped_column(Enum(MediaKind, name="media_kind"), nullable=False)
    visibility: Mapped[MediaVisibility] = mapped_column(
        Enum(MediaVisibility, name="media_visibility"),
        nullable=False,
        default=MediaVisibility.MEMBERS,
    )
    status: Mapped[MediaStatus] = mapped_column(
        Enum(MediaStatus, name="media_status"),
        nullable=False,
        default=MediaStatus.PENDING,
        index=True,
    )
    storage_key: Mapped[str] = mapped_column(String(500), nullable=False, unique=True)
    original_filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    checksum_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    view_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    uploaded_by: Mapped[uuid.UUID] = mapped_column(nullable=False)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    album: Mapped["MediaAlbum | None"] = relationship(back_populates="items")
    tags: Mapped[list["MediaTag"]] = relationship(
        secondary=media_item_tags, back_populates="items", order_by="MediaTag.name"
    )
    member_tags: Mapped[list["MediaMemberTag"]] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )


class MediaTag(Base):
    __tablename__ = "media_tags"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)

    items: Mapped[list["MediaItem"]] = relationship(
        secondary=media_item_tags, back_populates="tags"
    )


class MediaMemberTag(TimestampMixin, Base):
    """A member shown in a photo or video; visible only once the member (or parent) consents."""

    __tablename__ = "media_member_tags"
    __table_args__ = (UniqueConstraint("item_id", "member_id", name="uq_media_member_tags_item"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("media_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    status: Mapped[MemberTagStatus] = mapped_column(
        Enum(MemberTagStatus, name="member_tag_status"),
        nullable=False,
        default=MemberTagStatus.PENDING,
    )
    tagged_by: Mapped[uuid.UUID] = mapped_column(nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    item: Mapped["MediaItem"] = relationship(back_populates="member_tags")
    member: Mapped["MemberRef"] = relationship(lazy="joined")
