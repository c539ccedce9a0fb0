from datetime import date, timedelta

from libs.testing import MEMBER_ID

from .conftest import API, registration_payload


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "members"}


def test_notifications_go_through_the_service_module(
    client, monkeypatch, admin_headers, member_headers
):
    from services.members_service import service

    sent = []

    async def fake_notification(member, template, **context):
        sent.append((member.email, template, context))
        return True

    # The routers call ``service.send_member_notification`` at request time.
    monkeypatch.setattr(service, "send_member_notification", fake_notification)

    registered = client.post(
        f"{API}/members/register", json=registration_payload(), headers=member_headers
    )
    assert registered.status_code == 201, registered.text
    member = registered.json()["member"]
    assert member["status"] == "pending"
    assert member["membership_number"] is None

    approved = client.post(
        f"{API}/admin/members/{member['id']}/status",
        json={"status": "active"},
        headers=admin_headers,
    )
    assert approved.status_code == 200, approved.text
    number = approved.json()["membership_number"]
    assert number.endswith("-00001")
    assert sent == [
        ("mia.member@club.test", "registration_received", {}),
        ("mia.member@club.test", "membership_approved", {"membership_number": number}),
    ]


def test_literal_paths_are_not_read_as_member_ids(
    client, make_member, member_headers, admin_headers
):
    make_member(member_headers)
    assert client.get(f"{API}/members/me", headers=member_headers).status_code == 200
    assert client.get(f"{API}/members/public", headers=member_headers).status_code == 200
    assert client.get(f"{API}/members/stats", headers=admin_headers).status_code == 200
    assert client.get(f"{API}/members/coaches").status_code == 200
    assert client.get(f"{API}/members/not-a-uuid", headers=member_headers).status_code == 422


def test_directory_only_shows_members_who_opt_in(
    client, make_member, member_headers, other_member_headers
):
    mine = make_member(member_headers)
    other = make_member(other_member_headers, first_name="Otto", last_name="Other")

    hidden = client.get(f"{API}/members/{other['id']}", headers=member_headers)
    assert hidden.status_code == 404
    assert client.get(f"{API}/members/public", headers=member_headers).json()["total"] == 0

    opted_in = client.patch(
        f"{API}/members/me", json={"show_in_directory": True}, headers=other_member_headers
    )
    assert opted_in.status_code == 200, opted_in.text
    page = client.get(f"{API}/members/public", params={"q": "ott"}, headers=member_headers).json()
    assert [m["id"] for m in page["items"]] == [other["id"]]
    assert "email" not in page["items"][0]
    assert client.get(f"{API}/members/{other['id']}", headers=member_headers).status_code == 200
    assert client.get(f"{API}/members/{mine['id']}", headers=member_headers).status_code == 200


def test_referrals(client, make_member, member_headers, other_member_headers):
    referrer = make_member(member_headers)
    code = referrer["referral_code"]
    check = client.get(f"{API}/members/register/referral/{code.lower()}").json()
    assert check == {"code": code, "valid": True, "referrer_name": "Mia M."}

    bad = client.post(
        f"{API}/members/register",
        json=registration_payload("Otto", "Other", referral_code="NOPE1234"),
        headers=other_member_headers,
    )
    assert bad.status_code == 422
    make_member(other_member_headers, first_name="Otto", last_name="Other", referral_code=code)

    referrals = client.get(f"{API}/members/me/referrals", headers=member_headers).json()
    assert [r["first_name"] for r in referrals] == ["Otto"]


def test_status_transitions_are_validated(client, make_member, member_headers, admin_headers):
    member = make_member(member_headers, activate=False)
    url = f"{API}/admin/members/{member['id']}/status"

    assert client.post(url, json={"status": "lapsed"}, headers=admin_headers).status_code == 409
    assert client.post(url, json={"status": "active"}, headers=admin_headers).status_code == 200
    assert client.post(url, json={"status": "suspended"}, headers=admin_headers).status_code == 422
    suspended = client.post(
        url, json={"status": "suspended", "reason": "unpaid fees"}, headers=admin_headers
    )
    assert suspended.json()["status"] == "suspended"
    assert client.post(url, json={"status": "archived"}, headers=admin_headers).status_code == 200
    assert client.post(url, json={"status": "active"}, headers=admin_headers).status_code == 409


def test_expired_memberships_lapse_members(client, make_member, member_headers, admin_headers):
    member = make_member(member_headers)
    today = date.today()
    period = client.post(
        f"{API}/admin/members/{member['id']}/memberships",
        json={
            "tier": "club",
            "starts_on": (today - timedelta(days=40)).isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat(),
            "amount_paid": "15000.00",
        },
        headers=admin_headers,
    )
    assert period.status_code == 201, period.text

    result = client.post(f"{API}/admin/members/memberships/expire", headers=admin_headers)
    assert result.json() == {"periods_expired": 1, "members_lapsed": 1}
    detail = client.get(f"{API}/admin/members/{member['id']}", headers=admin_headers).json()
    assert detail["status"] == "lapsed"
    assert detail["membership_tier"] == "club"
    assert detail["membership_periods"][0]["status"] == "expired"


def test_emergency_contacts_keep_one_primary(client, make_member, member_headers):
    make_member(member_headers)
    url = f"{API}/members/me/emergency-contacts"
    first = client.post(
        url,
        json={"name": "Ngozi", "relation": "parent", "phone": "08031234567"},
        headers=member_headers,
    ).json()
    assert first["is_primary"] is True
    second = client.post(
        url,
        json={"name": "Tunde", "relation": "sibling", "phone": "08037654321", "is_primary": True},
        headers=member_headers,
    ).json()
    contacts = client.get(url, headers=member_headers).json()
    assert [(c["id"], c["is_primary"]) for c in contacts] == [
        (second["id"], True),
        (first["id"], False),
    ]


def test_internal_summary_needs_the_service_token(
    client, make_member, member_headers, internal_headers
):
    member = make_member(member_headers)
    url = f"{API}/members/internal/{member['id']}"
    assert client.get(url).status_code == 403
    summary = client.get(url, headers=internal_headers).json()
    assert {k: summary[k] for k in ("id", "first_name", "last_name", "email")} == {
        "id": member["id"],
        "first_name": "Mia",
        "last_name": "Member",
        "email": "mia.member@club.test",
    }
    by_auth = client.get(f"{API}/members/internal/by-auth/{MEMBER_ID}", headers=internal_headers)
    assert by_auth.json()["id"] == member["id"]


def test_admin_list_filters_and_pages(
    client, make_member, member_headers, other_member_headers, admin_headers
):
    make_member(member_headers)
    make_member(other_member_headers, activate=False, first_name="Otto", last_name="Other")
    url = f"{API}/admin/members/"

    pending = client.get(url, params={"status": "pending"}, headers=admin_headers).json()
    assert [m["first_name"] for m in pending["items"]] == ["Otto"]
    found = client.get(url, params={"q": "mia club.test"}, headers=admin_headers).json()
    assert [m["email"] for m in found["items"]] == ["mia.member@club.test"]
    first_page = client.get(url, params={"page_size": 1}, headers=admin_headers).json()
    assert (first_page["total"], len(first_page["items"])) == (2, 1)
    assert client.get(url, headers=member_headers).status_code == 403
