from unittest import mock

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from libs.db import Base
from libs.settings import get_settings
from libs.testing import MEMBER_ID

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def storage_root(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIA_STORAGE_ROOT", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.fixture
def client(database_url, storage_root):
    from services.media_service.app.main import app

    # The tables exist only once the app's models are imported.
    engine = create_engine(database_url, poolclass=NullPool)
    Base.metadata.create_all(engine)
    engine.dispose()
    with TestClient(app) as test_client:
        yield test_client


def _upload(client, headers, data=PNG, content_type="image/png", **params):
    params.setdefault("filename", "Relay Team.png")
    return client.post(
        "/api/v1/media/admin/upload",
        params=params,
        content=data,
        headers={**headers, "Content-Type": content_type},
    )


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "media"}


def test_upload_and_visibility(client, storage_root, admin_headers, member_headers):
    created = _upload(client, admin_headers, visibility="members")
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["status"] == "ready"
    assert item["kind"] == "image"
    assert (storage_root / item["storage_key"]).read_bytes() == PNG

    assert client.get(f"/api/v1/media/{item['id']}").status_code == 404
    seen = client.get(f"/api/v1/media/{item['id']}", headers=member_headers)
    assert seen.status_code == 200
    assert seen.json()["view_count"] == 1
    served = client.get(seen.json()["url"], headers=member_headers)
    assert served.status_code == 200
    assert served.content == PNG


def test_recent_is_not_shadowed_by_media_id(client, admin_headers):
    # "/media/recent" is registered before "/media/{media_id}".
    _upload(client, admin_headers, visibility="public")
    response = client.get("/api/v1/media/recent")
    assert response.status_code == 200
    assert len(response.json()) == 1
    assert client.get("/api/v1/media/albums").status_code == 200


def test_upload_validation(client, admin_headers, member_headers):
    assert _upload(client, member_headers).status_code == 403
    assert _upload(client, admin_headers, data=b"not a png").status_code == 415
    assert _upload(client, admin_headers, content_type="application/zip").status_code == 415
    assert _upload(client, admin_headers, data=b"").status_code == 422


def test_album_publish_flow(client, admin_headers):
    album = client.post(
        "/api/v1/media/admin/albums",
        json={"title": "County Champs 2026", "category": "gala", "visibility": "public"},
        headers=admin_headers,
    )
    assert album.status_code == 201, album.text
    album_id = album.json()["id"]
    assert album.json()["slug"] == "county-champs-2026"
    publish = f"/api/v1/media/admin/albums/{album_id}/publish"
    assert client.post(publish, headers=admin_headers).status_code == 409

    _upload(client, admin_headers, album_id=album_id, visibility="public")
    assert client.post(publish, headers=admin_headers).status_code == 200
    [summary] = client.get("/api/v1/media/albums").json()
    assert summary["item_count"] == 1
    assert summary["cover_url"].startswith("/api/v1/media/files/image/")
    detail = client.get("/api/v1/media/albums/county-champs-2026").json()
    assert [i["position"] for i in detail["items"]] == [0]


def test_archive_and_restore_transitions(client, storage_root, admin_headers):
    item = _upload(client, admin_headers).json()
    base = f"/api/v1/media/admin/items/{item['id']}"
    archived = client.post(f"{base}/archive", headers=admin_headers)
    assert archived.status_code == 200
    assert archived.json()["storage_key"] == f"archive/{item['storage_key']}"
    assert (storage_root / "archive" / item["storage_key"]).is_file()
    assert client.post(f"{base}/archive", headers=admin_headers).status_code == 409
    restored = client.post(f"{base}/restore", headers=admin_headers)
    assert restored.json()["status"] == "ready"
    assert restored.json()["storage_key"] == item["storage_key"]


def test_delete_removes_the_stored_file(client, admin_headers):
    item = _upload(client, admin_headers).json()
    with mock.patch("services.media_service.router.storage_service") as storage:
        response = client.delete(f"/api/v1/media/admin/items/{item['id']}", headers=admin_headers)
    assert response.status_code == 204
    storage.delete.assert_called_once_with(item["storage_key"])


def test_storage_failure_leaves_no_item(client, admin_headers):
    from services.media_service.storage import StorageError

    with mock.patch("services.media_service.router.storage_service") as storage:
        storage.build_key.return_value = "image/2026/01/broken.png"
        storage.save.side_effect = StorageError("disk full")
        response = _upload(client, admin_headers)
    assert response.status_code == 507
    assert client.get("/api/v1/media/admin/items", headers=admin_headers).json() == []


def test_member_tag_needs_consent(client, database_url, admin_headers, member_headers):
    url = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
        conn.execute(
            "INSERT INTO members (id, first_name, last_name, email) VALUES (%s, %s, %s, %s)",
            (MEMBER_ID, "Ada", "Lovelace", "ada@example.org"),
        )
    item = _upload(client, admin_headers).json()
    tagged = client.post(
        f"/api/v1/media/admin/items/{item['id']}/member-tags",
        json={"member_id": str(MEMBER_ID)},
        headers=admin_headers,
    )
    assert tagged.status_code == 201, tagged.text
    assert tagged.json()["member_name"] == "Ada Lovelace"

    [pending] = client.get("/api/v1/media/me/tags", headers=member_headers).json()
    decision = client.post(
        f"/api/v1/media/me/tags/{pending['id']}/decision",
        json={"approve": True},
        headers=member_headers,
    )
    assert decision.json()["status"] == "approved"
    assert client.get("/api/v1/media/me/tags", headers=member_headers).json() == []
