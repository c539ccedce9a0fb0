"""Academy service: programs, cohorts, enrolments, curriculum and coach assignments."""

from fastapi import FastAPI

from services.academy_service.coach_assignment_router import router as coach_assignment_router
from services.academy_service.curriculum_router import router as curriculum_router
from services.academy_service.router import router


def create_app() -> FastAPI:
    app = FastAPI(title="Academy Service", version="1.0.0")

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "academy"}

    # Coach assignments first: they serve GET /academy/cohorts/unstaffed, which the main
    # router would otherwise route to GET /academy/cohorts/{cohort_id}.
    app.include_router(coach_assignment_router, prefix="/api/v1/academy")
    app.include_router(curriculum_router, prefix="/api/v1/academy")
    app.include_router(router, prefix="/api/v1")
    return app


app = create_app()
