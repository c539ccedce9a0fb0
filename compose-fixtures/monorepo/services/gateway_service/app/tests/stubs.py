"""Stand-ins for the downstream services, built on ``httpx.MockTransport``.

A ``StubService`` answers the routes a test registers and echoes every other request back
as JSON, so a proxy test can see exactly what the gateway sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

Responder = Callable[[httpx.Request], httpx.Response]


class StubService:
    def __init__(self, name: str) -> None:
        self.name = name
        self.requests: list[httpx.Request] = []
        self._routes: dict[tuple[str, str], Responder] = {}

    def on(
        self,
        method: str,
        path: str,
        *,
        status_code: int = 200,
        json: Any = None,
        headers: dict[str, str] | list[tuple[str, str]] | None = None,
    ) -> StubService:
        """Answer ``method path`` with a fixed response."""

        def respond(request: httpx.Request) -> httpx.Response:
            return httpx.Response(status_code, json=json, headers=headers)

        self._routes[(method.upper(), path)] = respond
        return self

    def fail(self, method: str, path: str, error: type[httpx.HTTPError] = httpx.ConnectError):
        """Make ``method path`` fail the way an unreachable service does."""

        def respond(request: httpx.Request) -> httpx.Response:
            raise error("stubbed failure", request=request)

        self._routes[(method.upper(), path)] = respond
        return self

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        responder = self._routes.get((request.method, request.url.path))
        if responder is not None:
            return responder(request)
        return httpx.Response(200, json=self.echo(request))

    def echo(self, request: httpx.Request) -> dict[str, Any]:
        body = request.content.decode() if request.content else None
        return {
            "service": self.name,
            "method": request.method,
            "path": request.url.path,
            "query": list(request.url.params.multi_items()),
            "headers": dict(request.headers),
            "body": body,
        }

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.MockTransport(self.handle), base_url=f"http://{self.name}.stub"
        )

    @property
    def last(self) -> httpx.Request:
        assert self.requests, f"{self.name} received no request"
        return self.requests[-1]

    @property
    def paths(self) -> list[str]:
        return [request.url.path for request in self.requests]

    def last_json(self) -> Any:
        return json.loads(self.last.content)


class DownService(StubService):
    """A service whose every route refuses connections."""

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        raise httpx.ConnectError("connection refused", request=request)
