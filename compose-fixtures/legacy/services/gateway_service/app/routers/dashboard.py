"""The committee dashboard: one call that gathers figures from several services.

A service that is down does not sink the dashboard; its section says ``unavailable``.
"""

from typing import Any, Callable, Dict, List
import uuid

from fastapi import APIRouter, HTTPException

from services.gateway_service.app import clients

router = APIRouter(prefix='/dashboard', tags=['dashboard'])

API = '/api/v1'


def _section(loader: Callable[[], Any]) -> Dict[str, Any]:
    try:
        return {'status': 'ok', 'data': loader()}
    except clients.ServiceUnavailable as exc:
        return {'status': 'unavailable', 'detail': exc.detail}


def _count(rows: List[Dict[str, Any]], **match: Any) -> int:
    total = 0
    for row in rows:
        if all(row.get(key) == value for key, value in match.items()):
            total += 1
    return total


# --- Summary ------------------------------------------------------------------------
@router.get('/summary')
def dashboard_summary() -> Dict[str, Any]:
    def members() -> Dict[str, int]:
        rows = clients.get_json('members', API + '/members')
        return {'total': len(rows), 'active': _count(rows, status='active')}

    def cohorts() -> Dict[str, int]:
        rows = clients.get_json('academy', API + '/cohorts', params={'status': 'open'})
        return {'open': len(rows)}

    def events() -> List[str]:
        rows = clients.get_json('events', API + '/events/upcoming', params={'limit': 5})
        return [row['title'] for row in rows]

    def payments() -> Dict[str, Any]:
        rows = clients.get_json('payments', API + '/payments', params={'status': 'outstanding'})
        owed = sum(float(row.get('amount', 0)) for row in rows)
        return {'outstanding': len(rows), 'owed': round(owed, 2)}

    return {
        'members': _section(members),
        'cohorts': _section(cohorts),
        'events': _section(events),
        'payments': _section(payments),
    }


# --- One member ---------------------------------------------------------------------
@router.get('/members/{member_id}')
def member_overview(member_id: uuid.UUID) -> Dict[str, Any]:
    try:
        member = clients.get_json('members', API + '/members/%s' % member_id)
    except clients.ServiceUnavailable as exc:
        raise HTTPException(status_code=502, detail=exc.detail)
    params = {'member_id': str(member_id)}
    return {
        'member': member,
        'enrollments': _section(
            lambda: clients.get_json('academy', API + '/enrollments', params=params)),
        'payments': _section(
            lambda: clients.get_json('payments', API + '/payments', params=params)),
    }
