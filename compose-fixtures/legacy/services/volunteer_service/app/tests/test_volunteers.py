"""Behaviour of the volunteer service over HTTP, against PostgreSQL."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.volunteer_service.models import Signup, SignupStatus
from shared.database import get_engine

from .conftest import API


def test_health(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'volunteer'}


def test_admin_needs_the_committee(client):
    assert client.post(API + '/admin/roles', json={'name': 'Compost'}).status_code == 403


def test_signup_waitlist_and_promotion(client, make_opportunity, make_volunteer):
    opportunity = make_opportunity(capacity=1)
    url = API + '/opportunities/%s/signups' % opportunity['id']
    ada = make_volunteer('Ada')
    bo = make_volunteer('Bo')
    first = client.post(url, json={'volunteer_id': ada['id']}).json()
    second = client.post(url, json={'volunteer_id': bo['id']}).json()
    assert (first['status'], second['status']) == ('confirmed', 'waitlisted')
    detail = client.get(API + '/opportunities/%s' % opportunity['id']).json()
    assert detail['status'] == 'filled' and detail['places_left'] == 0
    assert client.post(url, json={'volunteer_id': ada['id']}).status_code == 409

    assert client.delete(API + '/signups/%s' % first['id']).status_code == 204
    detail = client.get(API + '/opportunities/%s' % opportunity['id']).json()
    assert detail['status'] == 'filled'
    again = client.post(url, json={'volunteer_id': ada['id']}).json()
    assert again['id'] == first['id'] and again['status'] == 'waitlisted'


def test_induction_required(client, make_opportunity, make_volunteer, committee):
    opportunity = make_opportunity(needs_induction=True)
    cy = make_volunteer('Cy')
    url = API + '/opportunities/%s/signups' % opportunity['id']
    assert client.post(url, json={'volunteer_id': cy['id']}).status_code == 409
    client.post(API + '/admin/volunteers/%s/induct' % cy['id'], headers=committee)
    assert client.post(url, json={'volunteer_id': cy['id']}).status_code == 201


def test_hours_approval_and_leaderboard(client, make_volunteer, committee):
    dee = make_volunteer('Dee')
    eve = make_volunteer('Eve')
    for who, hours in ((dee, '3.5'), (eve, '2'), (dee, '1')):
        response = client.post(
            API + '/volunteers/%s/hours' % who['id'],
            json={'worked_on': '2024-06-01', 'hours': hours},
        )
        assert response.status_code == 201, response.text
    pending = client.get(API + '/admin/hours/pending', headers=committee).json()
    assert len(pending) == 3
    for entry in pending:
        client.post(
            API + '/admin/hours/%s/approve' % entry['id'],
            json={'approved_by': 'Secretary'},
            headers=committee,
        )
    board = client.get(API + '/admin/leaderboard', headers=committee).json()
    assert [(r['full_name'], float(r['hours'])) for r in board] == [('Dee', 4.5), ('Eve', 2.0)]
    summary = client.get(API + '/volunteers/%s/hours' % dee['id']).json()
    assert float(summary['approved']) == 4.5 and float(summary['pending']) == 0


def test_cancelling_an_opportunity_cancels_signups(client, make_opportunity, make_volunteer,
                                                   committee):
    opportunity = make_opportunity(capacity=3)
    fay = make_volunteer('Fay')
    url = API + '/opportunities/%s/signups' % opportunity['id']
    client.post(url, json={'volunteer_id': fay['id']})
    client.post(API + '/admin/opportunities/%s/cancel' % opportunity['id'], headers=committee)
    with Session(get_engine()) as session:
        with session.begin():
            statuses = list(session.scalars(select(Signup.status)))
    assert statuses == [SignupStatus.CANCELLED]
    assert client.get(API + '/opportunities').json() == []
