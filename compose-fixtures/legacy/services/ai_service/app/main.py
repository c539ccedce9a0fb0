"""AI service application (``uvicorn services.ai_service.app.main:app``)."""

from fastapi import FastAPI

from services.ai_service.router import router, templates_router

app = FastAPI(title='AI Service', version='1.4.0')


@app.get('/health', tags=['health'])
def health() -> dict:
    return {'status': 'ok', 'service': 'ai'}


# Completions, the request log and the scores share the /api/v1 prefix of the old gateway.
app.include_router(router, prefix='/api/v1', tags=['ai'])  # completions + scoring
# Prompt templates are committee-managed; their own tag keeps them apart in the docs.
app.include_router(templates_router, prefix='/api/v1', tags=['templates'])  # templates
