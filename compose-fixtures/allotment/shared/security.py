"""The committee token check used by write endpoints of every service."""

from typing import Optional

from fastapi import Header, HTTPException

from shared.config import get_settings


def require_committee(x_committee_token: Optional[str] = Header(default=None)) -> None:
    if x_committee_token != get_settings().committee_token:
        raise HTTPException(status_code=403, detail='committee members only')
    return None
