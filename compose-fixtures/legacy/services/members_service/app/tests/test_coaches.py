"""Coach profiles, agreements and payouts over HTTP."""

from .conftest import API


def test_coach_agreement_and_payout_run(client, make_member, committee):
    member = make_member(name='Cyril Potts', email='cyril@example.org')
    profile = client.post(
        API + '/coaches/profiles',
        json={'member_id': member['id'], 'specialism': 'brassicas'},
        headers=committee,
    )
    assert profile.status_code == 201, profile.text
    coach_id = profile.json()['id']
    assert client.get(API + '/coaches/directory').json()[0]['name'] == 'Cyril Potts'

    agreement = client.post(
        API + '/coaches/profiles/%s/agreements' % coach_id,
        json={'season': 2026, 'session_rate': '17.50'},
        headers=committee,
    ).json()
    sessions = API + '/coaches/agreements/%s/sessions' % agreement['id']
    assert client.post(sessions, json={'sessions': 2}).status_code == 409
    client.post(API + '/coaches/agreements/%s/sign' % agreement['id'])
    assert client.post(sessions, json={'sessions': 4}).json()['sessions_delivered'] == 4

    pending = client.get(API + '/coaches/payouts/pending', headers=committee).json()
    assert pending['total'] == '70.00'
    run = client.post(API + '/coaches/payouts/run', headers=committee).json()
    assert run['lines'][0]['coach_name'] == 'Cyril Potts'
    assert client.get(API + '/coaches/payouts/pending', headers=committee).json()['lines'] == []
