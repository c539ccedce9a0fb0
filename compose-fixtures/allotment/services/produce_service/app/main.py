"""Produce service application (``uvicorn services.produce_service.app.main:app``)."""

from fastapi import FastAPI

from services.produce_service.router import router
from services.produce_service.routers import listings, swaps

app = FastAPI(title='Produce Service', version='1.4.2')


@app.get('/health', tags=['health'])
def health() -> dict:
    return {'status': 'ok', 'service': 'produce'}


# Listings first: its "/listings/seasonal" is registered before "/listings/{listing_id}".
app.include_router(listings.router, prefix='/api')  # /api/listings, /api/listings/seasonal
# The exchange router, re-exported by router.py under its old name, sits between the
# package routers: it must stay before swaps, or "/swaps/open" is read as a swap id.
app.include_router(router, prefix='/api')  # the exchange: offers, open swaps, board
# Swaps last.
app.include_router(swaps.router, prefix='/api')  # /api/swaps/{swap_id} shadows any literal
