"""Home-screen dashboards: one call gathers what a member, coach or admin sees first.

Each section comes from another service. A section whose service is slow or down is
reported as unavailable instead of failing the whole dashboard.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import httpx
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from libs.auth import AuthUser, get_current_user, require_admin, require_coach
from services.gateway_service.app import clients

router = APIRouter(prefix="/dashboard", tags=["dashboard"])

SECTION_TIMEOUT = 3.0
UPCOMING_LIMIT = 3


class Section(BaseModel):
    available: bool = True
    data: Any = None
    error: str | None = None


class Dashboard(BaseModel):
    role: str
    user_id: str
    degraded: bool = False
    sections: dict[str, Section]


class AdminTotals(BaseModel):
    active_members: int | None = None
    revenue_this_month: float | None = None
    open_orders: int | None = None
    pending_suggestions: int | None = None


class AdminDashboard(Dashboard):
    totals: AdminTotals


def _caller_headers(request: Request) -> dict[str, str]:
    """Downstream calls act as the caller: pass on their token and request id."""
    headers = {"X-Request-ID": getattr(request.state, "request_id", "")}
    if authorization := request.headers.get("authorization"):
        headers["Authorization"] = authorization
    return headers


async def _get(
    client: httpx.AsyncClient,
    path: str,
    request: Request,
    params: dict[str, Any] | None = None,
) -> Any:
    response = await client.get(
        path, params=params, headers=_caller_headers(request), timeout=SECTION_TIMEOUT
    )
    response.raise_for_status()
    return response.json()


async def _section(call: Awaitable[Any]) -> Section:
    try:
        return Section(data=await call)
    except httpx.HTTPStatusError as exc:
        return Section(available=False, error=f"HTTP {exc.response.status_code}")
    except httpx.HTTPError as exc:
        return Section(available=False, error=exc.__class__.__name__)
    except ValueError:
        return Section(available=False, error="invalid response")


async def _gather(calls: dict[str, Awaitable[Any]]) -> dict[str, Section]:
    sections = await asyncio.gather(*(_section(call) for call in calls.values()))
    return dict(zip(calls, sections))


def _pick(section: Section, key: str) -> Any:
    if section.available and isinstance(section.data, dict):
        return section.data.get(key)
    return None


def _primary_role(user: AuthUser) -> str:
    if user.is_admin:
        return "admin"
    if user.is_coach:
        return "coach"
    return "member"


@router.get("", response_model=Dashboard)
async def my_dashboard(request: Request, user: AuthUser = Depends(get_current_user)) -> Dashboard:
    """The dashboard of the caller's highest role."""
    role = _primary_role(user)
    if role == "admin":
        return await admin_dashboard(request, user)
    if role == "coach":
        return await coach_dashboard(request, user)
    return await member_dashboard(request, user)


@router.get("/member", response_model=Dashboard)
async def member_dashboard(
    request: Request, user: AuthUser = Depends(get_current_user)
) -> Dashboard:
    sections = await _gather(
        {
            "profile": _get(clients.members_client, "/api/v1/members/me", request),
            "enrollments": _get(clients.academy_client, "/api/v1/academy/enrollments/me", request),
            "sessions": _get(clients.sessions_client, "/api/v1/sessions/mine", request),
            "attendance": _get(clients.attendance_client, "/api/v1/attendance/me/summary", request),
            "notifications": _get(
                clients.communications_client, "/api/v1/notifications/unread-count", request
            ),
            "events": _get(
                clients.events_client,
                "/api/v1/events/upcoming",
                request,
                {"limit": UPCOMING_LIMIT},
            ),
        }
    )
    return Dashboard(
        role="member",
        user_id=str(user.user_id),
        degraded=not all(s.available for s in sections.values()),
        sections=sections,
    )


@router.get("/coach", response_model=Dashboard)
async def coach_dashboard(request: Request, user: AuthUser = Depends(require_coach)) -> Dashboard:
    sections = await _gather(
        {
            "cohorts": _get(clients.academy_client, "/api/v1/academy/coach/cohorts", request),
            "sessions": _get(clients.sessions_client, "/api/v1/sessions/upcoming", request),
            "suggestions": _get(clients.ai_client, "/api/v1/ai/suggestions/pending", request),
            "notifications": _get(
                clients.communications_client, "/api/v1/notifications/unread-count", request
            ),
        }
    )
    return Dashboard(
        role="coach",
        user_id=str(user.user_id),
        degraded=not all(s.available for s in sections.values()),
        sections=sections,
    )


@router.get("/admin", response_model=AdminDashboard)
async def admin_dashboard(
    request: Request, user: AuthUser = Depends(require_admin)
) -> AdminDashboard:
    sections = await _gather(
        {
            "members": _get(clients.members_client, "/api/v1/members/stats", request),
            "payments": _get(clients.payments_client, "/api/v1/admin/payments/stats", request),
            "orders": _get(
                clients.store_client, "/api/v1/admin/orders/", request, {"status": "paid"}
            ),
            "suggestions": _get(clients.ai_client, "/api/v1/ai/suggestions/pending", request),
        }
    )
    orders = sections["orders"]
    suggestions = sections["suggestions"]
    totals = AdminTotals(
        active_members=_pick(sections["members"], "active"),
        revenue_this_month=_pick(sections["payments"], "collected_this_month"),
        open_orders=_pick(orders, "total"),
        pending_suggestions=(len(suggestions.data) if isinstance(suggestions.data, list) else None),
    )
    return AdminDashboard(
        role="admin",
        user_id=str(user.user_id),
        degraded=not all(s.available for s in sections.values()),
        sections=sections,
        totals=totals,
    )
