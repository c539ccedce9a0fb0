"""Body of the public self-enrol form (kept apart when the form went live)."""

from pydantic import BaseModel, Field


class SelfEnrollRequest(BaseModel):
    student_name: str = Field(min_length=2, max_length=120)
    student_email: str = Field(min_length=3, max_length=200)
