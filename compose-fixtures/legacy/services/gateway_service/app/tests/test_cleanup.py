"""Clean-up jobs: committee only, every step attempted, a report of what happened."""

API = '/api/v1'


def test_cleanup_needs_the_committee(client, member_id):
    assert client.post('/cleanup/members/%s' % member_id).status_code == 403


def test_cleanup_member_across_services(client, stubs, headers, member_id):
    stubs.add('academy', 'GET', API + '/enrollments', [{'id': 'e1'}, {'id': 'e2'}])
    stubs.add('academy', 'DELETE', API + '/enrollments/e1', status=204)
    stubs.add('academy', 'DELETE', API + '/enrollments/e2', status=204)
    stubs.add('communications', 'POST', API + '/notifications/purge', {'purged': 3})
    stubs.add('payments', 'POST', API + '/payments/anonymise', {'anonymised': 1})
    stubs.add('members', 'DELETE', API + '/members/%s' % member_id, status=204)
    report = client.post('/cleanup/members/%s' % member_id, headers=headers).json()
    assert report['complete'] is True
    assert [s['detail'] for s in report['steps']] == [2, {'purged': 3}, {'anonymised': 1}, 204]
    deletes = stubs.called('academy', 'DELETE')
    assert all(c['headers']['x-committee-token'] == 'committee-dev-token' for c in deletes)


def test_cleanup_carries_on_after_a_failure(client, stubs, headers, member_id):
    stubs.take_down('communications')
    stubs.add('academy', 'GET', API + '/enrollments', [])
    stubs.add('payments', 'POST', API + '/payments/anonymise', {'anonymised': 0})
    report = client.post('/cleanup/members/%s' % member_id, headers=headers).json()
    assert report['complete'] is False
    assert [s['ok'] for s in report['steps']] == [True, False, True, True]  # member 404 = gone
    preview = client.get('/cleanup/members/%s/preview' % member_id, headers=headers).json()
    assert len(preview['steps']) == 4


def test_cleanup_ai_requests(client, stubs, headers):
    assert client.post('/cleanup/ai-requests?older_than_days=7', headers=headers
                       ).status_code == 422
    stubs.add('ai', 'POST', API + '/ai/requests/purge', {'purged': 12})
    report = client.post('/cleanup/ai-requests', headers=headers).json()
    assert report['steps'][0]['detail'] == {'purged': 12}
    assert 'before' in stubs.called('ai')[0]['json']
