"""File storage for uploaded media.

Files live on local disk under ``settings.storage_root`` (a mounted volume in production).
Keys are relative POSIX paths such as ``image/2026/01/<uuid>.jpg``; every key is checked
before it touches the filesystem so that a crafted key cannot escape the storage root.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from libs.settings import get_settings

logger = logging.getLogger(__name__)

ARCHIVE_PREFIX = "archive"
CHUNK_SIZE = 64 * 1024

# content type -> (media kind, canonical extension)
ALLOWED_CONTENT_TYPES: dict[str, tuple[str, str]] = {
    "image/jpeg": ("image", ".jpg"),
    "image/png": ("image", ".png"),
    "image/webp": ("image", ".webp"),
    "image/gif": ("image", ".gif"),
    "video/mp4": ("video", ".mp4"),
    "video/quicktime": ("video", ".mov"),
    "audio/mpeg": ("audio", ".mp3"),
    "application/pdf": ("document", ".pdf"),
    "text/plain": ("document", ".txt"),
}

# Leading bytes of the formats we accept, to catch files uploaded under the wrong type.
MAGIC_NUMBERS: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
}

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_KEY_SEGMENT = re.compile(r"^[A-Za-z0-9._-]+$")


class StorageError(RuntimeError):
    """The file could not be stored, read or removed."""


class UnsafePathError(StorageError):
    """A key that would resolve outside the storage root."""


class UnsupportedMediaError(StorageError):
    """A content type we do not accept, or a file whose bytes do not match it."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size_bytes: int
    checksum_sha256: str
    content_type: str


def sanitize_filename(filename: str, max_length: int = 120) -> str:
    """A display-safe ASCII version of a client-supplied file name."""
    normalized = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    base = PurePosixPath(normalized.replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("-", base).strip(".-")
    if not cleaned:
        cleaned = "upload"
    stem, dot, ext = cleaned.rpartition(".")
    if dot and len(ext) <= 8:
        return f"{stem[: max_length - len(ext) - 1]}.{ext.lower()}"
    return cleaned[:max_length]


def kind_for_content_type(content_type: str) -> str:
    try:
        return ALLOWED_CONTENT_TYPES[_base_type(content_type)][0]
    except KeyError as exc:
        raise UnsupportedMediaError(f"unsupported content type: {content_type}") from exc


def _base_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


class StorageService:
    """Stores, reads and removes media files below one root directory."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self._root = Path(root) if root is not None else None

    @property
    def root(self) -> Path:
        # Read the setting at use time: tests and the worker point it somewhere else.
        root = self._root if self._root is not None else Path(get_settings().storage_root)
        return root.resolve()

    # -- keys and paths -------------------------------------------------------------

    def build_key(self, content_type: str, filename: str, *, now: datetime | None = None) -> str:
        kind, ext = ALLOWED_CONTENT_TYPES.get(_base_type(content_type), (None, None))
        if kind is None or ext is None:
            raise UnsupportedMediaError(f"unsupported content type: {content_type}")
        now = now or datetime.now(timezone.utc)
        stem = sanitize_filename(filename).rsplit(".", 1)[0][:40]
        return f"{kind}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}-{stem}{ext}"

    def validate_key(self, key: str) -> str:
        if not key or "\x00" in key or "\\" in key:
            raise UnsafePathError(f"invalid storage key: {key!r}")
        posix = PurePosixPath(key)
        if posix.is_absolute() or any(part in ("", ".", "..") for part in key.split("/")):
            raise UnsafePathError(f"invalid storage key: {key!r}")
        if not all(_KEY_SEGMENT.match(part) for part in posix.parts):
            raise UnsafePathError(f"invalid storage key: {key!r}")
        return key

    def path_for(self, key: str) -> Path:
        self.validate_key(key)
        root = self.root
        path = (root / key).resolve()
        if not path.is_relative_to(root):
            # A symlink inside the root pointing outside of it.
            raise UnsafePathError(f"storage key escapes the storage root: {key!r}")
        return path

    def public_path(self, key: str) -> str:
        return f"/api/v1/media/files/{self.validate_key(key)}"

    # -- writing ------------------------------------------------------------------

    def check_content(self, content_type: str, data: bytes) -> None:
        base = _base_type(content_type)
        if base not in ALLOWED_CONTENT_TYPES:
            raise UnsupportedMediaError(f"unsupported content type: {content_type}")
        signatures = MAGIC_NUMBERS.get(base)
        if signatures and not data.startswith(signatures):
            raise UnsupportedMediaError(f"file content does not match {base}")

    def save(self, key: str, data: bytes, content_type: str) -> StoredObject:
        self.check_content(content_type, data)
        path = self.path_for(key)
        if path.exists():
            raise StorageError(f"storage key already in use: {key}")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, path)
        except OSError as exc:
            Path(tmp_name).unlink(missing_ok=True)
            raise StorageError(f"could not write {key}: {exc}") from exc
        logger.info("stored %s (%d bytes)", key, len(data))
        return StoredObject(
            key=key,
            size_bytes=len(data),
            checksum_sha256=hashlib.sha256(data).hexdigest(),
            content_type=_base_type(content_type),
        )

    def move(self, key: str, new_key: str) -> str:
        source = self.path_for(key)
        target = self.path_for(new_key)
        if not source.is_file():
            raise StorageError(f"no stored file for {key}")
        if target.exists():
            raise StorageError(f"storage key already in use: {new_key}")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        self._prune_empty_dirs(source.parent)
        return new_key

    def archive(self, key: str) -> str:
        if key.startswith(f"{ARCHIVE_PREFIX}/"):
            return key
        return self.move(key, f"{ARCHIVE_PREFIX}/{key}")

    def restore(self, key: str) -> str:
        if not key.startswith(f"{ARCHIVE_PREFIX}/"):
            return key
        return self.move(key, key[len(ARCHIVE_PREFIX) + 1 :])

    def delete(self, key: str) -> bool:
        path = self.path_for(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise StorageError(f"could not delete {key}: {exc}") from exc
        self._prune_empty_dirs(path.parent)
        return True

    def _prune_empty_dirs(self, directory: Path) -> None:
        root = self.root
        while directory != root and directory.is_relative_to(root):
            try:
                directory.rmdir()
            except OSError:
                return
            directory = directory.parent

    # -- reading ------------------------------------------------------------------

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def read(self, key: str) -> bytes:
        try:
            return self.path_for(key).read_bytes()
        except FileNotFoundError as exc:
            raise StorageError(f"no stored file for {key}") from exc

    def iter_chunks(self, key: str) -> Iterator[bytes]:
        path = self.path_for(key)
        if not path.is_file():
            raise StorageError(f"no stored file for {key}")
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_SIZE):
                yield chunk

    def iter_keys(self, prefix: str = "") -> Iterator[str]:
        base = self.path_for(prefix) if prefix else self.root
        if not base.is_dir():
            return
        root = self.root
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".upload-"):
                yield path.relative_to(root).as_posix()

    def usage(self) -> dict[str, int]:
        """Bytes stored per top-level folder (one per media kind, plus ``archive``)."""
        totals: dict[str, int] = {}
        for key in self.iter_keys():
            folder = key.split("/", 1)[0]
            totals[folder] = totals.get(folder, 0) + self.path_for(key).stat().st_size
        return totals

    def orphaned_keys(self, known_keys: set[str]) -> list[str]:
        """Files on disk that no media item points at (left over by failed uploads)."""
        return [key for key in self.iter_keys() if key not in known_keys]
