"""Behaviour of the AI service over HTTP, against PostgreSQL (no provider network)."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.ai_service.models import ScoreRecord
from services.ai_service.scoring.coach_grade import coach_grade
from services.ai_service.scoring.cohort_complexity import cohort_complexity
from shared.database import get_engine

from .conftest import API


def test_health(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'ai'}


def test_completion_is_logged(client):
    response = client.post(API + '/completions', json={'prompt': 'When should I sow leeks?'})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body['provider'] == 'offline' and body['status'] == 'done'
    assert body['response'].startswith('Noted: When should')
    listed = client.get(API + '/requests', params={'kind': 'completion'}).json()
    assert [r['id'] for r in listed] == [body['id']]
    assert client.post(API + '/completions', json={}).status_code == 422
    assert client.post(API + '/completions', json={'prompt': 'x', 'provider': 'cloud'}
                       ).status_code == 400


def test_templates_need_the_committee(client, committee):
    payload = {'name': 'sowing', 'body': 'When should I sow {crop}?'}
    assert client.post(API + '/templates', json=payload).status_code == 403
    created = client.post(API + '/templates', json=payload, headers=committee)
    assert created.status_code == 201, created.text
    answer = client.post(API + '/completions', json={'template': 'sowing',
                                                     'values': {'crop': 'broad beans'}})
    assert answer.json()['response'] == 'Noted: When should I sow broad beans?'
    retired = client.delete(API + '/templates/%s' % created.json()['id'], headers=committee)
    assert retired.status_code == 204
    assert client.post(API + '/completions', json={'template': 'sowing'}).status_code == 404


def test_cohort_and_coach_scores(client):
    cohort_id = str(uuid.uuid4())
    response = client.post(API + '/scoring/cohort-complexity',
                           json={'cohort_id': cohort_id, 'size': 20, 'beginners': 20, 'sites': 2})
    assert response.status_code == 201, response.text
    assert response.json()['score'] == cohort_complexity(20, 20, 2, 8) == 10.0
    assert response.json()['grade'] == 'C'
    grade = client.post(API + '/scoring/coach-grade',
                        json={'ratings': [5, 4, 5], 'sessions_run': 9, 'sessions_missed': 1})
    assert grade.json()['score'] == coach_grade([5, 4, 5], 9, 1)[0]
    assert client.post(API + '/scoring/coach-grade', json={'ratings': [9]}).status_code == 422
    logged = client.get(API + '/requests', params={'kind': 'cohort_complexity'}).json()
    detail = client.get(API + '/requests/%s' % logged[0]['id']).json()
    assert detail['scores'][0]['subject_id'] == cohort_id
    with Session(get_engine()) as session:
        with session.begin():
            assert session.scalar(select(func.count()).select_from(ScoreRecord)) == 2


def test_coach_suggestions(client):
    candidates = [
        {'coach_id': str(uuid.uuid4()), 'name': 'Mo', 'grade_score': 9.0, 'open_cohorts': 2},
        {'coach_id': str(uuid.uuid4()), 'name': 'Ann', 'grade_score': 8.0},
        {'coach_id': str(uuid.uuid4()), 'name': 'Raj', 'grade_score': 4.0},
    ]
    response = client.post(API + '/scoring/coach-suggestions',
                           json={'complexity': 8.0, 'candidates': candidates, 'limit': 2})
    assert response.status_code == 200, response.text
    assert [row['name'] for row in response.json()] == ['Ann', 'Mo']


def test_purge_needs_the_committee(client, committee):
    client.post(API + '/completions', json={'prompt': 'Blight on the tomatoes'})
    later = '2999-01-01T00:00:00+00:00'
    assert client.post(API + '/requests/purge', json={'before': later}).status_code == 403
    purged = client.post(API + '/requests/purge', json={'before': later}, headers=committee)
    assert purged.json() == {'purged': 1}
    assert client.get(API + '/requests').json() == []
