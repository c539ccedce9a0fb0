"""API gateway: the only public entry point of the platform.

Requests under ``/api/v1`` are proxied to the service that owns them. A handful of routes
are rate limited in process (one gateway replica per environment), some paths are rewritten
for older app builds, and the gateway serves two routers of its own: the dashboard
aggregator and the admin cleanup jobs.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from functools import wraps
from typing import Any

import httpx
from fastapi import FastAPI, HTTPException, Request, Response, status
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from libs.settings import get_settings
from services.gateway_service.app import clients

logger = logging.getLogger("gateway")

# Methods of the catch-all proxies. Those stay out of the OpenAPI document: each service
# publishes its own, and "{path}" documents nothing.
PROXY_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

DEV_ORIGINS = ["http://localhost:3000", "http://127.0.0.1:3000"]
PUBLIC_ORIGINS = ["https://app.swimclub.ng", "https://admin.swimclub.ng"]

# Admin screens live in several services; the first path segment picks the service.
ADMIN_SECTIONS = {
    "members": "members",
    "payments": "payments",
    "products": "store",
    "orders": "store",
}

Handler = Callable[..., Awaitable[Response]]


class RateLimiter:
    """Sliding-window request counter per client, kept in process memory."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def check(self, key: str) -> float | None:
        """Count a request; None when allowed, else the seconds until a slot frees up."""
        now = time.monotonic()
        hits = self._hits[key]
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return self.window - (now - hits[0])
        hits.append(now)
        return None


def client_key(request: Request) -> str:
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


def rate_limit(limit: int, per: float = 60.0) -> Callable[[Handler], Handler]:
    """Allow ``limit`` requests per ``per`` seconds and client to the decorated handler."""

    def decorator(handler: Handler) -> Handler:
        limiter = RateLimiter(limit, per)

        @wraps(handler)
        async def limited(*args: Any, **kwargs: Any) -> Response:
            retry_after = limiter.check(client_key(kwargs["request"]))
            if retry_after is not None:
                raise HTTPException(
                    status.HTTP_429_TOO_MANY_REQUESTS,
                    "too many requests, slow down",
                    headers={"Retry-After": str(max(1, math.ceil(retry_after)))},
                )
            return await handler(*args, **kwargs)

        return limited

    return decorator


def cors_origins(environment: str) -> list[str]:
    if environment in {"development", "test"}:
        return DEV_ORIGINS + PUBLIC_ORIGINS
    return PUBLIC_ORIGINS


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    await clients.close_all()


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(title="Swimclub API Gateway", version="1.0.0", lifespan=lifespan)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=cors_origins(settings.environment),
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["X-Request-ID", "Retry-After"],
    )

    @app.middleware("http")
    async def request_context(request: Request, call_next: Callable) -> Response:
        request.state.request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        started = time.perf_counter()
        response = await call_next(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response.headers["X-Request-ID"] = request.state.request_id
        logger.info(
            "%s %s -> %s in %.1fms",
            request.method,
            request.url.path,
            response.status_code,
            elapsed_ms,
        )
        return response

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "gateway"}

    @app.get("/health/services", tags=["health"])
    async def services_health() -> dict[str, Any]:
        results = [await clients.probe(name) for name in clients.SERVICE_NAMES]
        return {"ok": all(r["ok"] for r in results), "services": results}

    # The gateway's own routers are imported here, not at module level: they are only
    # needed once an app is built, and scripts that import this module for the proxy
    # table should not pull in the auth dependencies.
    from services.gateway_service.app.routers import cleanup, dashboard

    # Included before the proxy routes: /api/v1/admin/{section}/{path:path} below would
    # otherwise swallow /api/v1/admin/cleanup/... and answer "unknown admin section".
    app.include_router(cleanup.router, prefix="/api/v1")
    app.include_router(dashboard.router, prefix="/api/v1")

    # -- members ---------------------------------------------------------------------

    @app.api_route("/api/v1/members", methods=["GET", "POST"])
    @app.api_route("/api/v1/members/", methods=["GET", "POST"], include_in_schema=False)
    async def members_collection(request: Request) -> Response:
        return await _forward(request, clients.members_client, "/api/v1/members/")

    @app.api_route("/api/v1/members/register", methods=["POST"])
    @rate_limit(5, per=300)
    async def register_member(request: Request) -> Response:
        return await _forward(request, clients.members_client, "/api/v1/members/register")

    @app.api_route("/api/v1/members/register/email-available", methods=["GET"])
    @rate_limit(20)
    async def email_available(request: Request) -> Response:
        return await _forward(
            request, clients.members_client, "/api/v1/members/register/email-available"
        )

    @app.api_route("/api/v1/members/me", methods=["GET", "PATCH"])
    async def my_profile(request: Request) -> Response:
        return await _forward(
            request, clients.members_client, "/api/v1/members/me", cache_control="no-store"
        )

    # Old mobile builds still call /coaches; the coach routes moved under /members.
    @app.api_route("/api/v1/coaches/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def legacy_coaches(request: Request, path: str) -> Response:
        return await _forward(request, clients.members_client, f"/api/v1/members/coaches/{path}")

    @app.api_route("/api/v1/members/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def members_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.members_client, f"/api/v1/members/{path}")

    # -- academy ---------------------------------------------------------------------

    @app.api_route("/api/v1/academy/programs", methods=["GET", "POST"])
    @app.api_route("/api/v1/academy/programs/", methods=["GET", "POST"], include_in_schema=False)
    async def academy_programs(request: Request) -> Response:
        return await _forward(request, clients.academy_client, "/api/v1/academy/programs/")

    @app.api_route("/api/v1/academy/cohorts", methods=["GET", "POST"])
    @app.api_route("/api/v1/academy/cohorts/", methods=["GET", "POST"], include_in_schema=False)
    async def academy_cohorts(request: Request) -> Response:
        return await _forward(request, clients.academy_client, "/api/v1/academy/cohorts/")

    @app.api_route("/api/v1/academy/cohorts/open", methods=["GET"])
    @rate_limit(60)
    async def open_cohorts(request: Request) -> Response:
        return await _forward(
            request,
            clients.academy_client,
            "/api/v1/academy/cohorts/open",
            cache_control="public, max-age=60",
        )

    @app.api_route("/api/v1/academy/enrollments/self", methods=["POST"])
    @rate_limit(10)
    async def self_enroll(request: Request) -> Response:
        return await _forward(request, clients.academy_client, "/api/v1/academy/enrollments/self")

    @app.api_route("/api/v1/curriculum/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def legacy_curriculum(request: Request, path: str) -> Response:
        return await _forward(request, clients.academy_client, f"/api/v1/academy/curriculum/{path}")

    @app.api_route("/api/v1/academy/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def academy_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.academy_client, f"/api/v1/academy/{path}")

    # -- communications --------------------------------------------------------------

    @app.api_route("/api/v1/announcements", methods=["GET", "POST"])
    @app.api_route("/api/v1/announcements/", methods=["GET", "POST"], include_in_schema=False)
    async def announcements(request: Request) -> Response:
        return await _forward(request, clients.communications_client, "/api/v1/announcements")

    @app.api_route(
        "/api/v1/announcements/{path:path}", methods=PROXY_METHODS, include_in_schema=False
    )
    async def announcements_proxy(request: Request, path: str) -> Response:
        return await _forward(
            request, clients.communications_client, f"/api/v1/announcements/{path}"
        )

    # The app polls this every 30 seconds per open tab.
    @app.api_route("/api/v1/notifications/unread-count", methods=["GET"])
    @rate_limit(120)
    async def unread_notifications(request: Request) -> Response:
        return await _forward(
            request,
            clients.communications_client,
            "/api/v1/notifications/unread-count",
            cache_control="no-store",
        )

    @app.api_route(
        "/api/v1/notifications/{path:path}", methods=PROXY_METHODS, include_in_schema=False
    )
    async def notifications_proxy(request: Request, path: str) -> Response:
        return await _forward(
            request, clients.communications_client, f"/api/v1/notifications/{path}"
        )

    @app.api_route("/api/v1/email/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def email_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.communications_client, f"/api/v1/email/{path}")

    @app.api_route("/api/v1/messaging/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def messaging_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.communications_client, f"/api/v1/messaging/{path}")

    # -- payments --------------------------------------------------------------------

    @app.api_route("/api/v1/payments", methods=["GET", "POST"])
    @app.api_route("/api/v1/payments/", methods=["GET", "POST"], include_in_schema=False)
    @rate_limit(20)
    async def payments_collection(request: Request) -> Response:
        return await _forward(request, clients.payments_client, "/api/v1/payments/")

    @app.api_route("/api/v1/payments/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def payments_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.payments_client, f"/api/v1/payments/{path}")

    @app.api_route("/api/v1/invoices/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def invoices_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.payments_client, f"/api/v1/invoices/{path}")

    @app.api_route("/api/v1/payouts/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def payouts_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.payments_client, f"/api/v1/payouts/{path}")

    # Paystack signs the raw body: it is forwarded byte for byte.
    @app.api_route("/api/v1/webhooks/paystack", methods=["POST"])
    @rate_limit(300)
    async def paystack_webhook(request: Request) -> Response:
        return await _forward(request, clients.payments_client, "/api/v1/webhooks/paystack")

    # -- store -----------------------------------------------------------------------

    @app.api_route("/api/v1/store/products", methods=["GET"])
    @app.api_route("/api/v1/store/products/", methods=["GET"], include_in_schema=False)
    async def store_products(request: Request) -> Response:
        return await _forward(
            request,
            clients.store_client,
            "/api/v1/store/products",
            cache_control="public, max-age=30",
        )

    @app.api_route("/api/v1/store/cart", methods=["GET", "DELETE"])
    async def store_cart(request: Request) -> Response:
        return await _forward(
            request, clients.store_client, "/api/v1/store/cart", cache_control="no-store"
        )

    @app.api_route("/api/v1/store/orders", methods=["POST"])
    @app.api_route("/api/v1/store/orders/", methods=["POST"], include_in_schema=False)
    @rate_limit(10)
    async def store_checkout(request: Request) -> Response:
        return await _forward(request, clients.store_client, "/api/v1/store/orders/")

    @app.api_route("/api/v1/store/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def store_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.store_client, f"/api/v1/store/{path}")

    # -- volunteer, events, transport --------------------------------------------------

    @app.api_route("/api/v1/volunteer/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def volunteer_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.volunteer_client, f"/api/v1/volunteer/{path}")

    @app.api_route("/api/v1/events", methods=["GET", "POST"])
    @app.api_route("/api/v1/events/", methods=["GET", "POST"], include_in_schema=False)
    async def events_collection(request: Request) -> Response:
        return await _forward(request, clients.events_client, "/api/v1/events/")

    @app.api_route("/api/v1/events/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def events_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.events_client, f"/api/v1/events/{path}")

    @app.api_route("/api/v1/transport/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def transport_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.transport_client, f"/api/v1/transport/{path}")

    # -- media -----------------------------------------------------------------------

    @app.api_route("/api/v1/media/upload", methods=["POST"])
    @rate_limit(20)
    async def media_upload(request: Request) -> Response:
        return await _forward(request, clients.media_client, "/api/v1/media/")

    @app.api_route("/api/v1/media/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def media_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.media_client, f"/api/v1/media/{path}")

    # -- attendance and sessions -------------------------------------------------------

    # Pool-side kiosks check swimmers in from one address.
    @app.api_route("/api/v1/attendance/check-in", methods=["POST"])
    @rate_limit(120)
    async def attendance_check_in(request: Request) -> Response:
        return await _forward(request, clients.attendance_client, "/api/v1/attendance/check-in")

    @app.api_route("/api/v1/attendance/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def attendance_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.attendance_client, f"/api/v1/attendance/{path}")

    @app.api_route("/api/v1/sessions", methods=["GET", "POST"])
    @app.api_route("/api/v1/sessions/", methods=["GET", "POST"], include_in_schema=False)
    async def sessions_collection(request: Request) -> Response:
        return await _forward(request, clients.sessions_client, "/api/v1/sessions/")

    @app.api_route("/api/v1/sessions/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    async def sessions_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.sessions_client, f"/api/v1/sessions/{path}")

    # -- ai --------------------------------------------------------------------------

    # Every call may reach a paid model provider.
    @app.api_route("/api/v1/ai/{path:path}", methods=PROXY_METHODS, include_in_schema=False)
    @rate_limit(30)
    async def ai_proxy(request: Request, path: str) -> Response:
        return await _forward(request, clients.ai_client, f"/api/v1/ai/{path}")

    # -- admin (last: the widest pattern) ----------------------------------------------

    @app.api_route(
        "/api/v1/admin/{section}/{path:path}", methods=PROXY_METHODS, include_in_schema=False
    )
    async def admin_proxy(request: Request, section: str, path: str) -> Response:
        service = ADMIN_SECTIONS.get(section)
        if service is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown admin section {section!r}")
        upstream = f"/api/v1/admin/{section}/{path}" if path else f"/api/v1/admin/{section}"
        return await _forward(request, clients.get_client(service), upstream)

    return app


# Never forwarded: they describe one connection, not the message (RFC 9110, 7.6.1).
HOP_BY_HOP_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# Recomputed for the new hop by httpx or by the ASGI server.
REQUEST_DROPPED = HOP_BY_HOP_HEADERS | {"host", "content-length"}
# Only the gateway may speak for a service: a client must not forge an internal call.
REQUEST_DROPPED |= {"x-internal-token"}
# Set by the gateway itself on every forwarded request.
GATEWAY_SET_PREFIXES = ("x-forwarded-", "x-request-id")
# httpx has already decoded the body, so its length and encoding change.
RESPONSE_DROPPED = HOP_BY_HOP_HEADERS | {"content-length", "content-encoding", "server"}


def _filter_headers(
    headers: Iterable[tuple[str, str]], dropped: frozenset[str]
) -> list[tuple[str, str]]:
    """Copy headers minus ``dropped`` and minus any header the Connection header names."""
    items = list(headers)
    connection_scoped = {
        token.strip().lower()
        for name, value in items
        if name.lower() == "connection"
        for token in value.split(",")
    }
    return [
        (name, value)
        for name, value in items
        if name.lower() not in dropped and name.lower() not in connection_scoped
    ]


def _forwarded_for(request: Request) -> str:
    peer = request.client.host if request.client else "unknown"
    previous = request.headers.get("x-forwarded-for")
    return f"{previous}, {peer}" if previous else peer


def _upstream_error(service: str, status_code: int, reason: str) -> JSONResponse:
    return JSONResponse(
        status_code=status_code,
        content={"detail": f"{service} service {reason}", "service": service},
    )


async def _forward(
    request: Request,
    client: httpx.AsyncClient,
    upstream_path: str,
    *,
    cache_control: str | None = None,
) -> Response:
    """Send the incoming request to ``upstream_path`` on ``client``; relay the answer."""
    service = clients.service_of(client)
    headers = [
        (name, value)
        for name, value in _filter_headers(request.headers.items(), REQUEST_DROPPED)
        if not name.lower().startswith(GATEWAY_SET_PREFIXES)
    ]
    headers += [
        ("x-request-id", getattr(request.state, "request_id", None) or uuid.uuid4().hex),
        ("x-forwarded-for", _forwarded_for(request)),
        ("x-forwarded-proto", request.url.scheme),
        ("x-forwarded-host", request.headers.get("host", "")),
    ]
    upstream = client.build_request(
        request.method,
        upstream_path,
        params=request.query_params.multi_items(),
        headers=headers,
        content=await request.body(),
    )
    try:
        upstream_response = await client.send(upstream)
    except httpx.TimeoutException:
        logger.warning("%s timed out on %s %s", service, request.method, upstream_path)
        return _upstream_error(service, status.HTTP_504_GATEWAY_TIMEOUT, "timed out")
    except httpx.HTTPError as exc:
        logger.warning("%s unreachable: %s", service, exc)
        return _upstream_error(service, status.HTTP_502_BAD_GATEWAY, "unavailable")

    response = Response(
        content=upstream_response.content, status_code=upstream_response.status_code
    )
    for name, value in _filter_headers(upstream_response.headers.multi_items(), RESPONSE_DROPPED):
        response.headers.append(name, value)
    if cache_control is not None:
        response.headers["cache-control"] = cache_control
    return response


app = create_app()
