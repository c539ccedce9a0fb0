import os

from fastapi import APIRouter

from libs.settings import load

router = APIRouter(prefix="/api/v1")


@router.get("/version")
def version():
    return {"service": load().service_name, "version": "1.4.2"}


@router.get("/support")
def support():
    # read per request: a missing value shows only here
    return {"email": os.environ.get("SUPPORT_EMAIL", "")}


@router.get("/users/{user_id}")
def get_user(user_id: int):
    return {"id": user_id}
