"""Where the bytes of a media item live.

The society never paid for object storage: files go to a directory on the server
(``MEDIA_ROOT``), and the tests keep them in memory. No network is involved.
"""

import os
from typing import Dict, Optional, Union
import uuid


class StorageError(Exception):
    pass


class InMemoryStorage(object):
    """Keeps every object in a dict; used by the tests and when MEDIA_ROOT is unset."""

    def __init__(self) -> None:
        self._objects: Dict[str, bytes] = {}

    def put(self, key: str, data: bytes) -> int:
        self._objects[key] = data
        return len(data)

    def get(self, key: str) -> bytes:
        if key not in self._objects:
            raise StorageError("no object %r" % key)
        return self._objects[key]

    def delete(self, key: str) -> None:
        self._objects.pop(key, None)
        return None

    def exists(self, key: str) -> bool:
        return key in self._objects


class LocalFileStorage(object):
    """One file per object under ``root``; keys may contain one level of directory."""

    def __init__(self, root: str) -> None:
        self.root = root
        os.makedirs(root, exist_ok=True)

    def _path(self, key: str) -> str:
        path = os.path.normpath(os.path.join(self.root, key))
        if not path.startswith(os.path.abspath(self.root)):
            raise StorageError("key escapes the media root: %r" % key)
        return path

    def put(self, key: str, data: bytes) -> int:
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as handle:
            handle.write(data)
        return len(data)

    def get(self, key: str) -> bytes:
        try:
            with open(self._path(key), 'rb') as handle:
                return handle.read()
        except FileNotFoundError:
            raise StorageError("no object %r" % key)

    def delete(self, key: str) -> None:
        try:
            os.remove(self._path(key))
        except FileNotFoundError:
            pass
        return None

    def exists(self, key: str) -> bool:
        return os.path.exists(self._path(key))


def new_key(filename: str) -> str:
    # Keep the extension so a directory listing on the server is still readable.
    extension = os.path.splitext(filename)[1].lower()[:10]
    name = uuid.uuid4().hex
    return '%s/%s%s' % (name[:2], name, extension)


Storage = Union[InMemoryStorage, LocalFileStorage]
_storage: Optional[Storage] = None


def get_storage() -> Storage:
    """FastAPI dependency: the process-wide storage client."""
    global _storage
    if _storage is None:
        root = os.environ.get('MEDIA_ROOT')
        _storage = LocalFileStorage(os.path.abspath(root)) if root else InMemoryStorage()
    return _storage


def reset_storage() -> None:
    global _storage
    _storage = None
    return None
