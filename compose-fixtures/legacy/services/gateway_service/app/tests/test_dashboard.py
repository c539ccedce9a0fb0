"""The dashboard combines services and survives one of them being down."""

API = '/api/v1'


def test_summary_combines_the_services(client, stubs):
    stubs.add('members', 'GET', API + '/members',
              [{'id': 1, 'status': 'active'}, {'id': 2, 'status': 'lapsed'}])
    stubs.add('academy', 'GET', API + '/cohorts', [{'id': 'c1'}])
    stubs.add('events', 'GET', API + '/events/upcoming', [{'title': 'Seed swap'}])
    stubs.add('payments', 'GET', API + '/payments', [{'amount': '34.50'}, {'amount': 10}])
    summary = client.get('/dashboard/summary').json()
    assert summary['members']['data'] == {'total': 2, 'active': 1}
    assert summary['cohorts']['data'] == {'open': 1}
    assert summary['events']['data'] == ['Seed swap']
    assert summary['payments']['data'] == {'outstanding': 2, 'owed': 44.5}
    assert stubs.called('academy')[0]['params'] == {'status': 'open'}


def test_summary_marks_a_service_that_is_down(client, stubs):
    stubs.add('members', 'GET', API + '/members', [])
    stubs.take_down('payments')
    summary = client.get('/dashboard/summary').json()
    assert summary['members']['status'] == 'ok'
    assert summary['payments']['status'] == 'unavailable'
    assert summary['cohorts']['status'] == 'unavailable'  # 404 from the stub


def test_member_overview(client, stubs, member_id):
    stubs.add('members', 'GET', API + '/members/%s' % member_id, {'id': member_id})
    stubs.add('academy', 'GET', API + '/enrollments', [{'id': 'e1'}])
    response = client.get('/dashboard/members/%s' % member_id)
    assert response.status_code == 200
    assert response.json()['enrollments']['data'] == [{'id': 'e1'}]
    assert response.json()['payments']['status'] == 'unavailable'
    stubs.take_down('members')
    assert client.get('/dashboard/members/%s' % member_id).status_code == 502
