import asyncio
import inspect
from unittest import mock

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from libs.db import Base
from libs.testing import ADMIN_ID, COACH_ID, MEMBER_ID

MEMBERS = [
    (ADMIN_ID, "Grace", "Admin", "admin@riversideswim.example"),
    (COACH_ID, "Bayo", "Coach", "coach@riversideswim.example"),
    (MEMBER_ID, "Ada", "Swimmer", "ada@riversideswim.example"),
]


def _seed_members(database_url):
    # The members table belongs to the members service; tests fill the stub directly.
    # create_all again: the first test imports the models only after the database exists.
    engine = create_engine(database_url, poolclass=NullPool)
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        for member_id, first, last, email in MEMBERS:
            connection.execute(
                text(
                    "INSERT INTO members (id, first_name, last_name, email)"
                    " VALUES (:id, :first, :last, :email)"
                ),
                {"id": member_id, "first": first, "last": last, "email": email},
            )
    engine.dispose()


@pytest.fixture
def client(database_url):
    from services.communications_service.app.main import app

    _seed_members(database_url)
    # No Redis in tests: the queue helper reports "not queued" and the routes fall back.
    with (
        mock.patch(
            "services.communications_service.router.enqueue_job",
            new=mock.AsyncMock(return_value=None),
        ),
        mock.patch(
            "services.communications_service.email_router.enqueue_job",
            new=mock.AsyncMock(return_value=None),
        ),
        TestClient(app) as test_client,
    ):
        yield test_client


def _create_announcement(client, headers, **overrides):
    payload = {"title": "Pool closed on Saturday", "body": "Maintenance.", **overrides}
    response = client.post("/api/v1/announcements", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "communications"}


def test_literal_routes_are_not_shadowed(client, member_headers, admin_headers):
    # "/announcements/pinned" and "/notifications/unread-count" are registered before
    # their "/{id}" siblings; otherwise these would be 422s (not a UUID).
    assert client.get("/api/v1/announcements/pinned", headers=member_headers).json() == []
    unread = client.get("/api/v1/notifications/unread-count", headers=member_headers)
    assert unread.status_code == 200
    assert unread.json() == {"unread": 0, "by_type": {}}
    assert client.get("/api/v1/email/outbox/mine", headers=admin_headers).status_code == 200


def test_publish_fans_out_inline_without_queue(client, coach_headers, member_headers):
    announcement_id = _create_announcement(client, coach_headers, priority="urgent")
    published = client.post(
        f"/api/v1/announcements/{announcement_id}/publish", headers=coach_headers
    )
    assert published.status_code == 200, published.text
    assert published.json()["job_id"] is None
    assert published.json()["notified"] == len(MEMBERS)

    notifications = client.get("/api/v1/notifications", headers=member_headers).json()
    assert notifications["total"] == 1
    item = notifications["items"][0]
    assert item["announcement_id"] == announcement_id
    assert item["title"] == "Urgent: Pool closed on Saturday"

    pinned = client.post(
        f"/api/v1/announcements/{announcement_id}/pin", json={}, headers=coach_headers
    )
    assert pinned.status_code == 200
    assert [
        a["id"] for a in client.get("/api/v1/announcements/pinned", headers=member_headers).json()
    ] == [announcement_id]


def test_publish_enqueues_fan_out_when_queue_is_up(client, coach_headers, member_headers):
    announcement_id = _create_announcement(client, coach_headers)
    with mock.patch(
        "services.communications_service.router.enqueue_job",
        new=mock.AsyncMock(return_value="job-42"),
    ) as enqueue:
        published = client.post(
            f"/api/v1/announcements/{announcement_id}/publish", headers=coach_headers
        )
    assert published.status_code == 200, published.text
    assert published.json()["job_id"] == "job-42"
    enqueue.assert_awaited_once_with("fan_out_announcement", announcement_id)
    assert client.get("/api/v1/notifications", headers=member_headers).json()["total"] == 0


def test_announcement_status_transitions(client, coach_headers, member_headers):
    announcement_id = _create_announcement(client, coach_headers)
    assert (
        client.post(
            f"/api/v1/announcements/{announcement_id}/archive", headers=coach_headers
        ).status_code
        == 200
    )
    again = client.post(f"/api/v1/announcements/{announcement_id}/publish", headers=coach_headers)
    assert again.status_code == 409
    assert (
        client.get(f"/api/v1/announcements/{announcement_id}", headers=member_headers).status_code
        == 404
    )


def test_notifications_read_flow(client, coach_headers, member_headers):
    sent = client.post(
        "/api/v1/notifications",
        json={"member_ids": [str(MEMBER_ID)], "title": "Kit check on Monday"},
        headers=coach_headers,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["created"] == 1
    count = client.get("/api/v1/notifications/unread-count", headers=member_headers).json()
    assert count == {"unread": 1, "by_type": {"system": 1}}

    notification_id = client.get("/api/v1/notifications", headers=member_headers).json()["items"][
        0
    ]["id"]
    read = client.post(f"/api/v1/notifications/{notification_id}/read", headers=member_headers)
    assert read.json()["read_at"] is not None
    count = client.get("/api/v1/notifications/unread-count", headers=member_headers).json()
    assert count["unread"] == 0


def test_email_is_queued_under_include_time_prefix_and_sent_by_task(client, admin_headers):
    from services.communications_service import email_router, tasks, worker

    response = client.post(
        "/api/v1/email/send",
        json={"member_id": str(MEMBER_ID), "template_key": "welcome"},
        headers=admin_headers,
    )
    assert response.status_code == 202, response.text
    email = response.json()
    assert email["status"] == "queued"
    assert email["to_address"] == "ada@riversideswim.example"
    email_router.enqueue_job.assert_awaited_once_with(
        "send_email", email["id"], _job_id=f"email:{email['id']}"
    )

    ctx = {}
    asyncio.run(worker.startup(ctx))
    assert asyncio.run(tasks.send_email(ctx, email["id"])) == "sent"
    detail = client.get(f"/api/v1/email/outbox/{email['id']}", headers=admin_headers).json()
    assert detail["status"] == "sent"
    assert detail["subject"].startswith("Welcome to")


def test_preferences_router_is_not_mounted(client, member_headers):
    assert client.get("/api/v1/preferences/me", headers=member_headers).status_code == 404


def test_messaging_threads(client, coach_headers, member_headers):
    one_to_one = {"subject": "Training plan", "participant_ids": [str(MEMBER_ID)], "body": "Hi"}
    refused = client.post("/api/v1/messaging/threads", json=one_to_one, headers=coach_headers)
    assert refused.status_code == 422

    created = client.post(
        "/api/v1/messaging/threads",
        json={"subject": "Gala entry", "participant_ids": [str(COACH_ID)], "body": "Can I swim?"},
        headers=member_headers,
    )
    assert created.status_code == 201, created.text
    threads = client.get("/api/v1/messaging/threads", headers=coach_headers).json()
    assert [(t["subject"], t["unread"]) for t in threads] == [("Gala entry", 1)]


def test_worker_settings_lists_real_tasks():
    from services.communications_service import tasks, worker

    names = {function.__name__ for function in worker.WorkerSettings.functions}
    assert {"send_email", "fan_out_announcement", "notify_members"} <= names
    for function in worker.WorkerSettings.functions:
        assert inspect.iscoroutinefunction(function)
        assert getattr(tasks, function.__name__) is function
    assert len(worker.WorkerSettings.cron_jobs) >= 4
    assert worker.WorkerSettings.on_startup is worker.startup
