"""Roster routes: who is on duty, and one pilot's licence classes."""

from fastapi import APIRouter, HTTPException

router = APIRouter(prefix="/pilots", tags=["pilots"])

ROSTER = {
    "p-101": {"name": "A. Varga", "classes": ["tanker", "container"], "on_duty": True},
    "p-102": {"name": "M. Osei", "classes": ["ferry"], "on_duty": False},
}


@router.get("/on-duty")
async def on_duty() -> list[str]:
    return sorted(pid for pid, pilot in ROSTER.items() if pilot["on_duty"])


@router.get("/{pilot_id}")
async def get_pilot(pilot_id: str) -> dict:
    if pilot_id not in ROSTER:
        raise HTTPException(status_code=404, detail="pilot not found")
    return {"id": pilot_id, **ROSTER[pilot_id]}
