from datetime import date, timedelta
from unittest import mock

import pytest
from fastapi.testclient import TestClient

from libs.service_client import ServiceUnavailable

API = "/api/v1"


@pytest.fixture
def client(database_url):
    from services.vessels_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def owner(client, admin_headers):
    response = client.post(
        f"{API}/owners",
        json={"full_name": "Morag Fisher", "email": "Morag@Harbour.test"},
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _vessel(owner_id, **overrides):
    payload = {
        "owner_id": owner_id,
        "name": "Curlew",
        "registration_no": "SSR-10442",
        "vessel_type": "sailing_yacht",
        "length_m": "10.4",
        "beam_m": "3.4",
        "draft_m": "1.8",
    }
    payload.update(overrides)
    return payload


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "vessels"}


def test_owner_email_is_unique_case_insensitively(client, owner, admin_headers):
    assert owner["email"] == "morag@harbour.test"
    again = client.post(
        f"{API}/owners",
        json={"full_name": "M. Fisher", "email": "MORAG@harbour.test"},
        headers=admin_headers,
    )
    assert again.status_code == 409


def test_register_filter_and_page_vessels(client, owner, admin_headers):
    for name, reg, kind, length in [
        ("Curlew", "SSR-1", "sailing_yacht", "10.4"),
        ("Kittiwake", "SSR-2", "motor_yacht", "12.9"),
        ("Puffin", "SSR-3", "rib", "6.2"),
    ]:
        response = client.post(
            f"{API}/vessels",
            json=_vessel(
                owner["id"], name=name, registration_no=reg, vessel_type=kind, length_m=length
            ),
            headers=admin_headers,
        )
        assert response.status_code == 201, response.text
    duplicate = client.post(
        f"{API}/vessels", json=_vessel(owner["id"], registration_no="ssr-2"), headers=admin_headers
    )
    assert duplicate.status_code == 409

    page = client.get(f"{API}/vessels", params={"min_length_m": "10", "size": 1}).json()
    assert page["total"] == 2 and [v["name"] for v in page["items"]] == ["Curlew"]
    ribs = client.get(f"{API}/vessels", params={"vessel_type": "rib"}).json()
    assert [v["name"] for v in ribs["items"]] == ["Puffin"]


def test_insurance_expiring_is_not_a_vessel_id(client, owner, admin_headers):
    soon = (date.today() + timedelta(days=10)).isoformat()
    later = (date.today() + timedelta(days=200)).isoformat()
    client.post(
        f"{API}/vessels",
        json=_vessel(owner["id"], insurance_expires_on=soon),
        headers=admin_headers,
    )
    client.post(
        f"{API}/vessels",
        json=_vessel(owner["id"], name="Tern", registration_no="SSR-9", insurance_expires_on=later),
        headers=admin_headers,
    )
    response = client.get(f"{API}/vessels/insurance/expiring", headers=admin_headers)
    assert response.status_code == 200, response.text
    assert [v["name"] for v in response.json()] == ["Curlew"]


def test_berth_lookup_goes_through_the_service_client(client, owner, admin_headers):
    vessel = client.post(f"{API}/vessels", json=_vessel(owner["id"]), headers=admin_headers).json()
    berths = mock.MagicMock()
    berths.get = mock.AsyncMock(
        return_value=[
            {
                "id": "11111111-1111-4111-8111-111111111111",
                "berth_id": "22222222-2222-4222-8222-222222222222",
            }
        ]
    )
    with mock.patch(
        "services.vessels_service.router.get_service_client", return_value=berths
    ) as factory:
        assignment = client.get(f"{API}/vessels/{vessel['id']}/berth").json()
        archive = client.post(f"{API}/vessels/{vessel['id']}/archive", headers=admin_headers)
    factory.assert_called_with("berths")
    assert assignment["source"] == "contract"
    assert assignment["berth_id"] == "22222222-2222-4222-8222-222222222222"
    assert archive.status_code == 409


def test_berth_lookup_degrades_when_berths_is_down(client, owner, admin_headers):
    vessel = client.post(f"{API}/vessels", json=_vessel(owner["id"]), headers=admin_headers).json()
    with mock.patch(
        "services.vessels_service.router._current_berth", side_effect=ServiceUnavailable("down")
    ):
        assignment = client.get(f"{API}/vessels/{vessel['id']}/berth").json()
    assert assignment == {
        "vessel_id": vessel["id"],
        "berth_id": None,
        "contract_id": None,
        "source": "unavailable",
    }
