"""Registration, renewal, administration and volunteering over HTTP, against PostgreSQL."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.members_service.models import Member, MembershipStatus
from shared.database import get_engine

from .conftest import API


def test_health(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'members'}


def test_register_renew_and_standing(client, make_member, committee):
    first = make_member(renew=False)
    assert first['status'] == 'pending' and first['membership_number'] == 'GAS-00001'
    again = client.post(API + '/register', json={'full_name': 'Ada M', 'email': 'ADA@example.org'})
    assert again.status_code == 409
    renewed = client.post(API + '/members/%s/renew' % first['id'], json={'seasons': 2}).json()
    assert renewed['status'] == 'active' and renewed['paid_until'].endswith('-03-31')
    standing = client.get('/internal/members/%s/standing' % first['id']).json()
    assert standing['in_good_standing'] is True

    with Session(get_engine()) as session:
        with session.begin():
            stored = session.scalar(select(Member).where(Member.email == 'ada@example.org'))
            assert stored is not None and stored.status == MembershipStatus.ACTIVE


def test_admin_suspend_and_stats(client, make_member, committee):
    member = make_member()
    make_member(name='Bob Hale', email='bob@example.org', renew=False)
    path = API + '/admin/members/%s/suspend' % member['id']
    assert client.post(path, json={'reason': 'fly-tipping'}).status_code == 403
    assert client.post(path, json={'reason': 'fly-tipping'}, headers=committee).status_code == 200
    stats = client.get(API + '/admin/stats', headers=committee).json()
    assert stats['total'] == 2
    assert stats['by_status']['suspended'] == 1 and stats['by_status']['pending'] == 1
    renew = client.post(API + '/members/%s/renew' % member['id'], json={})
    assert renew.status_code == 409


def test_volunteer_hours(client, make_member, committee):
    member = make_member()
    hours = API + '/volunteers/%s/hours' % member['id']
    assert client.post(hours, json={'hours': 3}, headers=committee).status_code == 409
    client.put(API + '/volunteers/%s' % member['id'], json={'skills': 'hedging'})
    logged = client.post(hours, json={'hours': 3}, headers=committee).json()
    assert logged['hours'] == 3
    assert [v['name'] for v in client.get(API + '/volunteers').json()] == ['Ada Marsh']
