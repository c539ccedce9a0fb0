"""Payments service application, served as ``services.payments_service.app.main:app``."""

from fastapi import FastAPI

from services.payments_service.payout_router import payout_router
from services.payments_service.router import router

app = FastAPI(title='Payments Service', version='1.4.2')


@app.get('/health', tags=['health'])
def health() -> dict:
    return {'status': 'ok', 'service': 'payments'}


# Payments, Paystack webhooks, invoices and the treasurer's admin reports.
app.include_router(router, prefix='/api/v1')  # webhook URL is registered with Paystack: keep it
# Seller payouts; the router carries its own /payouts prefix and tag.
app.include_router(payout_router, prefix='/api/v1')  # committee approves, Paystack transfers
