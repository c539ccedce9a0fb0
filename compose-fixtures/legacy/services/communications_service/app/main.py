"""Communications service application (``uvicorn services.communications_service.app.main:app``)."""

from fastapi import FastAPI

from services.communications_service.email_router import email_router
from services.communications_service.messaging_router import messaging_router
from services.communications_service.router import router

# NOTE: preferences_router is deliberately NOT included. Preferences are still served by the
# members service; mounting it here too would give the front end two sources of truth.
# from services.communications_service.preferences_router import preferences_router

app = FastAPI(
    title='Communications Service',
    description='Notice board, notifications, email and messaging of the allotment society.',
    version='1.8.2',
)


@app.get('/health', tags=['health'])
def health() -> dict:
    return {'status': 'ok', 'service': 'communications'}


# Announcements and notifications (router.py): the notice board the gateway proxies.
app.include_router(router, prefix='/api/v1')  # tags are set per route in router.py
# Outgoing email; the worker picks up whatever stays queued.
app.include_router(email_router, prefix='/api/v1')  # /api/v1/email/...
# Member <-> committee message threads.
app.include_router(messaging_router, prefix='/api/v1')  # /api/v1/threads/...
# app.include_router(preferences_router, prefix='/api/v1')  # deliberately not mounted (above)
