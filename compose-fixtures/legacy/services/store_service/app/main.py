"""Store service application (``uvicorn services.store_service.app.main:app``)."""

from fastapi import FastAPI

from services.store_service.admin_router import admin_router
from services.store_service.router import router

app = FastAPI(title='Store Service', version='1.4.2')


@app.get('/health', tags=['health'])
def health() -> dict:
    return {'status': 'ok', 'service': 'store'}


# Catalogue, orders and the basket: members reach these through the gateway.
app.include_router(router, prefix='/api/v1/store')  # public; X-Member-Email identifies the member
# The hut volunteers' screens; every route needs the committee token.
app.include_router(admin_router, prefix='/api/v1/store/admin', tags=['store-admin'])  # committee
