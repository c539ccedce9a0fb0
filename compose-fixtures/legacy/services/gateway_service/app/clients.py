"""HTTP clients for the downstream services.

One short-lived ``httpx.Client`` per call, pointed at ``get_settings().url_for(service)``.
Tests swap the transport (``set_transport``) so nothing leaves the process.
"""

from typing import Any, Dict, Optional

import httpx

from shared.config import get_settings

TIMEOUT = httpx.Timeout(5.0, connect=2.0)
# Services the gateway is allowed to reach; anything else is a 404 at the proxy.
KNOWN_SERVICES = ('academy', 'members', 'events', 'payments', 'communications', 'ai')

_transport: Optional[httpx.BaseTransport] = None


class ServiceUnavailable(Exception):
    def __init__(self, service: str, detail: str) -> None:
        super(ServiceUnavailable, self).__init__('%s: %s' % (service, detail))
        self.service = service
        self.detail = detail


def set_transport(transport: Optional[httpx.BaseTransport]) -> None:
    global _transport
    _transport = transport
    return None


def client_for(service: str) -> httpx.Client:
    base_url = get_settings().url_for(service)
    if _transport is not None:
        return httpx.Client(base_url=base_url, timeout=TIMEOUT, transport=_transport)
    return httpx.Client(base_url=base_url, timeout=TIMEOUT)


def _committee_headers() -> Dict[str, str]:
    return {'X-Committee-Token': get_settings().committee_token}


def request(service: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    try:
        with client_for(service) as client:
            return client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        raise ServiceUnavailable(service, str(exc) or exc.__class__.__name__)


def get_json(service: str, path: str, params: Optional[Dict[str, Any]] = None) -> Any:
    response = request(service, 'GET', path, params=params)
    if response.status_code >= 400:
        raise ServiceUnavailable(service, 'GET %s answered %s' % (path, response.status_code))
    return response.json()


def post_json(service: str, path: str, payload: Optional[Dict[str, Any]] = None,
              committee: bool = False) -> Any:
    headers = _committee_headers() if committee else {}
    response = request(service, 'POST', path, json=payload, headers=headers)
    if response.status_code >= 400:
        raise ServiceUnavailable(service, 'POST %s answered %s' % (path, response.status_code))
    if response.status_code == 204:
        return None
    return response.json()


def delete(service: str, path: str) -> int:
    # 404 counts as done: the record was already gone.
    response = request(service, 'DELETE', path, headers=_committee_headers())
    if response.status_code >= 400 and response.status_code != 404:
        raise ServiceUnavailable(service, 'DELETE %s answered %s' % (path, response.status_code))
    return response.status_code


def forward(service: str, method: str, path: str, params: Any, content: bytes,
            headers: Dict[str, str]) -> httpx.Response:
    return request(service, method, path, params=params, content=content, headers=headers)
