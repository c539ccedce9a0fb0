"""The academy service over HTTP, against PostgreSQL."""

import datetime

from sqlalchemy.orm import Session

from services.academy_service.models import CohortStatus
from services.academy_service.tasks import rescore_open_cohorts, start_due_cohorts
from shared.database import get_engine

from .conftest import API


def test_health_and_committee_guard(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'academy'}
    body = {'name': 'Bees', 'category': 'beekeeping'}
    assert client.post(API + '/programs', json=body).status_code == 403


def test_cohort_transitions(client, open_cohort, committee):
    cohort = open_cohort()
    url = API + '/cohorts/%s/status' % cohort['id']
    assert client.post(url, json={'status': 'planned'}, headers=committee).status_code == 409
    assert client.post(url, json={'status': 'running'}, headers=committee).json()['status'] == (
        'running')


def test_self_enroll_until_full_and_progress(client, open_cohort, committee):
    cohort = open_cohort(capacity=1)
    url = API + '/cohorts/%s/self-enroll' % cohort['id']
    first = client.post(url, json={'student_name': 'Ann', 'student_email': 'ann@example.org'})
    assert first.status_code == 201 and first.json()['self_enrolled'] is True
    full = client.post(url, json={'student_name': 'Bob', 'student_email': 'bob@example.org'})
    assert full.status_code == 409
    milestone = client.post(API + '/programs/%s/milestones' % cohort['program_id'],
                            json={'title': 'Dig a trench'}, headers=committee).json()
    progress = client.post(API + '/enrollments/%s/milestones/%s' % (
        first.json()['id'], milestone['id'])).json()
    assert progress['total'] == 1 and progress['percent'] == 100.0
    roster = client.get(API + '/internal/cohorts/%s/roster' % cohort['id']).json()
    assert roster['emails'] == ['ann@example.org']


def test_scoring_and_coach_assignment(client, open_cohort, committee):
    cohort = open_cohort(category='beekeeping')
    score = client.post(API + '/cohorts/%s/complexity' % cohort['id'], headers=committee)
    assert score.json()['required_grade'] == 'grade_1'
    coach = '6f1c8a51-3b1e-4c2a-9a55-0d0c3c1f7e21'
    url = API + '/coach-assignments/cohorts/%s' % cohort['id']
    low = client.post(url, json={'coach_id': coach, 'grade': 'trainee'}, headers=committee)
    assert low.status_code == 409
    shadow = client.post(url, headers=committee,
                         json={'coach_id': coach, 'grade': 'trainee', 'role': 'shadow'})
    assert shadow.status_code == 201, shadow.text
    evaluation = client.post(API + '/coach-assignments/%s/evaluations' % shadow.json()['id'],
                             json={'evaluator': 'Head Gardener', 'rating': 4},
                             headers=committee)
    assert evaluation.status_code == 201, evaluation.text
    mine = client.get(API + '/coach/%s/cohorts' % coach).json()
    assert [c['id'] for c in mine] == [cohort['id']]
    ai = client.post(API + '/scoring/ai', json={'notes': 'Sting kit; ladder. Sting!'}).json()
    assert ai == {'score': 3, 'signals': {'sting': 2, 'ladder': 1}}


def test_curriculum_versions(client, open_cohort, committee):
    cohort = open_cohort()
    url = API + '/programs/%s/curriculum' % cohort['program_id']
    week = {'number': 1, 'theme': 'Soil', 'lessons': [
        {'title': 'Testing pH', 'skills': ['soil', 'ph']}, {'title': 'Mulch', 'skills': ['soil']}]}
    first = client.post(url + '/weeks', json=week, headers=committee)
    assert first.status_code == 201, first.text
    lessons = first.json()['weeks'][0]['lessons']
    assert {s['name'] for s in lessons[0]['skills']} == {'soil', 'ph'}
    assert client.post(url + '/publish', headers=committee).json()['is_published'] is True
    second = client.post(url + '/weeks', json=dict(week, number=2), headers=committee).json()
    assert second['version'] == 2 and client.get(url).json()['version'] == 2


def test_tasks(client, open_cohort):
    open_cohort()
    with Session(get_engine()) as session:
        with session.begin():
            assert len(rescore_open_cohorts(session)) == 1
            assert start_due_cohorts(session, datetime.date(2020, 3, 2)) == 1
    listed = client.get(API + '/cohorts').json()
    assert listed[0]['status'] == CohortStatus.RUNNING.value
