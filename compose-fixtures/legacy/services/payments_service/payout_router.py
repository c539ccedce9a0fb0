"""Payouts to produce-exchange sellers: recipients, requests, approval and sending.

A payout is requested by the exchange desk and sent through Paystack once the committee
approves it; the transfer code Paystack returns is kept for the treasurer's ledger.
"""

from typing import List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.payments_service.models import Payout, PayoutRecipient, PayoutStatus
from services.payments_service.paystack_client import (
    PaystackClient,
    PaystackError,
    get_paystack_client,
)
from shared.database import get_session, utcnow
from shared.security import require_committee

from .payout_schemas import PayoutCreate, PayoutOut, RecipientCreate, RecipientOut

payout_router = APIRouter(prefix='/payouts', tags=['payouts'])


def _payout_or_404(session: Session, payout_id: uuid.UUID) -> Payout:
    payout = session.get(Payout, payout_id)
    if payout is None:
        raise HTTPException(status_code=404, detail='payout not found')
    return payout


# --- Recipients ---------------------------------------------------------------------
@payout_router.get('/recipients', response_model=List[RecipientOut])
def list_recipients(session: Session = Depends(get_session)) -> List[PayoutRecipient]:
    return list(session.scalars(select(PayoutRecipient).order_by(PayoutRecipient.name)))


@payout_router.post('/recipients', response_model=RecipientOut,
                    status_code=status.HTTP_201_CREATED,
                    dependencies=[Depends(require_committee)])
def create_recipient(
    body: RecipientCreate,
    session: Session = Depends(get_session),
    paystack: PaystackClient = Depends(get_paystack_client),
) -> PayoutRecipient:
    try:
        data = paystack.create_transfer_recipient(body.name, body.account_number, body.bank_code)
    except PaystackError as exc:
        raise HTTPException(status_code=502, detail=str(exc))
    recipient = PayoutRecipient(recipient_code=data.get('recipient_code'), **body.model_dump())
    session.add(recipient)
    session.flush()
    return recipient


# --- Payouts ------------------------------------------------------------------------
@payout_router.get('', response_model=List[PayoutOut])
def list_payouts(status_filter: Optional[PayoutStatus] = None,
                 session: Session = Depends(get_session)) -> List[Payout]:
    query = select(Payout).order_by(Payout.created_at)
    if status_filter is not None:
        query = query.where(Payout.status == status_filter)
    return list(session.scalars(query))


@payout_router.post('', response_model=PayoutOut, status_code=status.HTTP_201_CREATED)
def request_payout(body: PayoutCreate, session: Session = Depends(get_session)) -> Payout:
    if session.get(PayoutRecipient, body.recipient_id) is None:
        raise HTTPException(status_code=404, detail='recipient not found')
    payout = Payout(**body.model_dump())
    session.add(payout)
    session.flush()
    return payout


@payout_router.get('/{payout_id}', response_model=PayoutOut)
def get_payout(payout_id: uuid.UUID, session: Session = Depends(get_session)) -> Payout:
    return _payout_or_404(session, payout_id)


@payout_router.post('/{payout_id}/approve', response_model=PayoutOut,
                    dependencies=[Depends(require_committee)])
def approve_payout(
    payout_id: uuid.UUID,
    session: Session = Depends(get_session),
    paystack: PaystackClient = Depends(get_paystack_client),
) -> Payout:
    payout = _payout_or_404(session, payout_id)
    if payout.status != PayoutStatus.REQUESTED:
        raise HTTPException(status_code=409, detail='payout already %s' % payout.status.value)
    payout.status = PayoutStatus.APPROVED
    try:
        data = paystack.initiate_transfer(
            payout.recipient.recipient_code or '', payout.amount, payout.reason)
    except PaystackError:
        payout.status = PayoutStatus.FAILED
        return payout
    payout.transfer_code = data.get('transfer_code')
    payout.status = PayoutStatus.SENT
    payout.sent_at = utcnow()
    return payout
