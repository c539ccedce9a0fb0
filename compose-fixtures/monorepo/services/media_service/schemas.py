"""Media service request and response schemas."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.media_service.models import (
    AlbumCategory,
    MediaKind,
    MediaStatus,
    MediaVisibility,
    MemberTagStatus,
)


class TagResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str


class MediaItemUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    caption: str | None = None
    visibility: MediaVisibility | None = None
    album_id: uuid.UUID | None = None
    position: int | None = Field(default=None, ge=0)
    taken_at: datetime | None = None


class MediaItemResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    album_id: uuid.UUID | None
    title: str
    caption: str | None
    kind: MediaKind
    visibility: MediaVisibility
    content_type: str
    size_bytes: int
    position: int
    taken_at: datetime | None
    view_count: int
    created_at: datetime
    tags: list[TagResponse] = []
    url: str | None = None


class MediaItemAdminResponse(MediaItemResponse):
    status: MediaStatus
    storage_key: str
    original_filename: str
    checksum_sha256: str | None
    uploaded_by: uuid.UUID
    archived_at: datetime | None


class MediaPage(BaseModel):
    items: list[MediaItemResponse]
    total: int
    page: int
    page_size: int


class AlbumCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(default=None, max_length=120, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    description: str | None = None
    category: AlbumCategory = AlbumCategory.GENERAL
    event_date: date | None = None
    visibility: MediaVisibility = MediaVisibility.MEMBERS


class AlbumUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    category: AlbumCategory | None = None
    event_date: date | None = None
    visibility: MediaVisibility | None = None


class AlbumResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    slug: str
    description: str | None
    category: AlbumCategory
    event_date: date | None
    visibility: MediaVisibility
    is_published: bool
    published_at: datetime | None


class AlbumSummary(AlbumResponse):
    item_count: int
    cover_url: str | None


class AlbumDetail(AlbumResponse):
    items: list[MediaItemResponse]


class TagsUpdate(BaseModel):
    names: list[str] = Field(max_length=20)

    @field_validator("names")
    @classmethod
    def normalise(cls, names: list[str]) -> list[str]:
        cleaned = {name.strip().lower() for name in names if name.strip()}
        if any(len(name) > 60 for name in cleaned):
            raise ValueError("tag names are at most 60 characters")
        return sorted(cleaned)


class MemberTagCreate(BaseModel):
    member_id: uuid.UUID


class MemberTagDecision(BaseModel):
    approve: bool


class MemberTagResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    item_id: uuid.UUID
    member_id: uuid.UUID
    status: MemberTagStatus
    decided_at: datetime | None
    member_name: str | None = None


class StorageUsage(BaseModel):
    bytes_by_folder: dict[str, int]
    total_bytes: int
    orphaned_files: list[str]
