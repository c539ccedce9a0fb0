"""Media endpoints: the public gallery and the admin upload/management screens.

The app mounts this router under ``/api/v1/media``; paths here are relative to that.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, status
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, get_current_user, parse_token, require_admin
from libs.db import get_async_db
from libs.settings import get_settings
from services.media_service.models import (
    MediaAlbum,
    MediaItem,
    MediaKind,
    MediaMemberTag,
    MediaStatus,
    MediaTag,
    MediaVisibility,
    MemberRef,
    MemberTagStatus,
)
from services.media_service.schemas import (
    AlbumCreate,
    AlbumDetail,
    AlbumResponse,
    AlbumSummary,
    MediaItemAdminResponse,
    MediaItemResponse,
    MediaItemUpdate,
    MediaPage,
    MemberTagCreate,
    MemberTagDecision,
    MemberTagResponse,
    StorageUsage,
    TagsUpdate,
)
from services.media_service.storage import (
    StorageError,
    StorageService,
    UnsupportedMediaError,
    kind_for_content_type,
    sanitize_filename,
)

router = APIRouter(tags=["media"])
storage_service = StorageService()

MAX_PAGE_SIZE = 100
RECENT_WINDOW_DAYS = 30
# Upload ceilings per kind, in megabytes.
UPLOAD_LIMITS_MB = {
    MediaKind.IMAGE: 20,
    MediaKind.VIDEO: 500,
    MediaKind.AUDIO: 50,
    MediaKind.DOCUMENT: 25,
}
DEV_UPLOAD_CAP_MB = 50

ALLOWED_TRANSITIONS: dict[MediaStatus, set[MediaStatus]] = {
    MediaStatus.PENDING: {MediaStatus.READY, MediaStatus.ARCHIVED},
    MediaStatus.READY: {MediaStatus.ARCHIVED},
    MediaStatus.ARCHIVED: {MediaStatus.READY},
}


async def get_optional_user(authorization: str | None = Header(default=None)) -> AuthUser | None:
    """The caller if a bearer token was sent; anonymous visitors see public media only."""
    if not authorization or not authorization.lower().startswith("bearer "):
        return None
    return parse_token(authorization.split(" ", 1)[1].strip())


def _visible_levels(user: AuthUser | None) -> list[MediaVisibility]:
    if user is None:
        return [MediaVisibility.PUBLIC]
    if user.is_admin:
        return list(MediaVisibility)
    return [MediaVisibility.PUBLIC, MediaVisibility.MEMBERS]


def _upload_limit_bytes(kind: MediaKind) -> int:
    limit = UPLOAD_LIMITS_MB[kind]
    if settings.environment != "production":
        limit = min(limit, DEV_UPLOAD_CAP_MB)
    return limit * 1024 * 1024


def _slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:120] or "album"


def _to_response(item: MediaItem) -> MediaItemResponse:
    response = MediaItemResponse.model_validate(item)
    response.url = storage_service.public_path(item.storage_key)
    return response


def _to_admin_response(item: MediaItem) -> MediaItemAdminResponse:
    response = MediaItemAdminResponse.model_validate(item)
    response.url = storage_service.public_path(item.storage_key)
    return response


def _transition(item: MediaItem, target: MediaStatus) -> None:
    if target not in ALLOWED_TRANSITIONS[item.status]:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"cannot move media from {item.status.value} to {target.value}",
        )
    item.status = target
    item.archived_at = datetime.now(timezone.utc) if target is MediaStatus.ARCHIVED else None


def _visible_items_query(user: AuthUser | None):
    return (
        select(MediaItem)
        .options(selectinload(MediaItem.tags))
        .where(
            MediaItem.status == MediaStatus.READY,
            MediaItem.visibility.in_(_visible_levels(user)),
        )
    )


async def _get_item_or_404(db: AsyncSession, media_id: uuid.UUID) -> MediaItem:
    item = (
        await db.execute(
            select(MediaItem).options(selectinload(MediaItem.tags)).where(MediaItem.id == media_id)
        )
    ).scalar_one_or_none()
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "media not found")
    return item


async def _get_visible_item(
    db: AsyncSession, media_id: uuid.UUID, user: AuthUser | None
) -> MediaItem:
    item = await _get_item_or_404(db, media_id)
    if item.status is not MediaStatus.READY or item.visibility not in _visible_levels(user):
        # Do not reveal that hidden media exists.
        raise HTTPException(status.HTTP_404_NOT_FOUND, "media not found")
    return item


async def _get_album_or_404(db: AsyncSession, album_id: uuid.UUID) -> MediaAlbum:
    album = await db.get(MediaAlbum, album_id)
    if album is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "album not found")
    return album


# --- Public gallery -----------------------------------------------------------------


@router.get("/", response_model=MediaPage)
async def list_media(
    kind: MediaKind | None = None,
    album_id: uuid.UUID | None = None,
    tag: str | None = None,
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=24, ge=1, le=MAX_PAGE_SIZE),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser | None = Depends(get_optional_user),
) -> MediaPage:
    query = _visible_items_query(user)
    if kind is not None:
        query = query.where(MediaItem.kind == kind)
    if album_id is not None:
        query = query.where(MediaItem.album_id == album_id)
    if tag:
        query = query.where(MediaItem.tags.any(MediaTag.name == tag.strip().lower()))
    total = (await db.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await db.execute(
        query.order_by(MediaItem.created_at.desc(), MediaItem.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return MediaPage(
        items=[_to_response(item) for item in rows.scalars()],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get("/recent", response_model=list[MediaItemResponse])
async def recent_media(
    limit: int = Query(default=12, ge=1, le=50),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser | None = Depends(get_optional_user),
) -> list[MediaItemResponse]:
    since = datetime.now(timezone.utc) - timedelta(days=RECENT_WINDOW_DAYS)
    query = (
        _visible_items_query(user)
        .where(
            MediaItem.created_at >= since, MediaItem.kind.in_([MediaKind.IMAGE, MediaKind.VIDEO])
        )
        .order_by(MediaItem.created_at.desc())
        .limit(limit)
    )
    return [_to_response(item) for item in (await db.execute(query)).scalars()]


@router.get("/albums", response_model=list[AlbumSummary])
async def list_albums(
    category: str | None = None,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser | None = Depends(get_optional_user),
) -> list[AlbumSummary]:
    query = (
        select(MediaAlbum)
        .options(selectinload(MediaAlbum.items))
        .where(MediaAlbum.is_published.is_(True), MediaAlbum.visibility.in_(_visible_levels(user)))
        .order_by(MediaAlbum.event_date.desc().nulls_last(), MediaAlbum.title)
    )
    if category:
        query = query.where(MediaAlbum.category == category)
    summaries = []
    for album in (await db.execute(query)).scalars():
        ready = [item for item in album.items if item.status is MediaStatus.READY]
        covers = [item for item in ready if item.kind is MediaKind.IMAGE]
        summaries.append(
            AlbumSummary(
                **AlbumResponse.model_validate(album).model_dump(),
                item_count=len(ready),
                cover_url=storage_service.public_path(covers[0].storage_key) if covers else None,
            )
        )
    return summaries


@router.get("/albums/{slug}", response_model=AlbumDetail)
async def get_album(
    slug: str,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser | None = Depends(get_optional_user),
) -> AlbumDetail:
    album = (
        await db.execute(select(MediaAlbum).where(MediaAlbum.slug == slug))
    ).scalar_one_or_none()
    is_admin = user is not None and user.is_admin
    if album is None or (not album.is_published and not is_admin):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "album not found")
    if album.visibility not in _visible_levels(user):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "album not found")
    items = await db.execute(
        _visible_items_query(user)
        .where(MediaItem.album_id == album.id)
        .order_by(MediaItem.position)
    )
    return AlbumDetail(
        **AlbumResponse.model_validate(album).model_dump(),
        items=[_to_response(item) for item in items.scalars()],
    )


@router.get("/files/{storage_key:path}")
async def serve_file(
    storage_key: str,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser | None = Depends(get_optional_user),
) -> StreamingResponse:
    item = (
        await db.execute(select(MediaItem).where(MediaItem.storage_key == storage_key))
    ).scalar_one_or_none()
    if item is None or item.visibility not in _visible_levels(user):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "file not found")
    if item.status is not MediaStatus.READY and not (user and user.is_admin):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "file not found")
    if not storage_service.exists(item.storage_key):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "file not found")
    return StreamingResponse(
        storage_service.iter_chunks(item.storage_key),
        media_type=item.content_type,
        headers={"Cache-Control": "private, max-age=3600", "ETag": item.checksum_sha256 or ""},
    )


@router.get("/me/tags", response_model=list[MemberTagResponse])
async def my_pending_tags(
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[MediaMemberTag]:
    query = (
        select(MediaMemberTag)
        .where(
            MediaMemberTag.member_id == user.user_id,
            MediaMemberTag.status == MemberTagStatus.PENDING,
        )
        .order_by(MediaMemberTag.created_at)
    )
    return list((await db.execute(query)).scalars())


@router.post("/me/tags/{tag_id}/decision", response_model=MemberTagResponse)
async def decide_member_tag(
    tag_id: uuid.UUID,
    payload: MemberTagDecision,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> MediaMemberTag:
    tag = await db.get(MediaMemberTag, tag_id)
    if tag is None or tag.member_id != user.user_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "tag not found")
    if tag.status is not MemberTagStatus.PENDING:
        raise HTTPException(status.HTTP_409_CONFLICT, "tag already decided")
    tag.status = MemberTagStatus.APPROVED if payload.approve else MemberTagStatus.REJECTED
    tag.decided_at = datetime.now(timezone.utc)
    await db.flush()
    return tag


@router.get("/{media_id}", response_model=MediaItemResponse)
async def get_media(
    media_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser | None = Depends(get_optional_user),
) -> MediaItemResponse:
    item = await _get_visible_item(db, media_id, user)
    item.view_count += 1
    await db.flush()
    return _to_response(item)


# --- Admin: upload and management ---------------------------------------------------

from starlette.concurrency import run_in_threadpool

settings = get_settings()


@router.post(
    "/admin/upload", response_model=MediaItemAdminResponse, status_code=status.HTTP_201_CREATED
)
async def upload_media(
    request: Request,
    filename: str = Query(min_length=1, max_length=255),
    title: str | None = Query(default=None, max_length=200),
    album_id: uuid.UUID | None = None,
    visibility: MediaVisibility = MediaVisibility.MEMBERS,
    content_type: str = Header(default="application/octet-stream"),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_admin),
) -> MediaItemAdminResponse:
    """Upload one file as the raw request body (the admin dashboard streams it directly)."""
    try:
        kind = MediaKind(kind_for_content_type(content_type))
    except UnsupportedMediaError as exc:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, str(exc)) from exc
    data = await request.body()
    if not data:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "empty upload")
    if len(data) > _upload_limit_bytes(kind):
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "file too large")
    position = 0
    if album_id is not None:
        await _get_album_or_404(db, album_id)
        position = (
            await db.execute(
                select(func.coalesce(func.max(MediaItem.position) + 1, 0)).where(
                    MediaItem.album_id == album_id
                )
            )
        ).scalar_one()
    key = storage_service.build_key(content_type, filename)
    try:
        stored = await run_in_threadpool(storage_service.save, key, data, content_type)
    except UnsupportedMediaError as exc:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, str(exc)) from exc
    except StorageError as exc:
        raise HTTPException(status.HTTP_507_INSUFFICIENT_STORAGE, "could not store file") from exc
    item = MediaItem(
        album_id=album_id,
        title=title or sanitize_filename(filename).rsplit(".", 1)[0],
        kind=kind,
        visibility=visibility,
        status=MediaStatus.READY,
        storage_key=stored.key,
        original_filename=filename,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        checksum_sha256=stored.checksum_sha256,
        position=position,
        uploaded_by=user.user_id,
    )
    db.add(item)
    try:
        await db.flush()
    except Exception:
        storage_service.delete(stored.key)
        raise
    item = await _get_item_or_404(db, item.id)
    return _to_admin_response(item)


@router.get("/admin/items", response_model=list[MediaItemAdminResponse])
async def admin_list_items(
    item_status: MediaStatus | None = Query(default=None, alias="status"),
    album_id: uuid.UUID | None = None,
    unassigned: bool = False,
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=50, ge=1, le=MAX_PAGE_SIZE),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[MediaItemAdminResponse]:
    query = select(MediaItem).options(selectinload(MediaItem.tags))
    if item_status is not None:
        query = query.where(MediaItem.status == item_status)
    if album_id is not None:
        query = query.where(MediaItem.album_id == album_id)
    elif unassigned:
        query = query.where(MediaItem.album_id.is_(None))
    query = query.order_by(MediaItem.created_at.desc()).offset((page - 1) * page_size)
    rows = await db.execute(query.limit(page_size))
    return [_to_admin_response(item) for item in rows.scalars()]


@router.patch("/admin/items/{media_id}", response_model=MediaItemAdminResponse)
async def admin_update_item(
    media_id: uuid.UUID,
    payload: MediaItemUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> MediaItemAdminResponse:
    item = await _get_item_or_404(db, media_id)
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("album_id") is not None:
        await _get_album_or_404(db, changes["album_id"])
    for key, value in changes.items():
        setattr(item, key, value)
    await db.flush()
    return _to_admin_response(item)


@router.post("/admin/items/{media_id}/archive", response_model=MediaItemAdminResponse)
async def admin_archive_item(
    media_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> MediaItemAdminResponse:
    item = await _get_item_or_404(db, media_id)
    _transition(item, MediaStatus.ARCHIVED)
    try:
        item.storage_key = await run_in_threadpool(storage_service.archive, item.storage_key)
    except StorageError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    await db.flush()
    return _to_admin_response(item)


@router.post("/admin/items/{media_id}/restore", response_model=MediaItemAdminResponse)
async def admin_restore_item(
    media_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> MediaItemAdminResponse:
    item = await _get_item_or_404(db, media_id)
    _transition(item, MediaStatus.READY)
    try:
        item.storage_key = await run_in_threadpool(storage_service.restore, item.storage_key)
    except StorageError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    await db.flush()
    return _to_admin_response(item)


@router.delete("/admin/items/{media_id}", status_code=status.HTTP_204_NO_CONTENT)
async def admin_delete_item(
    media_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> None:
    item = await _get_item_or_404(db, media_id)
    await db.delete(item)
    await db.flush()
    try:
        storage_service.delete(item.storage_key)
    except StorageError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "could not delete file") from exc


@router.put("/admin/items/{media_id}/tags", response_model=MediaItemAdminResponse)
async def admin_set_tags(
    media_id: uuid.UUID,
    payload: TagsUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> MediaItemAdminResponse:
    item = await _get_item_or_404(db, media_id)
    existing = {
        tag.name: tag
        for tag in (
            await db.execute(select(MediaTag).where(MediaTag.name.in_(payload.names)))
        ).scalars()
    }
    tags = [existing.get(name) or MediaTag(name=name) for name in payload.names]
    item.tags = tags
    await db.flush()
    return _to_admin_response(item)


@router.post(
    "/admin/items/{media_id}/member-tags",
    response_model=MemberTagResponse,
    status_code=status.HTTP_201_CREATED,
)
async def admin_tag_member(
    media_id: uuid.UUID,
    payload: MemberTagCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_admin),
) -> MemberTagResponse:
    item = await _get_item_or_404(db, media_id)
    member = await db.get(MemberRef, payload.member_id)
    if member is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "member not found")
    duplicate = await db.execute(
        select(MediaMemberTag.id).where(
            MediaMemberTag.item_id == item.id, MediaMemberTag.member_id == member.id
        )
    )
    if duplicate.first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "member already tagged in this item")
    tag = MediaMemberTag(item_id=item.id, member_id=member.id, tagged_by=user.user_id)
    db.add(tag)
    await db.flush()
    response = MemberTagResponse.model_validate(tag)
    response.member_name = f"{member.first_name} {member.last_name}"
    return response


@router.post("/admin/albums", response_model=AlbumResponse, status_code=status.HTTP_201_CREATED)
async def admin_create_album(
    payload: AlbumCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_admin),
) -> MediaAlbum:
    slug = payload.slug or _slugify(payload.title)
    taken = await db.execute(select(MediaAlbum.id).where(MediaAlbum.slug == slug))
    if taken.first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"album slug '{slug}' is taken")
    album = MediaAlbum(**payload.model_dump(exclude={"slug"}), slug=slug, created_by=user.user_id)
    db.add(album)
    await db.flush()
    await db.refresh(album)
    return album


@router.post("/admin/albums/{album_id}/publish", response_model=AlbumResponse)
async def admin_publish_album(
    album_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> MediaAlbum:
    album = await _get_album_or_404(db, album_id)
    ready = await db.execute(
        select(func.count(MediaItem.id)).where(
            MediaItem.album_id == album.id, MediaItem.status == MediaStatus.READY
        )
    )
    if ready.scalar_one() == 0:
        raise HTTPException(status.HTTP_409_CONFLICT, "cannot publish an empty album")
    album.is_published = True
    album.published_at = album.published_at or datetime.now(timezone.utc)
    await db.flush()
    await db.refresh(album)
    return album


@router.get("/admin/storage/usage", response_model=StorageUsage)
async def admin_storage_usage(
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> StorageUsage:
    known = set((await db.execute(select(MediaItem.storage_key))).scalars())
    by_folder = await run_in_threadpool(storage_service.usage)
    orphaned = await run_in_threadpool(storage_service.orphaned_keys, known)
    return StorageUsage(
        bytes_by_folder=by_folder, total_bytes=sum(by_folder.values()), orphaned_files=orphaned
    )
