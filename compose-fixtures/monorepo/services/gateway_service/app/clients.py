"""Pooled HTTP clients for the downstream services, one ``httpx.AsyncClient`` each.

Handlers read a client through this module at request time (``clients.members_client``),
never with ``from ... import members_client``: tests swap a service by replacing the module
attribute, and a name imported once would keep pointing at the real client.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from libs.settings import get_settings

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=2.0)
POOL_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
USER_AGENT = "swimclub-gateway/1.0"

SERVICE_NAMES = (
    "members",
    "academy",
    "communications",
    "payments",
    "store",
    "volunteer",
    "events",
    "transport",
    "media",
    "attendance",
    "sessions",
    "ai",
)


def build_client(service: str, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> httpx.AsyncClient:
    """A client for ``service`` at its configured base URL (``<SERVICE>_SERVICE_URL``)."""
    return httpx.AsyncClient(
        base_url=get_settings().url_for(service),
        timeout=timeout,
        limits=POOL_LIMITS,
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    )


members_client = build_client("members")
academy_client = build_client("academy")
communications_client = build_client("communications")
# Payment initialisation waits on Paystack before it answers.
payments_client = build_client("payments", timeout=httpx.Timeout(30.0, connect=2.0))
store_client = build_client("store")
volunteer_client = build_client("volunteer")
events_client = build_client("events")
transport_client = build_client("transport")
# Uploads stream whole photo sets through the gateway.
media_client = build_client("media", timeout=httpx.Timeout(120.0, connect=2.0))
attendance_client = build_client("attendance")
sessions_client = build_client("sessions")
ai_client = build_client("ai", timeout=httpx.Timeout(45.0, connect=2.0))


def get_client(service: str) -> httpx.AsyncClient:
    """The client currently registered for ``service`` (looked up on every call)."""
    if service not in SERVICE_NAMES:
        raise KeyError(f"unknown service {service!r}")
    return globals()[f"{service}_client"]


def service_of(client: httpx.AsyncClient) -> str:
    """Name of the service a client talks to, for logs and error messages."""
    for name in SERVICE_NAMES:
        if globals()[f"{name}_client"] is client:
            return name
    return client.base_url.host or "upstream"


def internal_headers() -> dict[str, str]:
    """Headers of a service-to-service call made by the gateway itself."""
    return {"X-Internal-Token": get_settings().internal_token}


async def get_json(service: str, path: str, *, params: dict[str, Any] | None = None) -> Any:
    """GET an internal endpoint of ``service``; raises ``httpx.HTTPError`` on any failure."""
    response = await get_client(service).get(path, params=params, headers=internal_headers())
    response.raise_for_status()
    return response.json() if response.content else None


async def probe(service: str, timeout: float = 2.0) -> dict[str, Any]:
    """Call ``/health`` of ``service`` and report whether it answered and how fast."""
    started = time.perf_counter()
    try:
        response = await get_client(service).get("/health", timeout=timeout)
    except httpx.HTTPError as exc:
        return {"service": service, "ok": False, "error": exc.__class__.__name__}
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return {
        "service": service,
        "ok": response.status_code == 200,
        "status_code": response.status_code,
        "elapsed_ms": elapsed_ms,
    }


async def close_all() -> None:
    """Close every client's connection pool (on application shutdown)."""
    for name in SERVICE_NAMES:
        client = get_client(name)
        if not client.is_closed:
            await client.aclose()
