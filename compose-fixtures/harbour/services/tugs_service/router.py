"""Tug availability."""

from fastapi import APIRouter

router = APIRouter(prefix="/tugs", tags=["tugs"])

FLEET = {"Bollard": 60, "Hawser": 45, "Capstan": 80}


@router.get("/free")
async def free_tugs(min_bollard_pull: int = 0) -> list[str]:
    return sorted(name for name, pull in FLEET.items() if pull >= min_bollard_pull)
