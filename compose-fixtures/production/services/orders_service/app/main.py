from fastapi import FastAPI

from libs.settings import load
from services.orders_service import models  # noqa: F401  (registers the tables)
from services.orders_service.router import router

settings = load()
app = FastAPI(title="orders")
app.include_router(router)


@app.get("/health")
def health():
    return {"status": "ok"}
