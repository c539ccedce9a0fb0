"""Sessions service application (``uvicorn services.sessions_service.app.main:app``)."""

from fastapi import FastAPI

from services.sessions_service.internal_router import internal_router
from services.sessions_service.router import router
from services.sessions_service.template_router import template_router

app = FastAPI(title='Sessions Service', version='1.9.2')


@app.get('/health', tags=['health'])
def health() -> dict:
    return {'status': 'ok', 'service': 'sessions'}


# Sessions and bookings, the routes the members' app uses.
app.include_router(router, prefix='/api/v1')  # /api/v1/sessions
# Templates came later; they share the public prefix.
app.include_router(template_router, prefix='/api/v1')  # /api/v1/templates, committee writes
# Internal routes carry no /api/v1: the gateway does not forward /internal.
app.include_router(internal_router)  # called by the attendance and members services
