"""HTTP routes of the payments service: payments and webhooks, invoices, admin reports.

Payouts have their own router (``payout_router.py``); both are mounted under /api/v1.
"""

from typing import Dict, List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, Request, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.payments_service.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    WebhookEvent,
)
from services.payments_service.paystack_client import (
    PaystackClient,
    PaystackError,
    get_paystack_client,
)
from services.payments_service.schemas import (
    InvoiceCreate,
    InvoiceDetail,
    InvoiceOut,
    MonthlyTotal,
    PaymentInitialize,
    PaymentOut,
    PaymentStats,
    WebhookAck,
)
from shared.database import get_session, utcnow
from shared.security import require_committee

router = APIRouter()


def _payment_or_404(session: Session, reference: str) -> Payment:
    payment = session.scalar(select(Payment).where(Payment.reference == reference))
    if payment is None:
        raise HTTPException(status_code=404, detail='payment not found')
    return payment


def _invoice_or_404(session: Session, invoice_id: uuid.UUID) -> Invoice:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise HTTPException(status_code=404, detail='invoice not found')
    return invoice


# --- Payments -----------------------------------------------------------------------
@router.get('/payments', response_model=List[PaymentOut], tags=['payments'])
def list_payments(status_filter: Optional[PaymentStatus] = None,
                  session: Session = Depends(get_session)) -> List[Payment]:
    query = select(Payment).order_by(Payment.created_at.desc())
    if status_filter is not None:
        query = query.where(Payment.status == status_filter)
    return list(session.scalars(query))


@router.post('/payments/initialize', response_model=PaymentOut,
             status_code=status.HTTP_201_CREATED, tags=['payments'])
def initialize_payment(
    body: PaymentInitialize,
    session: Session = Depends(get_session),
    paystack: PaystackClient = Depends(get_paystack_client),
) -> Payment:
    if body.invoice_id is not None:
        invoice = _invoice_or_404(session, body.invoice_id)
        if invoice.status != InvoiceStatus.OPEN:
            raise HTTPException(status_code=409, detail='invoice is not open')
    reference = 'PAY-%s' % uuid.uuid4().hex[:16].upper()
    try:
        data = paystack.initialize_transaction(body.email, body.amount, reference)
    except PaystackError as exc:
        raise HTTPException(status_code=502, detail=str(exc))
    payment = Payment(reference=reference, invoice_id=body.invoice_id, email=body.email,
                      amount=body.amount, authorization_url=data.get('authorization_url'))
    session.add(payment)
    session.flush()
    return payment


@router.post('/payments/webhook', response_model=WebhookAck, tags=['payments'])
async def paystack_webhook(
    request: Request,
    session: Session = Depends(get_session),
    paystack: PaystackClient = Depends(get_paystack_client),
) -> WebhookAck:
    raw = await request.body()
    if not paystack.signature_is_valid(raw, request.headers.get('x-paystack-signature')):
        raise HTTPException(status_code=401, detail='bad signature')
    payload = await request.json()
    event = payload.get('event', '')
    data = payload.get('data') or {}
    session.add(WebhookEvent(event=event, reference=data.get('reference'), payload=payload))
    if event == 'charge.success':
        payment = session.scalar(select(Payment).where(Payment.reference == data.get('reference')))
        if payment is not None and payment.status != PaymentStatus.SUCCESS:
            payment.mark_paid(data.get('channel'))
    return WebhookAck(received=True, event=event)


@router.get('/payments/{reference}', response_model=PaymentOut, tags=['payments'])
def get_payment(reference: str, session: Session = Depends(get_session)) -> Payment:
    return _payment_or_404(session, reference)


@router.post('/payments/{reference}/verify', response_model=PaymentOut, tags=['payments'])
def verify_payment(
    reference: str,
    session: Session = Depends(get_session),
    paystack: PaystackClient = Depends(get_paystack_client),
) -> Payment:
    payment = _payment_or_404(session, reference)
    if payment.status == PaymentStatus.SUCCESS:
        return payment
    try:
        data = paystack.verify_transaction(reference)
    except PaystackError as exc:
        raise HTTPException(status_code=502, detail=str(exc))
    if data.get('status') == 'success':
        payment.mark_paid(data.get('channel'))
    elif data.get('status') in ('failed', 'abandoned'):
        payment.status = PaymentStatus.FAILED
    return payment


# --- Invoices -----------------------------------------------------------------------
@router.get('/invoices', response_model=List[InvoiceOut], tags=['invoices'])
def list_invoices(member_email: Optional[str] = None,
                  session: Session = Depends(get_session)) -> List[Invoice]:
    query = select(Invoice).order_by(Invoice.number)
    if member_email:
        query = query.where(Invoice.member_email == member_email)
    return list(session.scalars(query))


@router.post('/invoices', response_model=InvoiceOut, status_code=status.HTTP_201_CREATED,
             tags=['invoices'], dependencies=[Depends(require_committee)])
def create_invoice(body: InvoiceCreate, session: Session = Depends(get_session)) -> Invoice:
    count = len(session.scalars(select(Invoice.id)).all())
    invoice = Invoice(number='INV-%05d' % (count + 1), **body.model_dump())
    session.add(invoice)
    session.flush()
    return invoice


@router.get('/invoices/overdue', response_model=List[InvoiceOut], tags=['invoices'])
def overdue_invoices(session: Session = Depends(get_session)) -> List[Invoice]:
    query = select(Invoice).where(Invoice.status == InvoiceStatus.OPEN).order_by(Invoice.due_on)
    return [invoice for invoice in session.scalars(query) if invoice.is_overdue()]


@router.get('/invoices/{invoice_id}', response_model=InvoiceDetail, tags=['invoices'])
def get_invoice(invoice_id: uuid.UUID, session: Session = Depends(get_session)) -> Invoice:
    # amount_paid is a property of the model, so the detail schema reads it directly.
    return _invoice_or_404(session, invoice_id)


@router.post('/invoices/{invoice_id}/void', response_model=InvoiceOut, tags=['invoices'],
             dependencies=[Depends(require_committee)])
def void_invoice(invoice_id: uuid.UUID, session: Session = Depends(get_session)) -> Invoice:
    invoice = _invoice_or_404(session, invoice_id)
    if invoice.status == InvoiceStatus.PAID:
        raise HTTPException(status_code=409, detail='a paid invoice cannot be voided')
    invoice.status = InvoiceStatus.VOID
    return invoice


# --- Admin reports ------------------------------------------------------------------
# Only the reports aggregate in SQL, so func is imported here (the treasurer's addition).
from sqlalchemy import func  # noqa: E402


@router.get('/admin/stats', response_model=PaymentStats, tags=['admin'],
            dependencies=[Depends(require_committee)])
def payment_stats(session: Session = Depends(get_session)) -> PaymentStats:
    by_status: Dict[str, int] = {}
    for state, count in session.execute(
        select(Payment.status, func.count(Payment.id)).group_by(Payment.status)
    ):
        by_status[state.value] = count
    collected = session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(
            Payment.status == PaymentStatus.SUCCESS))
    open_invoices = list(session.scalars(
        select(Invoice).where(Invoice.status == InvoiceStatus.OPEN)))
    return PaymentStats(
        payments=sum(by_status.values()),
        collected=collected,
        by_status=by_status,
        open_invoices=len(open_invoices),
        overdue_invoices=len([i for i in open_invoices if i.is_overdue(utcnow().date())]),
    )


@router.get('/admin/reports/monthly', response_model=List[MonthlyTotal], tags=['admin'],
            dependencies=[Depends(require_committee)])
def monthly_report(session: Session = Depends(get_session)) -> List[MonthlyTotal]:
    month = func.to_char(Payment.paid_at, 'YYYY-MM')
    query = (select(month, func.sum(Payment.amount))
             .where(Payment.status == PaymentStatus.SUCCESS)
             .group_by(month).order_by(month))
    return [MonthlyTotal(month=m, collected=total) for m, total in session.execute(query)]
