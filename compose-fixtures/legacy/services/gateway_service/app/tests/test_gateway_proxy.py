"""The pass-through proxy and the health checks."""


def test_health(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'gateway'}


def test_services_health_reports_each_service(client, stubs):
    for name in ('academy', 'members', 'events', 'payments', 'communications'):
        stubs.add(name, 'GET', '/health', {'status': 'ok'})
    stubs.take_down('ai')
    report = client.get('/health/services').json()
    assert report['members'] == 'ok'
    assert report['ai'] == 'unavailable'


def test_proxy_forwards_method_query_and_body(client, stubs):
    stubs.add('events', 'POST', '/api/v1/events', {'id': 7, 'title': 'Seed swap'}, status=201)
    response = client.post('/api/events/events?draft=1', json={'title': 'Seed swap'},
                           headers={'X-Committee-Token': 'abc'})
    assert response.status_code == 201
    assert response.json()['title'] == 'Seed swap'
    call = stubs.called('events', 'POST')[0]
    assert call['params'] == {'draft': '1'}
    assert call['json'] == {'title': 'Seed swap'}
    assert call['headers']['x-committee-token'] == 'abc'


def test_proxy_passes_errors_and_refuses_unknown_services(client, stubs):
    assert client.get('/api/members/members/unknown').status_code == 404
    assert client.get('/api/plumbing/pipes').status_code == 404
    assert stubs.calls[0]['path'] == '/api/v1/members/unknown'
    stubs.take_down('payments')
    assert client.get('/api/payments/payments').status_code == 502
