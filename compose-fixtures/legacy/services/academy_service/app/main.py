"""Academy service application (``uvicorn services.academy_service.app.main:app``)."""

from fastapi import FastAPI

from services.academy_service.coach_assignment_router import router as coach_assignment_router
from services.academy_service.curriculum_router import router as curriculum_router
from services.academy_service.router import router

app = FastAPI(title="Academy Service", version='1.9.2')


@app.get('/health', tags=['health'])
def health() -> dict:
    return {'status': 'ok', 'service': 'academy'}


# Programs, cohorts, enrolments, milestones, scoring, coach dashboard, internal.
app.include_router(router, prefix='/api/v1')  # the big one; mounted first
# Coach assignments carry their own prefix (/coach-assignments) and tag.
app.include_router(coach_assignment_router, prefix='/api/v1')  # committee writes only
# Curriculum routes hang off /programs/{id}/curriculum.
app.include_router(curriculum_router, prefix='/api/v1')  # after router: same /programs root
