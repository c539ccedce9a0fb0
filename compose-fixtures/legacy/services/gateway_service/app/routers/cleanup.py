"""Committee clean-up jobs that span services (members who leave, stale AI logs).

Each step is attempted even when an earlier one fails; the report says which did.
"""

import datetime
from typing import Any, Dict, List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException

from services.gateway_service.app import clients
from shared.security import require_committee

router = APIRouter(prefix='/cleanup', tags=['cleanup'], dependencies=[Depends(require_committee)])

API = '/api/v1'


def _step(name: str, action: Any) -> Dict[str, Any]:
    try:
        result = action()
    except clients.ServiceUnavailable as exc:
        return {'step': name, 'ok': False, 'detail': exc.detail}
    return {'step': name, 'ok': True, 'detail': result}


def _member_steps(member_id: uuid.UUID) -> List[Any]:
    params = {'member_id': str(member_id)}

    def enrollments() -> int:
        rows = clients.get_json('academy', API + '/enrollments', params=params)
        for row in rows:
            clients.delete('academy', API + '/enrollments/%s' % row['id'])
        return len(rows)

    def notifications() -> Optional[Any]:
        return clients.post_json('communications', API + '/notifications/purge',
                                 {'member_id': str(member_id)}, committee=True)

    def payments() -> Optional[Any]:
        # Payments are anonymised, never deleted: the treasurer must keep the books.
        return clients.post_json('payments', API + '/payments/anonymise',
                                 {'member_id': str(member_id)}, committee=True)

    def member() -> int:
        return clients.delete('members', API + '/members/%s' % member_id)

    return [('academy.enrollments', enrollments), ('communications.notifications', notifications),
            ('payments.anonymise', payments), ('members.member', member)]


# --- Members who leave --------------------------------------------------------------
@router.get('/members/{member_id}/preview')
def preview_member_cleanup(member_id: uuid.UUID) -> Dict[str, Any]:
    return {'member_id': str(member_id), 'steps': [name for name, _ in _member_steps(member_id)]}


@router.post('/members/{member_id}')
def cleanup_member(member_id: uuid.UUID) -> Dict[str, Any]:
    report = [_step(name, action) for name, action in _member_steps(member_id)]
    return {'member_id': str(member_id), 'complete': all(s['ok'] for s in report),
            'steps': report}


# --- Stale AI requests --------------------------------------------------------------
@router.post('/ai-requests')
def cleanup_ai_requests(older_than_days: int = 90) -> Dict[str, Any]:
    if older_than_days < 30:
        raise HTTPException(status_code=422, detail='keep at least 30 days of AI requests')
    cutoff = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(
        days=older_than_days)
    step = _step('ai.requests', lambda: clients.post_json(
        'ai', API + '/ai/requests/purge', {'before': cutoff.isoformat()}, committee=True))
    return {'cutoff': cutoff.isoformat(), 'steps': [step]}
