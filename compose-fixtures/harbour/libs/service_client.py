"""HTTP helper for calling another service; routers use it instead of importing models."""

from __future__ import annotations

from typing import Any

import httpx

from libs.settings import get_settings


class ServiceUnavailable(RuntimeError):
    pass


class ServiceClient:
    def __init__(self, service: str, timeout: float = 5.0) -> None:
        self.service = service
        self.base_url = get_settings().url_for(service)
        self.timeout = timeout

    def _headers(self) -> dict[str, str]:
        return {"X-Internal-Token": get_settings().internal_token}

    async def get(self, path: str, **params: Any) -> Any:
        return await self._request("GET", path, params=params or None)

    async def post(self, path: str, json: Any = None) -> Any:
        return await self._request("POST", path, json=json)

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout) as client:
                response = await client.request(method, path, headers=self._headers(), **kwargs)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(f"{self.service}: {exc}") from exc
        if response.status_code >= 500:
            raise ServiceUnavailable(f"{self.service}: HTTP {response.status_code}")
        response.raise_for_status()
        return response.json() if response.content else None


def get_service_client(service: str) -> ServiceClient:
    return ServiceClient(service)


async def get_member_summary(member_id: str) -> dict[str, Any] | None:
    """Fetch a member's public summary from the members service (None when unreachable)."""
    try:
        return await get_service_client("members").get(f"/api/v1/members/internal/{member_id}")
    except (ServiceUnavailable, httpx.HTTPStatusError):
        return None
