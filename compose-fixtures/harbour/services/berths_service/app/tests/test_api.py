import asyncio
from datetime import date, timedelta
from unittest import mock

from sqlalchemy.ext.asyncio import async_sessionmaker

from .conftest import API, VESSEL_ID, vessel


def _stay(start_in=3, nights=2):
    arrival = date.today() + timedelta(days=start_in)
    return arrival.isoformat(), (arrival + timedelta(days=nights)).isoformat()


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "berths"}


def test_pontoon_detail_counts_free_berths(client, make_berth, admin_headers):
    berth = make_berth(1)
    make_berth(2)
    client.post(
        f"{API}/berths/{berth['id']}/status", json={"status": "maintenance"}, headers=admin_headers
    )
    detail = client.get(f"{API}/pontoons/{berth['pontoon_id']}").json()
    assert [b["number"] for b in detail["berths"]] == [1, 2]
    assert detail["free_berths"] == 1


def test_available_is_not_shadowed_by_berth_id(client, make_berth):
    # "/berths/available" is registered before "/berths/{berth_id}".
    make_berth(1)
    make_berth(2, max_length_m="9.0")
    arrival, departure = _stay(nights=7)
    response = client.get(
        f"{API}/berths/available",
        params={"arrival": arrival, "departure": departure, "length_m": "11", "beam_m": "3.5"},
    )
    assert response.status_code == 200, response.text
    [only] = response.json()
    assert only["berth"]["number"] == 1
    assert only["quote"] == "239.40"  # 7 nights at 38.00 less the weekly discount


def test_booking_lifecycle(client, make_berth, member_headers, admin_headers):
    berth = make_berth(1)
    arrival, departure = _stay()
    payload = {
        "berth_id": berth["id"],
        "vessel_id": str(VESSEL_ID),
        "skipper_name": "Ann Skipper",
        "arrival": arrival,
        "departure": departure,
    }
    with mock.patch("services.berths_service.booking_router.fetch_vessel", return_value=vessel()):
        created = client.post(f"{API}/bookings", json=payload, headers=member_headers)
        assert created.status_code == 201, created.text
        clash = client.post(f"{API}/bookings", json=payload, headers=member_headers)
        assert clash.status_code == 409
    booking = created.json()
    assert booking["total_amount"] == "76.00" and booking["status"] == "pending"

    url = f"{API}/bookings/{booking['id']}/status"
    assert client.post(url, json={"status": "checked_in"}, headers=admin_headers).status_code == 409
    assert client.post(url, json={"status": "confirmed"}, headers=member_headers).status_code == 403
    for step in ("confirmed", "checked_in"):
        assert client.post(url, json={"status": step}, headers=admin_headers).status_code == 200
    assert client.get(f"{API}/berths/{berth['id']}").json()["status"] == "occupied"
    found = client.get(f"{API}/bookings/by-reference/{booking['reference']}", headers=admin_headers)
    assert found.json()["status"] == "checked_in"


def test_booking_rejects_a_vessel_too_big(client, make_berth, member_headers):
    berth = make_berth(1)
    arrival, departure = _stay()
    with mock.patch(
        "services.berths_service.booking_router.fetch_vessel", return_value=vessel(length_m=14)
    ):
        response = client.post(
            f"{API}/bookings",
            json={
                "berth_id": berth["id"],
                "vessel_id": str(VESSEL_ID),
                "skipper_name": "Ann Skipper",
                "arrival": arrival,
                "departure": departure,
            },
            headers=member_headers,
        )
    assert response.status_code == 422
    assert "does not fit" in response.text


def test_contract_blocks_bookings_and_renews(client, make_berth, admin_headers, member_headers):
    berth = make_berth(1)
    start = date.today()
    contract = {
        "berth_id": berth["id"],
        "vessel_id": str(VESSEL_ID),
        "holder_id": "00000000-0000-4000-8000-000000000003",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=365)).isoformat(),
        "billing_cycle": "quarterly",
        "annual_fee": "3400.00",
    }
    with mock.patch("services.berths_service.router.fetch_vessel", return_value=vessel()):
        created = client.post(f"{API}/contracts", json=contract, headers=admin_headers)
    assert created.status_code == 201, created.text
    contract_id = created.json()["id"]
    assert created.json()["instalment"] == "850.00"

    activated = client.post(f"{API}/contracts/{contract_id}/activate", headers=admin_headers)
    assert activated.json()["status"] == "active"
    assert client.get(f"{API}/berths/{berth['id']}").json()["status"] == "occupied"
    # The holder sees their own contract.
    assert client.get(f"{API}/contracts/{contract_id}", headers=member_headers).status_code == 200

    renewed = client.post(f"{API}/contracts/{contract_id}/renew", headers=admin_headers)
    assert renewed.status_code == 201
    assert renewed.json()["starts_on"] == contract["ends_on"]
    again = client.post(f"{API}/contracts/{contract_id}/renew", headers=admin_headers)
    assert again.status_code == 409


def test_expire_contracts_task_renews_auto_renewing(client, make_berth, admin_headers):
    from libs.db import get_engine
    from services.berths_service.tasks import expire_contracts

    berth = make_berth(1)
    start = date.today() - timedelta(days=30)
    payload = {
        "berth_id": berth["id"],
        "vessel_id": str(VESSEL_ID),
        "holder_id": "00000000-0000-4000-8000-000000000003",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=30)).isoformat(),
        "annual_fee": "1200.00",
        "auto_renew": True,
    }
    with mock.patch("services.berths_service.router.fetch_vessel", return_value=vessel()):
        contract_id = client.post(f"{API}/contracts", json=payload, headers=admin_headers).json()[
            "id"
        ]
    client.post(f"{API}/contracts/{contract_id}/activate", headers=admin_headers)

    async def run():
        ctx = {"session_factory": async_sessionmaker(get_engine(), expire_on_commit=False)}
        try:
            return await expire_contracts(ctx)
        finally:
            await get_engine().dispose()

    assert asyncio.run(run()) == [contract_id]
    listed = client.get(f"{API}/contracts", params={"berth_id": berth["id"]}, headers=admin_headers)
    assert sorted(c["status"] for c in listed.json()) == ["active", "expired"]
