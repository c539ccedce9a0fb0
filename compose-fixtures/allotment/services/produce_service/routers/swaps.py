"""Seed swaps between plot holders."""

import uuid

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy.orm import Session

from services.produce_service.models import Swap, SwapStatus
from services.produce_service.schemas import SwapIn, SwapOut
from shared.database import get_session

router = APIRouter(prefix='/swaps', tags=['swaps'])


def _swap_or_404(session: Session, swap_id: uuid.UUID) -> Swap:
    swap = session.get(Swap, swap_id)
    if swap is None:
        raise HTTPException(status_code=404, detail='swap not found')
    return swap


@router.post('', response_model=SwapOut, status_code=status.HTTP_201_CREATED)
def post_swap(body: SwapIn, session: Session = Depends(get_session)) -> Swap:
    swap = Swap(**body.model_dump())
    session.add(swap)
    session.flush()
    return swap


@router.get('/{swap_id}', response_model=SwapOut)
def get_swap(swap_id: uuid.UUID, session: Session = Depends(get_session)) -> Swap:
    return _swap_or_404(session, swap_id)


@router.post('/{swap_id}/close', response_model=SwapOut)
def close_swap(swap_id: uuid.UUID, session: Session = Depends(get_session)) -> Swap:
    swap = _swap_or_404(session, swap_id)
    swap.status = SwapStatus.CLOSED
    return swap
