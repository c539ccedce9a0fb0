"""Body of POST /academy/cohorts/{cohort_id}/enroll (members enrolling themselves)."""

from pydantic import BaseModel, Field


class SelfEnrollRequest(BaseModel):
    notes: str | None = Field(default=None, max_length=500)
    accept_waitlist: bool = True
