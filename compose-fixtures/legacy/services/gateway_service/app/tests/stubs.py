"""Stand-ins for the downstream services, served through ``httpx.MockTransport``.

Routes are keyed by (service, method, path); the service is the host of the URL the
gateway built from ``url_for`` (``http://members:8000`` and so on).
"""

import json
from typing import Any, Dict, List, Optional, Tuple

import httpx

Key = Tuple[str, str, str]


class StubServices(object):
    def __init__(self) -> None:
        self.routes: Dict[Key, Tuple[int, Any]] = {}
        self.down: List[str] = []
        self.calls: List[Dict[str, Any]] = []

    def add(self, service: str, method: str, path: str, body: Any = None,
            status: int = 200) -> None:
        self.routes[(service, method.upper(), path)] = (status, body)
        return None

    def take_down(self, service: str) -> None:
        self.down.append(service)
        return None

    def called(self, service: str, method: Optional[str] = None) -> List[Dict[str, Any]]:
        return [c for c in self.calls
                if c['service'] == service and (method is None or c['method'] == method)]

    def handle(self, request: httpx.Request) -> httpx.Response:
        service = request.url.host
        if service in self.down:
            raise httpx.ConnectError('connection refused', request=request)
        body = json.loads(request.content) if request.content else None
        self.calls.append({'service': service, 'method': request.method,
                           'path': request.url.path, 'params': dict(request.url.params),
                           'headers': dict(request.headers), 'json': body})
        found = self.routes.get((service, request.method, request.url.path))
        if found is None:
            return httpx.Response(404, json={'detail': 'Not Found'})
        status, payload = found
        if status == 204:
            return httpx.Response(204)
        return httpx.Response(status, json=payload)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)
