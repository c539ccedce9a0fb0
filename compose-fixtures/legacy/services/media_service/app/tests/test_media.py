"""Behaviour of the media service over HTTP, against PostgreSQL."""

import os
import tempfile

import pytest

from services.media_service.storage import LocalFileStorage, StorageError, get_storage

from .conftest import API


def test_health(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'media'}


def test_admin_routes_need_the_committee(client):
    response = client.post(
        API + '/admin/media', json={'filename': 'a.jpg', 'content_base64': 'AAAA'}
    )
    assert response.status_code == 403
    assert client.get(API + '/admin/usage').status_code == 403


def test_upload_is_hidden_until_published(client, upload, committee):
    item = upload(tags=['Show Day', 'marrows', 'marrows'])
    assert item['visibility'] == 'hidden'
    assert item['tag_names'] == ['marrows', 'show day']
    assert client.get(API + '/media/%s' % item['id']).status_code == 404
    assert client.get(API + '/media').json() == []

    published = client.post(API + '/admin/media/%s/publish' % item['id'], headers=committee)
    assert published.json()['visibility'] == 'public'
    listed = client.get(API + '/media', params={'tag': 'Marrows'}).json()
    assert [m['id'] for m in listed] == [item['id']]
    content = client.get(API + '/media/%s/content' % item['id'])
    assert content.status_code == 200
    assert content.content == b'\xff\xd8jpeg bytes'
    assert content.headers['content-type'] == 'image/jpeg'


def test_album_shows_only_public_items(client, upload, committee):
    album = client.post(
        API + '/admin/albums', json={'title': 'Summer Show', 'slug': 'summer-show'},
        headers=committee,
    )
    assert album.status_code == 201, album.text
    album_id = album.json()['id']
    shown = upload(album_id=album_id, caption='First prize')
    upload(album_id=album_id, filename='draft.jpg')
    client.post(API + '/admin/media/%s/publish' % shown['id'], headers=committee)
    detail = client.get(API + '/albums/summer-show').json()
    assert [i['caption'] for i in detail['items']] == ['First prize']
    assert len(client.get(API + '/admin/media', headers=committee).json()) == 2


def test_delete_removes_row_and_file(client, upload, committee):
    item = upload(content=b'%PDF-1.4 minutes', filename='agm.pdf', kind='document',
                  content_type='application/pdf')
    usage = client.get(API + '/admin/usage', headers=committee).json()
    assert usage == {'items': 1, 'total_bytes': 16, 'by_kind': {
        'photo': 0, 'document': 1, 'video': 0}}
    keys = list(get_storage()._objects)
    assert len(keys) == 1 and keys[0].endswith('.pdf')
    response = client.delete(API + '/admin/media/%s' % item['id'], headers=committee)
    assert response.status_code == 204
    assert not get_storage().exists(keys[0])
    assert client.get(API + '/admin/usage', headers=committee).json()['items'] == 0


def test_local_file_storage_round_trip():
    with tempfile.TemporaryDirectory() as root:
        files = LocalFileStorage(root)
        assert files.put('ab/minutes.txt', b'AGM minutes') == 11
        with open(os.path.join(root, 'ab', 'minutes.txt'), 'rb') as handle:
            assert handle.read() == b'AGM minutes'
        files.delete('ab/minutes.txt')
        assert not files.exists('ab/minutes.txt')
        with pytest.raises(StorageError):
            files.get('../outside.txt')
