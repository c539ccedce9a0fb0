"""Behaviour of the plots service over HTTP, against PostgreSQL."""

import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.plots_service.models import Plot, PlotStatus, TenancyStatus
from services.plots_service.reports import rent_roll, total_rent
from shared.database import get_engine

from .conftest import API


def test_health(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'plots'}


def test_site_and_plots(client, make_site, committee):
    site = make_site(has_water=False)
    for _ in range(3):
        response = client.post(
            API + '/sites/%s/plots' % site['id'], json={'size': 'quarter'}, headers=committee
        )
        assert response.status_code == 201, response.text
    numbers = [p['number'] for p in client.get(API + '/sites/%s/plots' % site['id']).json()]
    assert numbers == [1, 2, 3]
    summary = client.get(API + '/sites/summary').json()
    assert summary[0]['plots'] == 3 and summary[0]['vacant'] == 3


def test_literal_route_is_not_taken_for_an_id(client, make_site, committee):
    site = make_site()
    client.post(API + '/sites/%s/plots' % site['id'], json={}, headers=committee)
    response = client.get(API + '/plots/vacant')
    assert response.status_code == 200
    assert len(response.json()) == 1
    assert client.get(API + '/tenancies/expiring').status_code == 200


def test_writes_need_the_committee(client):
    assert client.post(API + '/sites', json={'name': 'Nowhere'}).status_code == 403


def test_tenancy_notice_and_rent_roll(client, make_site, committee):
    site = make_site(name='Canal Side')
    plot = client.post(
        API + '/sites/%s/plots' % site['id'], json={'size': 'full'}, headers=committee
    ).json()
    tenant = client.post(
        API + '/tenants', json={'full_name': 'Ada Marsh', 'email': 'ada@example.org'}
    ).json()
    tenancy = client.post(
        API + '/tenancies',
        json={'plot_id': plot['id'], 'tenant_id': tenant['id']},
        headers=committee,
    )
    assert tenancy.status_code == 201, tenancy.text
    detail = client.get(API + '/plots/%s' % plot['id']).json()
    assert detail['status'] == PlotStatus.LET.value
    assert detail['annual_rent'] == '68.00'

    with Session(get_engine()) as session:
        with session.begin():
            rows = rent_roll(session)
            stored = session.scalar(select(Plot).where(Plot.number == plot['number']))
            assert stored is not None and stored.status == PlotStatus.LET
    assert rows == [('Canal Side', 1, 'Ada Marsh', total_rent(rows))]

    given = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=20)
    notice = client.post(
        API + '/tenancies/%s/notice' % tenancy.json()['id'],
        json={'given_at': given.isoformat()},
        headers=committee,
    )
    assert notice.json()['status'] == TenancyStatus.NOTICE_GIVEN.value
    expiring = client.get(API + '/tenancies/expiring', params={'within_days': 10}).json()
    assert [e['tenant_name'] for e in expiring] == ['Ada Marsh']


def test_waiting_list_offers(client, make_site, committee):
    site = make_site()
    client.post(API + '/sites/%s/plots' % site['id'], json={}, headers=committee)
    first = client.post(
        API + '/waiting-list', json={'applicant_name': 'Bo', 'applicant_email': 'bo@example.org'}
    ).json()
    client.post(
        API + '/waiting-list',
        json={'applicant_name': 'Cy', 'applicant_email': 'cy@example.org', 'plots_held': 2},
    )
    offers = client.post(API + '/waiting-list/offers', headers=committee).json()
    assert [o['entry_id'] for o in offers] == [first['id']]
    position = client.get(API + '/waiting-list/%s/position' % first['id']).json()
    assert position['position'] == 1
    assert client.delete(API + '/waiting-list/%s' % first['id']).status_code == 204


def test_inspections(client, make_site, committee):
    site = make_site()
    plot = client.post(API + '/sites/%s/plots' % site['id'], json={}, headers=committee).json()
    batch = [{'grade': 'poor', 'inspector': 'Dee'}, {'grade': 'fair'}]
    response = client.post(
        API + '/plots/%s/inspections' % plot['id'], json=batch, headers=committee
    )
    assert response.status_code == 201, response.text
    worst = client.get(API + '/inspections/worst').json()
    assert worst == [{'plot_id': plot['id'], 'number': 1, 'poor_count': 1}]
    sheet = client.get(API + '/sites/%s/inspection-round' % site['id']).json()
    assert sheet['inspected'] == 1
