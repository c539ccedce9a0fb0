"""The communications service over HTTP, against PostgreSQL."""

import datetime

from .conftest import API


def test_health_and_preferences_not_mounted(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'communications'}
    assert client.get(API + '/preferences/ada@example.org').status_code == 404


def test_announcements(client, committee):
    refused = client.post(API + '/announcements', json={'title': 'Nope', 'body': 'x'})
    assert refused.status_code == 403
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    old = client.post(API + '/announcements', headers=committee,
                      json={'title': 'Old news', 'body': 'gone', 'expires_at': past.isoformat()})
    assert old.status_code == 201, old.text
    news = client.post(API + '/announcements', headers=committee,
                       json={'title': 'Seed swap Saturday', 'body': 'Bring seeds.'}).json()
    pinned = client.post(API + '/announcements/%s/pin' % news['id'], headers=committee).json()
    assert pinned['pinned'] is True
    titles = [a['title'] for a in client.get(API + '/announcements').json()]
    assert titles == ['Seed swap Saturday']
    assert [a['id'] for a in client.get(API + '/announcements/pinned').json()] == [news['id']]
    everything = client.get(API + '/announcements', params={'include_unpublished': True}).json()
    assert len(everything) == 2


def test_notifications(client, committee):
    created = client.post(API + '/notifications', headers=committee, json={
        'recipient_emails': ['Ada@example.org', 'bo@example.org'],
        'kind': 'rent_due', 'subject': 'Rent is due'})
    assert created.status_code == 201, created.text
    params = {'recipient_email': 'ada@example.org'}
    assert client.get(API + '/notifications/unread-count', params=params).json()['unread'] == 1
    ada = client.get(API + '/notifications', params=params).json()
    read = client.post(API + '/notifications/%s/read' % ada[0]['id'])
    assert read.json()['read_at'] is not None
    assert client.get(API + '/notifications/unread-count', params=params).json()['unread'] == 0


def test_email_send_and_retry(client, committee):
    response = client.post(
        API + '/email/send', headers=committee, params={'send_now': True},
        json={'to': ['ada@example.org', 'nobody@example.invalid'], 'subject': 'Hello',
              'template': 'announcement', 'context': {'title': 'Skip', 'body': 'Moved.'}})
    assert response.status_code == 202, response.text
    statuses = dict((e['to_address'], e['status']) for e in response.json())
    assert statuses == {'ada@example.org': 'sent', 'nobody@example.invalid': 'failed'}
    failed = client.get(API + '/email/log', params={'status_filter': 'failed'}).json()
    retried = client.post(API + '/email/log/%s/retry' % failed[0]['id'], headers=committee)
    assert retried.json()['attempts'] == 2
    bad = client.post(API + '/email/send', headers=committee,
                      json={'to': ['a@example.org'], 'subject': 'x', 'template': 'nope'})
    assert bad.status_code == 422


def test_threads(client, committee):
    thread = client.post(API + '/threads', json={
        'subject': 'Broken tap', 'member_email': 'cy@example.org',
        'first_message': 'Plot 4'}).json()
    reply = client.post(API + '/threads/%s/messages' % thread['id'],
                        json={'sender': 'secretary', 'body': 'On it', 'from_committee': True})
    assert reply.status_code == 201, reply.text
    assert len(client.get(API + '/threads/%s' % thread['id']).json()['messages']) == 2
    client.post(API + '/threads/%s/close' % thread['id'], headers=committee)
    late = client.post(API + '/threads/%s/messages' % thread['id'],
                       json={'sender': 'cy@example.org', 'body': 'Thanks'})
    assert late.status_code == 409
    assert client.get(API + '/threads', params={'member_email': 'cy@example.org'}).json() == []


def test_preferences_router_on_its_own(preferences_client):
    url = API + '/preferences/Dee@example.org'
    assert preferences_client.get(url).json()['digest'] == 'weekly'
    updated = preferences_client.put(url, json={'digest': 'never', 'email_enabled': False})
    assert updated.json()['email_enabled'] is False
    assert preferences_client.get(url).json()['digest'] == 'never'
