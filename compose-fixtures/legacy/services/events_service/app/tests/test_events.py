"""The events service over HTTP, against PostgreSQL."""

import datetime

from .conftest import EVENTS


def test_health(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'events'}


def test_listing_shows_published_upcoming_events(client, make_event):
    make_event(title='Work party', kind='work_party')
    make_event(title='Draft show', kind='show', publish=False)
    make_event(title='Last year', days_ahead=-30)
    assert [e['title'] for e in client.get(EVENTS).json()] == ['Work party']
    past = client.get(EVENTS, params={'include_past': True}).json()
    assert [e['title'] for e in past] == ['Last year', 'Work party']
    assert client.post(EVENTS, json={'title': 'Sneaky', 'starts_at': '2030-01-01T10:00:00Z'}
                       ).status_code == 403


def test_registration_capacity(client, make_event, committee):
    event = make_event(capacity=3)
    url = EVENTS + '/%s/registrations' % event['id']
    first = client.post(url, json={'attendee_name': 'Ada', 'attendee_email': 'ada@x.org',
                                   'guests': 1})
    assert first.status_code == 201, first.text
    again = client.post(url, json={'attendee_name': 'Ada', 'attendee_email': 'ADA@x.org'})
    assert again.status_code == 409
    full = client.post(url, json={'attendee_name': 'Bo', 'attendee_email': 'bo@x.org',
                                  'guests': 1})
    assert full.json()['detail'] == 'event is full'
    assert client.get(EVENTS + '/%s' % event['id']).json()['places_left'] == 1
    assert len(client.get(url, headers=committee).json()) == 1
    gone = client.delete(url + '/%s' % first.json()['id'])
    assert gone.status_code == 204
    assert client.get(EVENTS + '/%s' % event['id']).json()['places_left'] == 3


def test_calendar_and_cancel(client, make_event, committee):
    event = make_event(days_ahead=2)
    starts = datetime.datetime.fromisoformat(event['starts_at'].replace('Z', '+00:00'))
    month = client.get(EVENTS + '/calendar/%d/%d' % (starts.year, starts.month)).json()
    assert [e['id'] for e in month] == [event['id']]
    cancelled = client.post(EVENTS + '/%s/cancel' % event['id'], headers=committee).json()
    assert cancelled['status'] == 'cancelled'
    again = client.post(EVENTS + '/%s/publish' % event['id'], headers=committee)
    assert again.status_code == 409
    assert client.get(EVENTS + '/calendar/2030/13').status_code == 422
