"""Behaviour of the transport service over HTTP, against PostgreSQL."""

import datetime

from .conftest import API


def _tomorrow() -> str:
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    return moment.isoformat()


def test_health(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'transport'}


def test_route_with_stops(client, make_location, committee):
    church = make_location('St Mary Church', 51.501, -0.120)
    station = make_location('Railway Station', 51.510, -0.130)
    assert client.post(API + '/routes', json={'code': 'X1', 'name': 'Sat run', 'weekday': 5}
                       ).status_code == 403
    route = client.post(
        API + '/routes', json={'code': 'X1', 'name': 'Sat run', 'weekday': 5}, headers=committee
    ).json()
    for location, minutes in ((church, 0), (station, 12)):
        response = client.post(
            API + '/routes/%s/stops' % route['id'],
            json={'location_id': location['id'], 'minutes_from_start': minutes},
            headers=committee,
        )
        assert response.status_code == 200, response.text
    listed = client.get(API + '/routes', params={'weekday': 5}).json()
    assert [s['position'] for s in listed[0]['stops']] == [1, 2]
    assert listed[0]['stops'][1]['location_id'] == station['id']
    assert client.get(API + '/routes', params={'weekday': 1}).json() == []


def test_ride_fills_up(client, make_location):
    pickup = make_location('Village Green', 51.0, 0.0)
    ride = client.post(API + '/rides', json={
        'driver_name': 'Tom Baxter', 'departs_at': _tomorrow(), 'seats': 3,
        'pickup_id': pickup['id']})
    assert ride.status_code == 201, ride.text
    url = API + '/rides/%s/bookings' % ride.json()['id']
    assert client.post(url, json={'passenger_name': 'Iris', 'seats': 2}).status_code == 201
    assert client.post(url, json={'passenger_name': 'Len', 'seats': 2}).status_code == 409
    assert client.post(url, json={'passenger_name': 'Len'}).status_code == 201
    [listed] = client.get(API + '/rides').json()
    assert listed['seats_left'] == 0 and listed['status'] == 'full'


def test_cancelled_rides_are_not_listed(client):
    ride = client.post(API + '/rides', json={
        'driver_name': 'Ann Cole', 'departs_at': _tomorrow(), 'seats': 2}).json()
    cancelled = client.post(API + '/rides/%s/cancel' % ride['id'])
    assert cancelled.json()['status'] == 'cancelled'
    assert client.get(API + '/rides').json() == []


def test_nearest_location_is_not_taken_for_an_id(client, make_location):
    assert client.get(API + '/locations/nearest', params={'lat': 0, 'lon': 0}).status_code == 404
    make_location('North Gate', 52.0, 0.0)
    south = make_location('South Gate', 51.0, 0.0)
    nearest = client.get(API + '/locations/nearest', params={'lat': 51.1, 'lon': 0.01})
    assert nearest.status_code == 200
    assert nearest.json()['id'] == south['id']
    assert client.get(API + '/locations/%s' % south['id']).json()['name'] == 'South Gate'
    assert [loc['name'] for loc in client.get(API + '/locations').json()] == [
        'North Gate', 'South Gate']
