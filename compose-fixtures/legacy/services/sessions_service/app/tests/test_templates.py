"""Session templates and generating weekly sessions from them."""

from .conftest import API


def test_generate_weekly_sessions(client, committee):
    template = client.post(
        API + '/templates',
        json={'name': 'Sunday work party', 'weekday': 6, 'start_time': '10:00:00', 'capacity': 8},
        headers=committee,
    )
    assert template.status_code == 201, template.text
    url = API + '/templates/%s/generate' % template.json()['id']
    body = {'first_week': '2031-03-05', 'weeks': 3, 'leader_name': 'Fran'}
    created = client.post(url, json=body, headers=committee).json()
    assert [s['starts_at'][:10] for s in created] == ['2031-03-09', '2031-03-16', '2031-03-23']
    assert created[0]['leader_name'] == 'Fran' and created[0]['capacity'] == 8
    # The same weeks again: nothing new, one more week: one new session.
    body['weeks'] = 4
    again = client.post(url, json=body, headers=committee).json()
    assert [s['starts_at'][:10] for s in again] == ['2031-03-30']
    assert len(client.get(API + '/sessions').json()) == 4
