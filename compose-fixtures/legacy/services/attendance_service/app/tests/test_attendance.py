"""The sign-in sheet over HTTP, against PostgreSQL."""

import datetime

from .conftest import API


def _sign_in(client, email='bea@example.org', code='hb-hut', at=None):
    payload = {'location_code': code, 'member_email': email}
    if at is not None:
        payload['at'] = at.isoformat()
    response = client.post(API + '/attendance/check-in', json=payload)
    assert response.status_code == 201, response.text
    return response.json()


def test_health_and_seeded_locations(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'attendance'}
    codes = [loc['code'] for loc in client.get(API + '/locations').json()]
    assert codes == ['CS-GATE', 'CS-POND', 'HB-HUT', 'HB-ORCH', 'MW-SHED']


def test_new_location_needs_the_committee(client, committee):
    body = {'code': 'mw-gate', 'name': 'Mill Wood gate'}
    assert client.post(API + '/locations', json=body).status_code == 403
    created = client.post(API + '/locations', json=body, headers=committee)
    assert created.status_code == 201 and created.json()['code'] == 'MW-GATE'


def test_sign_in_twice_is_refused_and_on_site_list(client):
    record = _sign_in(client)
    again = client.post(API + '/attendance/check-in',
                        json={'location_code': 'CS-GATE', 'member_email': 'BEA@example.org'})
    assert again.status_code == 409
    assert [r['id'] for r in client.get(API + '/attendance/on-site').json()] == [record['id']]
    out = client.post(API + '/attendance/%s/check-out' % record['id'], json={})
    assert out.status_code == 200 and out.json()['checked_out_at'] is not None
    assert client.get(API + '/attendance/on-site').json() == []


def test_hours_for_the_committee_and_internal(client, committee):
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=3)
    record = _sign_in(client, at=start)
    end = start + datetime.timedelta(hours=2, minutes=30)
    client.post(API + '/attendance/%s/check-out' % record['id'], json={'at': end.isoformat()})
    _sign_in(client, email='cal@example.org', code='CS-POND')
    assert client.get(API + '/attendance/hours').status_code == 403
    rows = client.get(API + '/attendance/hours', headers=committee).json()
    assert rows[0] == {'member_email': 'bea@example.org', 'sessions': 1, 'hours': 2.5,
                       'owed': 9.5}
    answer = client.post('/internal/attendance/hours',
                         json={'member_emails': ['bea@example.org']}).json()
    assert answer == [{'member_email': 'bea@example.org', 'hours': 2.5, 'met_obligation': False}]
    present = client.get('/internal/attendance/members/cal@example.org/present').json()
    assert present == {'present': True, 'location': 'CS-POND'}
    day = client.get(API + '/locations/hb-hut/day', params={'day': start.date().isoformat()}).json()
    assert day['present'] == ['bea@example.org']
