import os
from contextlib import asynccontextmanager

from fastapi import FastAPI

from libs.settings import load
from services.billing_service import models  # noqa: F401  (registers the tables)
from services.billing_service.router import router

settings = load()


@asynccontextmanager
async def lifespan(app: FastAPI):
    # The payment gateway is required at start; compose never sets it (a known bug).
    gateway = os.environ.get("PAYMENT_GATEWAY_URL")
    if not gateway:
        raise RuntimeError("PAYMENT_GATEWAY_URL is not set: billing cannot reach the payment gateway")
    yield


app = FastAPI(title="billing", lifespan=lifespan)
app.include_router(router)


@app.get("/health")
def health():
    return {"status": "ok"}
