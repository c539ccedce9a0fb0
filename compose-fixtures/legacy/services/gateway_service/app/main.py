"""Gateway application (``uvicorn services.gateway_service.app.main:app``).

The web app only ever talks to the gateway. ``/api/{service}/...`` is passed through to
the service as ``/api/v1/...``; the dashboard and cleanup routers combine services.
"""

from typing import Dict

from fastapi import FastAPI, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from services.gateway_service.app import clients
from services.gateway_service.app.routers import cleanup, dashboard

# Headers that belong to one hop only and must not be passed along.
HOP_HEADERS = ('host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive')

app = FastAPI(title='Gateway', version='3.1.0')


@app.get('/health', tags=['health'])
def health() -> dict:
    return {'status': 'ok', 'service': 'gateway'}


@app.get('/health/services', tags=['health'])
def services_health() -> Dict[str, str]:
    report = {}
    for service in clients.KNOWN_SERVICES:
        try:
            response = clients.request(service, 'GET', '/health')
            report[service] = 'ok' if response.status_code == 200 else 'error'
        except clients.ServiceUnavailable:
            report[service] = 'unavailable'
    return report


# Combined views first: /dashboard and /cleanup must win over the catch-all proxy below.
app.include_router(dashboard.router)  # committee dashboard, read only
# Clean-up jobs write to several services; the router itself checks the committee token.
app.include_router(cleanup.router)  # committee only


# --- Pass-through proxy -------------------------------------------------------------
@app.api_route('/api/{service}/{path:path}', methods=['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
               tags=['proxy'])
async def proxy(service: str, path: str, request: Request) -> Response:
    if service not in clients.KNOWN_SERVICES:
        raise HTTPException(status_code=404, detail='unknown service %s' % service)
    headers = dict(
        (key, value) for key, value in request.headers.items() if key.lower() not in HOP_HEADERS
    )
    body = await request.body()
    try:
        upstream = await run_in_threadpool(
            clients.forward, service, request.method, '/api/v1/' + path,
            list(request.query_params.multi_items()), body, headers)
    except clients.ServiceUnavailable as exc:
        raise HTTPException(status_code=502, detail=exc.detail)
    return Response(content=upstream.content, status_code=upstream.status_code,
                    media_type=upstream.headers.get('content-type'))
