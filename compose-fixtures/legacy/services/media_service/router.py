"""HTTP routes of the media service.

``router`` serves what members and the public site read; ``admin_router`` is the
committee's upload and management surface (mounted under ``/admin``).
"""

import base64
import binascii
from typing import Dict, List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, Response, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.media_service.enums import MediaKind, Visibility
from services.media_service.models import Album, MediaItem, MediaTag
from services.media_service.schemas import (
    AlbumCreate,
    AlbumDetail,
    AlbumOut,
    MediaOut,
    MediaUpdate,
    MediaUpload,
    StorageUsage,
)
from shared.database import get_session, utcnow
from shared.security import require_committee

from .storage import Storage, StorageError, get_storage, new_key

router = APIRouter(tags=['media'])
admin_router = APIRouter(prefix='/admin', dependencies=[Depends(require_committee)])


def _item_or_404(session: Session, item_id: uuid.UUID) -> MediaItem:
    item = session.get(MediaItem, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail='media item not found')
    return item


def _set_tags(item: MediaItem, names: List[str]) -> None:
    wanted = sorted(set(name.strip().lower() for name in names if name.strip()))
    item.tags = [MediaTag(name=name) for name in wanted]
    return None


# --- Public media ---------------------------------------------------------------------
@router.get('/media', response_model=List[MediaOut])
def list_media(
    tag: Optional[str] = None,
    kind: Optional[MediaKind] = None,
    session: Session = Depends(get_session),
) -> List[MediaItem]:
    query = select(MediaItem).where(
        MediaItem.visibility == Visibility.PUBLIC, MediaItem.published_at.is_not(None)
    )
    if kind is not None:
        query = query.where(MediaItem.kind == kind)
    if tag is not None:
        query = query.join(MediaItem.tags).where(MediaTag.name == tag.lower())
    return list(session.scalars(query.order_by(MediaItem.published_at.desc())))


@router.get('/media/{item_id}', response_model=MediaOut)
def get_media(item_id: uuid.UUID, session: Session = Depends(get_session)) -> MediaItem:
    item = _item_or_404(session, item_id)
    if not item.is_public():
        raise HTTPException(status_code=404, detail='media item not found')
    return item


@router.get('/media/{item_id}/content')
def download_media(
    item_id: uuid.UUID,
    session: Session = Depends(get_session),
    storage: Storage = Depends(get_storage),
) -> Response:
    item = get_media(item_id, session)
    try:
        data = storage.get(item.storage_key)
    except StorageError:
        raise HTTPException(status_code=410, detail='the file is gone from storage')
    headers = {'Content-Disposition': 'inline; filename="%s"' % item.filename}
    return Response(content=data, media_type=item.content_type, headers=headers)


@router.get('/albums', response_model=List[AlbumOut])
def list_albums(session: Session = Depends(get_session)) -> List[Album]:
    return list(session.scalars(select(Album).order_by(Album.title)))


@router.get('/albums/{slug}', response_model=AlbumDetail)
def get_album(slug: str, session: Session = Depends(get_session)) -> AlbumDetail:
    album = session.scalar(select(Album).where(Album.slug == slug))
    if album is None:
        raise HTTPException(status_code=404, detail='album not found')
    detail = AlbumDetail.model_validate(album)
    detail.items = [MediaOut.model_validate(i) for i in album.items if i.is_public()]
    return detail


# --- Admin: albums ----------------------------------------------------------------------
@admin_router.post('/albums', response_model=AlbumOut, status_code=status.HTTP_201_CREATED)
def create_album(body: AlbumCreate, session: Session = Depends(get_session)) -> Album:
    if session.scalar(select(Album).where(Album.slug == body.slug)) is not None:
        raise HTTPException(status_code=409, detail='an album with that slug exists')
    album = Album(**body.model_dump())
    session.add(album)
    session.flush()
    return album


# --- Admin: uploads and management ------------------------------------------------------
@admin_router.post('/media', response_model=MediaOut, status_code=status.HTTP_201_CREATED)
def upload_media(
    body: MediaUpload,
    session: Session = Depends(get_session),
    storage: Storage = Depends(get_storage),
) -> MediaItem:
    try:
        data = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise HTTPException(status_code=422, detail='content_base64 is not valid base64')
    if body.album_id is not None and session.get(Album, body.album_id) is None:
        raise HTTPException(status_code=404, detail='album not found')
    key = new_key(body.filename)
    item = MediaItem(
        filename=body.filename, content_type=body.content_type, kind=body.kind,
        album_id=body.album_id, caption=body.caption, storage_key=key,
        size_bytes=storage.put(key, data))
    _set_tags(item, body.tags)
    session.add(item)
    session.flush()
    return item


@admin_router.get('/media', response_model=List[MediaOut])
def list_all_media(
    visibility: Optional[Visibility] = None, session: Session = Depends(get_session)
) -> List[MediaItem]:
    query = select(MediaItem).order_by(MediaItem.created_at)
    if visibility is not None:
        query = query.where(MediaItem.visibility == visibility)
    return list(session.scalars(query))


@admin_router.patch('/media/{item_id}', response_model=MediaOut)
def update_media(
    item_id: uuid.UUID, body: MediaUpdate, session: Session = Depends(get_session)
) -> MediaItem:
    item = _item_or_404(session, item_id)
    changes = body.model_dump(exclude_unset=True)
    tags = changes.pop('tags', None)
    for field, value in changes.items():
        setattr(item, field, value)
    if tags is not None:
        _set_tags(item, tags)
    return item


@admin_router.post('/media/{item_id}/publish', response_model=MediaOut)
def publish_media(item_id: uuid.UUID, session: Session = Depends(get_session)) -> MediaItem:
    item = _item_or_404(session, item_id)
    item.visibility = Visibility.PUBLIC
    if item.published_at is None:
        item.published_at = utcnow()
    return item


@admin_router.delete('/media/{item_id}', status_code=status.HTTP_204_NO_CONTENT)
def delete_media(
    item_id: uuid.UUID,
    session: Session = Depends(get_session),
    storage: Storage = Depends(get_storage),
) -> None:
    item = session.get(MediaItem, item_id)
    if item is not None:
        storage.delete(item.storage_key)
        session.delete(item)
    return None


@admin_router.get('/usage', response_model=StorageUsage)
def storage_usage(session: Session = Depends(get_session)) -> StorageUsage:
    by_kind: Dict[str, int] = dict((kind.value, 0) for kind in MediaKind)
    rows = session.execute(
        select(MediaItem.kind, func.count(MediaItem.id),
               func.coalesce(func.sum(MediaItem.size_bytes), 0)).group_by(MediaItem.kind)
    )
    items = 0
    total = 0
    for kind, count, size in rows:
        by_kind[kind.value] = int(count)
        items += int(count)
        total += int(size)
    return StorageUsage(items=items, total_bytes=total, by_kind=by_kind)
