"""Request and response bodies of the media service."""

import datetime
from typing import Dict, List, Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.media_service.enums import MediaKind, Visibility


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Albums --------------------------------------------------------------------------
class AlbumCreate(BaseModel):
    title: str = Field(min_length=2, max_length=120)
    slug: str = Field(min_length=2, max_length=120, pattern=r'^[a-z0-9-]+$')
    description: Optional[str] = None


class AlbumOut(OrmModel):
    id: uuid.UUID
    title: str
    slug: str
    description: Optional[str]


# --- Media items ---------------------------------------------------------------------
class MediaUpload(BaseModel):
    filename: str = Field(min_length=1, max_length=200)
    content_type: str = 'image/jpeg'
    # The committee's upload page sends the file base64-encoded in the JSON body.
    content_base64: str
    kind: MediaKind = MediaKind.PHOTO
    album_id: Optional[uuid.UUID] = None
    caption: Optional[str] = None
    tags: List[str] = []


class MediaUpdate(BaseModel):
    caption: Optional[str] = None
    album_id: Optional[uuid.UUID] = None
    visibility: Optional[Visibility] = None
    tags: Optional[List[str]] = None


class MediaOut(OrmModel):
    id: uuid.UUID
    album_id: Optional[uuid.UUID]
    filename: str
    content_type: str
    kind: MediaKind
    visibility: Visibility
    size_bytes: int
    caption: Optional[str]
    published_at: Optional[datetime.datetime]
    tag_names: List[str] = []


class AlbumDetail(AlbumOut):
    items: List[MediaOut] = []


class StorageUsage(BaseModel):
    items: int
    total_bytes: int
    by_kind: Dict[str, int]
