"""Sessions, bookings and the internal roster, over HTTP against PostgreSQL."""

import uuid

from .conftest import API


def _book(client, session_id, name):
    body = {'member_id': str(uuid.uuid4()), 'member_name': name}
    return client.post(API + '/sessions/%s/bookings' % session_id, json=body)


def test_health_and_committee_check(client):
    assert client.get('/health').json()['service'] == 'sessions'
    body = {'title': 'Path clearing', 'starts_at': '2031-01-01T09:00:00+00:00'}
    assert client.post(API + '/sessions', json=body).status_code == 403


def test_booking_until_full(client, make_session):
    work_session = make_session(capacity=2)
    first = _book(client, work_session['id'], 'Ada')
    assert first.status_code == 201, first.text
    assert _book(client, work_session['id'], 'Bo').status_code == 201
    assert _book(client, work_session['id'], 'Cy').status_code == 409
    url = API + '/sessions/%s/bookings/%s' % (work_session['id'], first.json()['id'])
    assert client.delete(url).status_code == 204
    detail = client.get(API + '/sessions/%s' % work_session['id']).json()
    assert detail['places_left'] == 1
    assert [b['member_name'] for b in detail['bookings']] == ['Bo']


def test_cancelled_sessions_are_hidden(client, make_session, committee):
    keep = make_session(title='Spring clean')
    drop = make_session(title='Bonfire')
    client.post(API + '/sessions/%s/cancel' % drop['id'], headers=committee)
    titles = [s['title'] for s in client.get(API + '/sessions').json()]
    assert titles == [keep['title']]
    everything = client.get(API + '/sessions', params={'include_cancelled': True}).json()
    assert len(everything) == 2


def test_roster_check_in_and_completion(client, make_session):
    work_session = make_session(capacity=5)
    ada = _book(client, work_session['id'], 'Ada').json()
    _book(client, work_session['id'], 'Bo')
    roster = client.get('/internal/sessions/%s/roster' % work_session['id']).json()
    assert [line['member_name'] for line in roster['lines']] == ['Ada', 'Bo']
    assert client.post('/internal/bookings/%s/check-in' % ada['id']).json()['checked_in']
    result = client.post('/internal/sessions/%s/complete' % work_session['id']).json()
    assert (result['attended'], result['no_shows']) == (1, 1)
    history = client.get('/internal/members/%s/bookings' % ada['member_id']).json()
    assert history[0]['attended'] is True
