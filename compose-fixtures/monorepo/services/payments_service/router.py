"""Payment endpoints: Paystack checkout, invoices, webhooks and admin payment reports.

Four routers live in this module; ``app/main.py`` mounts them. The admin router carries no
auth of its own: ``require_admin`` is applied when it is included.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, status
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_admin
from libs.db import get_async_db
from libs.settings import get_settings
from services.payments_service.models import (
    OPEN_INVOICE_STATUSES,
    SETTLED_STATUSES,
    Invoice,
    InvoiceItem,
    InvoiceStatus,
    MemberRef,
    Payment,
    PaymentMethod,
    PaymentPurpose,
    PaymentRefund,
    PaymentStatus,
    PaystackWebhookEvent,
    RefundStatus,
    WebhookEventStatus,
)
from services.payments_service.paystack_client import (
    InvalidAmount,
    PaystackClient,
    PaystackError,
    WebhookEvent,
    from_subunit,
    verify_signature,
)
from services.payments_service.schemas import (
    InvoiceCreate,
    InvoicePage,
    InvoiceResponse,
    MarkPaidRequest,
    OutstandingBalance,
    PaymentCheckout,
    PaymentCreate,
    PaymentDetail,
    PaymentPage,
    PaymentResponse,
    PaymentStats,
    PaymentSummary,
    RefundCreate,
    RefundResponse,
    StatusBreakdown,
    WebhookEventResponse,
)

router = APIRouter(prefix="/payments", tags=["payments"])

paystack = PaystackClient(get_settings().paystack_secret)

PAYMENT_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.PENDING: frozenset(
        {
            PaymentStatus.PROCESSING,
            PaymentStatus.SUCCEEDED,
            PaymentStatus.FAILED,
            PaymentStatus.CANCELLED,
        }
    ),
    PaymentStatus.PROCESSING: frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.FAILED}),
    PaymentStatus.SUCCEEDED: frozenset({PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}),
    PaymentStatus.PARTIALLY_REFUNDED: frozenset(
        {PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
    ),
    PaymentStatus.FAILED: frozenset(),
    PaymentStatus.CANCELLED: frozenset(),
    PaymentStatus.REFUNDED: frozenset(),
}
CENT = Decimal("0.01")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _money(value: Decimal | int) -> Decimal:
    return Decimal(value).quantize(CENT)


def _new_reference(prefix: str = "PAY") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16].upper()}"


def _bad_gateway(exc: PaystackError) -> HTTPException:
    return HTTPException(status.HTTP_502_BAD_GATEWAY, f"Paystack: {exc.message}")


async def _paginate(
    db: AsyncSession, query: Select[Any], page: int, page_size: int
) -> tuple[list[Any], int]:
    total = await db.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await db.execute(query.limit(page_size).offset((page - 1) * page_size))
    return list(rows.scalars()), int(total or 0)


async def _get_member_or_404(db: AsyncSession, member_id: uuid.UUID) -> MemberRef:
    member = await db.get(MemberRef, member_id)
    if member is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "member not found")
    return member


async def _get_payment_or_404(db: AsyncSession, payment_id: uuid.UUID) -> Payment:
    payment = await db.get(Payment, payment_id)
    if payment is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "payment not found")
    return payment


def _ensure_owner(member_id: uuid.UUID, user: AuthUser) -> None:
    if member_id != user.user_id and not user.is_admin:
        # 404 rather than 403: do not reveal which payment ids exist.
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")


def _transition(payment: Payment, target: PaymentStatus) -> None:
    if target not in PAYMENT_TRANSITIONS[payment.status]:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"payment cannot go from {payment.status.value} to {target.value}",
        )
    payment.status = target


async def _apply_to_invoice(
    db: AsyncSession, invoice_id: uuid.UUID | None, amount: Decimal
) -> Invoice | None:
    """Add (or, for refunds, remove) money on an invoice and recompute its status."""
    if invoice_id is None:
        return None
    invoice = await db.get(Invoice, invoice_id)
    if invoice is None or invoice.status in (InvoiceStatus.VOID, InvoiceStatus.DRAFT):
        return invoice
    invoice.amount_paid = _money(max(invoice.amount_paid + amount, Decimal(0)))
    if invoice.amount_paid >= invoice.total:
        invoice.status = InvoiceStatus.PAID
    elif invoice.amount_paid > 0:
        invoice.status = InvoiceStatus.PARTIALLY_PAID
    else:
        invoice.status = InvoiceStatus.ISSUED
    return invoice


async def _mark_succeeded(
    db: AsyncSession,
    payment: Payment,
    *,
    paid_at: datetime | None = None,
    channel: str | None = None,
    gateway_response: str | None = None,
    fees: Decimal | None = None,
) -> Payment:
    _transition(payment, PaymentStatus.SUCCEEDED)
    payment.paid_at = paid_at or _now()
    payment.channel = channel or payment.channel
    payment.gateway_response = gateway_response
    payment.fees = fees
    payment.failure_reason = None
    await _apply_to_invoice(db, payment.invoice_id, payment.amount)
    await db.flush()
    return payment


async def _start_checkout(
    db: AsyncSession,
    member: MemberRef,
    *,
    amount: Decimal,
    currency: str,
    purpose: PaymentPurpose,
    description: str | None = None,
    source_id: uuid.UUID | None = None,
    invoice_id: uuid.UUID | None = None,
    callback_url: str | None = None,
) -> PaymentCheckout:
    payment = Payment(
        reference=_new_reference(),
        member_id=member.id,
        payer_email=member.email,
        purpose=purpose,
        method=PaymentMethod.PAYSTACK,
        status=PaymentStatus.PENDING,
        amount=_money(amount),
        amount_refunded=Decimal(0),
        currency=currency,
        description=description,
        source_id=source_id,
        invoice_id=invoice_id,
    )
    db.add(payment)
    await db.flush()
    try:
        init = await paystack.initialize_transaction(
            email=member.email,
            amount=payment.amount,
            currency=currency,
            reference=payment.reference,
            callback_url=callback_url,
            metadata={"payment_id": str(payment.id), "purpose": purpose.value},
        )
    except InvalidAmount as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    except PaystackError as exc:
        payment.status = PaymentStatus.FAILED
        payment.failure_reason = exc.message[:255]
        await db.commit()
        raise _bad_gateway(exc) from exc
    payment.access_code = init.access_code
    payment.authorization_url = init.authorization_url
    await db.flush()
    await db.refresh(payment)
    return PaymentCheckout(
        payment=PaymentResponse.model_validate(payment),
        authorization_url=init.authorization_url,
        access_code=init.access_code,
    )


# --- Payments ----------------------------------------------------------------------


@router.get("/", response_model=PaymentPage)
async def list_my_payments(
    status_filter: PaymentStatus | None = Query(default=None, alias="status"),
    purpose: PaymentPurpose | None = None,
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=20, ge=1, le=100),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> PaymentPage:
    query = (
        select(Payment).where(Payment.member_id == user.user_id).order_by(Payment.created_at.desc())
    )
    if status_filter is not None:
        query = query.where(Payment.status == status_filter)
    if purpose is not None:
        query = query.where(Payment.purpose == purpose)
    items, total = await _paginate(db, query, page, page_size)
    return PaymentPage(items=items, total=total, page=page, page_size=page_size)


@router.post("/", response_model=PaymentCheckout, status_code=status.HTTP_201_CREATED)
async def create_payment(
    payload: PaymentCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> PaymentCheckout:
    if payload.purpose is PaymentPurpose.INVOICE:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "pay invoices via /invoices")
    member = await _get_member_or_404(db, user.user_id)
    return await _start_checkout(
        db,
        member,
        amount=payload.amount,
        currency=payload.currency,
        purpose=payload.purpose,
        description=payload.description,
        source_id=payload.source_id,
        callback_url=payload.callback_url,
    )


@router.get("/summary", response_model=PaymentSummary)
async def payment_summary(
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> PaymentSummary:
    mine = Payment.member_id == user.user_id
    settled = await db.execute(
        select(
            func.coalesce(func.sum(Payment.amount), 0),
            func.coalesce(func.sum(Payment.amount_refunded), 0),
            func.max(Payment.paid_at),
        ).where(mine, Payment.status.in_(SETTLED_STATUSES))
    )
    total_paid, total_refunded, last_payment_at = settled.one()
    pending = await db.scalar(
        select(func.count(Payment.id)).where(
            mine, Payment.status.in_((PaymentStatus.PENDING, PaymentStatus.PROCESSING))
        )
    )
    outstanding = await db.scalar(
        select(func.coalesce(func.sum(Invoice.total - Invoice.amount_paid), 0)).where(
            Invoice.member_id == user.user_id, Invoice.status.in_(OPEN_INVOICE_STATUSES)
        )
    )
    return PaymentSummary(
        total_paid=_money(total_paid),
        total_refunded=_money(total_refunded),
        pending_count=int(pending or 0),
        outstanding_balance=_money(outstanding or 0),
        last_payment_at=last_payment_at,
    )


@router.get("/{payment_id}", response_model=PaymentDetail)
async def get_payment(
    payment_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Payment:
    payment = await _get_payment_or_404(db, payment_id)
    _ensure_owner(payment.member_id, user)
    return payment


@router.post("/{payment_id}/verify", response_model=PaymentResponse)
async def verify_payment(
    payment_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Payment:
    """Ask Paystack for the outcome; called by the frontend after the checkout redirect."""
    payment = await _get_payment_or_404(db, payment_id)
    _ensure_owner(payment.member_id, user)
    if payment.method is not PaymentMethod.PAYSTACK:
        raise HTTPException(status.HTTP_409_CONFLICT, "only Paystack payments can be verified")
    if payment.status not in (PaymentStatus.PENDING, PaymentStatus.PROCESSING):
        return payment
    try:
        tx = await paystack.verify_transaction(payment.reference)
    except PaystackError as exc:
        raise _bad_gateway(exc) from exc
    if tx.succeeded:
        if tx.amount != payment.amount or tx.currency != payment.currency:
            payment.failure_reason = f"amount mismatch: Paystack reports {tx.amount} {tx.currency}"
            raise HTTPException(status.HTTP_409_CONFLICT, payment.failure_reason)
        await _mark_succeeded(
            db,
            payment,
            paid_at=tx.paid_at,
            channel=tx.channel,
            gateway_response=tx.gateway_response,
            fees=tx.fees,
        )
    elif tx.failed:
        _transition(payment, PaymentStatus.FAILED)
        payment.failure_reason = tx.gateway_response or tx.status
    elif payment.status is PaymentStatus.PENDING:
        _transition(payment, PaymentStatus.PROCESSING)
    await db.flush()
    await db.refresh(payment)
    return payment


@router.post("/{payment_id}/cancel", response_model=PaymentResponse)
async def cancel_payment(
    payment_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Payment:
    payment = await _get_payment_or_404(db, payment_id)
    _ensure_owner(payment.member_id, user)
    _transition(payment, PaymentStatus.CANCELLED)
    await db.flush()
    await db.refresh(payment)
    return payment


@router.post(
    "/{payment_id}/refunds",
    response_model=RefundResponse,
    status_code=status.HTTP_201_CREATED,
)
async def refund_payment(
    payment_id: uuid.UUID,
    payload: RefundCreate,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> PaymentRefund:
    payment = await _get_payment_or_404(db, payment_id)
    amount = _money(payload.amount or payment.refundable)
    if amount > payment.refundable:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"at most {payment.refundable} {payment.currency} can be refunded",
        )
    full = amount == payment.refundable
    _transition(payment, PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED)
    refund = PaymentRefund(
        payment_id=payment.id, amount=amount, reason=payload.reason, requested_by=admin.user_id
    )
    if payment.method is PaymentMethod.PAYSTACK:
        try:
            result = await paystack.create_refund(
                reference=payment.reference,
                amount=None if full else amount,
                currency=payment.currency,
                reason=payload.reason,
            )
        except PaystackError as exc:
            raise _bad_gateway(exc) from exc
        refund.provider_refund_id = result.id
        refund.status = RefundStatus.PENDING
    else:
        refund.status = RefundStatus.PROCESSED
        refund.processed_at = _now()
    payment.amount_refunded = _money(payment.amount_refunded + amount)
    db.add(refund)
    await _apply_to_invoice(db, payment.invoice_id, -amount)
    await db.flush()
    await db.refresh(refund)
    return refund


# --- Invoices ----------------------------------------------------------------------

invoice_router = APIRouter(prefix="/invoices", tags=["invoices"])


async def _get_invoice_or_404(db: AsyncSession, invoice_id: uuid.UUID) -> Invoice:
    invoice = await db.get(Invoice, invoice_id)
    if invoice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "invoice not found")
    return invoice


def _require_invoice_status(invoice: Invoice, *allowed: InvoiceStatus) -> None:
    if invoice.status not in allowed:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"invoice is {invoice.status.value}; action not allowed"
        )


async def _next_invoice_number(db: AsyncSession, year: int) -> str:
    prefix = f"INV-{year}-"
    last = await db.scalar(
        select(func.max(Invoice.number)).where(Invoice.number.startswith(prefix))
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


@invoice_router.get("/", response_model=InvoicePage)
async def list_invoices(
    member_id: uuid.UUID | None = None,
    status_filter: InvoiceStatus | None = Query(default=None, alias="status"),
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=20, ge=1, le=100),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> InvoicePage:
    query = select(Invoice).order_by(Invoice.due_date.desc(), Invoice.number.desc())
    if user.is_admin:
        if member_id is not None:
            query = query.where(Invoice.member_id == member_id)
    else:
        query = query.where(
            Invoice.member_id == user.user_id, Invoice.status != InvoiceStatus.DRAFT
        )
    if status_filter is not None:
        query = query.where(Invoice.status == status_filter)
    items, total = await _paginate(db, query, page, page_size)
    return InvoicePage(items=items, total=total, page=page, page_size=page_size)


@invoice_router.post("/", response_model=InvoiceResponse, status_code=status.HTTP_201_CREATED)
async def create_invoice(
    payload: InvoiceCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Invoice:
    await _get_member_or_404(db, payload.member_id)
    items = [
        InvoiceItem(
            position=position,
            description=item.description,
            quantity=item.quantity,
            unit_amount=_money(item.unit_amount),
            amount=_money(item.unit_amount * item.quantity),
        )
        for position, item in enumerate(payload.items)
    ]
    invoice = Invoice(
        number=await _next_invoice_number(db, _now().year),
        member_id=payload.member_id,
        currency=payload.currency.upper(),
        due_date=payload.due_date,
        notes=payload.notes,
        status=InvoiceStatus.DRAFT,
        total=_money(sum((item.amount for item in items), Decimal(0))),
        amount_paid=Decimal(0),
        items=items,
    )
    db.add(invoice)
    await db.flush()
    await db.refresh(invoice)
    return invoice


@invoice_router.get("/overdue", response_model=list[InvoiceResponse])
async def overdue_invoices(
    days: int = Query(default=0, ge=0, description="only invoices at least this late"),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[Invoice]:
    cutoff = date.today() - timedelta(days=days)
    result = await db.execute(
        select(Invoice)
        .where(Invoice.status.in_(OPEN_INVOICE_STATUSES), Invoice.due_date < cutoff)
        .order_by(Invoice.due_date)
    )
    return list(result.scalars())


@invoice_router.get("/{invoice_id}", response_model=InvoiceResponse)
async def get_invoice(
    invoice_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Invoice:
    invoice = await _get_invoice_or_404(db, invoice_id)
    _ensure_owner(invoice.member_id, user)
    if invoice.status is InvoiceStatus.DRAFT and not user.is_admin:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    return invoice


@invoice_router.post("/{invoice_id}/issue", response_model=InvoiceResponse)
async def issue_invoice(
    invoice_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Invoice:
    invoice = await _get_invoice_or_404(db, invoice_id)
    _require_invoice_status(invoice, InvoiceStatus.DRAFT)
    invoice.status = InvoiceStatus.ISSUED
    invoice.issued_at = _now()
    await db.flush()
    await db.refresh(invoice)
    return invoice


@invoice_router.post("/{invoice_id}/pay", response_model=PaymentCheckout)
async def pay_invoice(
    invoice_id: uuid.UUID,
    callback_url: str | None = None,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> PaymentCheckout:
    invoice = await _get_invoice_or_404(db, invoice_id)
    if invoice.member_id != user.user_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    _require_invoice_status(invoice, *OPEN_INVOICE_STATUSES)
    member = await _get_member_or_404(db, invoice.member_id)
    return await _start_checkout(
        db,
        member,
        amount=invoice.balance,
        currency=invoice.currency,
        purpose=PaymentPurpose.INVOICE,
        description=f"Invoice {invoice.number}",
        invoice_id=invoice.id,
        callback_url=callback_url,
    )


# --- Paystack webhooks -------------------------------------------------------------

webhook_router = APIRouter(tags=["webhooks"])


class WebhookProcessingError(Exception):
    """The event is valid but cannot be applied; stored as failed for an admin replay."""


async def _handle_charge_success(db: AsyncSession, data: dict[str, Any]) -> WebhookEventStatus:
    payment = await db.scalar(select(Payment).where(Payment.reference == data.get("reference")))
    if payment is None:
        return WebhookEventStatus.IGNORED
    if payment.status in SETTLED_STATUSES:
        return WebhookEventStatus.PROCESSED
    currency = data.get("currency") or payment.currency
    if currency != payment.currency:
        raise WebhookProcessingError(f"currency mismatch: {currency} != {payment.currency}")
    amount = from_subunit(data.get("amount", 0), currency)
    if amount != payment.amount:
        raise WebhookProcessingError(f"amount mismatch: {amount} != {payment.amount}")
    fees = data.get("fees")
    paid_at = data.get("paid_at")
    await _mark_succeeded(
        db,
        payment,
        paid_at=datetime.fromisoformat(paid_at.replace("Z", "+00:00")) if paid_at else None,
        channel=data.get("channel"),
        gateway_response=data.get("gateway_response"),
        fees=from_subunit(fees, currency) if fees is not None else None,
    )
    return WebhookEventStatus.PROCESSED


async def _handle_refund_processed(db: AsyncSession, data: dict[str, Any]) -> WebhookEventStatus:
    refund = await db.scalar(
        select(PaymentRefund).where(PaymentRefund.provider_refund_id == str(data.get("id")))
    )
    if refund is None:
        return WebhookEventStatus.IGNORED
    refund.status = RefundStatus.PROCESSED
    refund.processed_at = _now()
    return WebhookEventStatus.PROCESSED


async def _handle_transfer(
    db: AsyncSession, event: str, data: dict[str, Any]
) -> WebhookEventStatus:
    # Imported here: payout_router imports this module at load time.
    from services.payments_service.payout_router import _apply_transfer_outcome

    applied = await _apply_transfer_outcome(db, event, data)
    return WebhookEventStatus.PROCESSED if applied else WebhookEventStatus.IGNORED


async def _dispatch_event(db: AsyncSession, record: PaystackWebhookEvent) -> None:
    event = WebhookEvent(event=record.event_type, data=record.payload.get("data") or {})
    record.attempts += 1
    try:
        if event.event == "charge.success":
            outcome = await _handle_charge_success(db, event.data)
        elif event.event == "refund.processed":
            outcome = await _handle_refund_processed(db, event.data)
        elif event.event.startswith("transfer."):
            outcome = await _handle_transfer(db, event.event, event.data)
        else:
            outcome = WebhookEventStatus.IGNORED
    except WebhookProcessingError as exc:
        record.status = WebhookEventStatus.FAILED
        record.error = str(exc)
        return
    record.status = outcome
    record.error = None
    record.processed_at = _now()


@webhook_router.post("/paystack")
async def paystack_webhook(
    request: Request,
    x_paystack_signature: str | None = Header(default=None),
    db: AsyncSession = Depends(get_async_db),
) -> dict[str, str]:
    body = await request.body()
    if not verify_signature(body, x_paystack_signature, paystack.secret_key):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid signature")
    try:
        event = WebhookEvent.parse(body)
    except PaystackError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, exc.message) from exc
    reference = event.reference or "-"
    record = await db.scalar(
        select(PaystackWebhookEvent).where(
            PaystackWebhookEvent.event_type == event.event,
            PaystackWebhookEvent.reference == reference,
        )
    )
    if record is not None and record.status is WebhookEventStatus.PROCESSED:
        return {"status": "duplicate"}
    if record is None:
        record = PaystackWebhookEvent(
            event_type=event.event,
            reference=reference,
            payload={"event": event.event, "data": event.data},
            attempts=0,
        )
        db.add(record)
    await _dispatch_event(db, record)
    await db.flush()
    return {"status": record.status.value}


# --- Admin reports -----------------------------------------------------------------

admin_router = APIRouter(prefix="/admin/payments")


@admin_router.get("/", response_model=PaymentPage)
async def search_payments(
    member_id: uuid.UUID | None = None,
    reference: str | None = None,
    status_filter: PaymentStatus | None = Query(default=None, alias="status"),
    purpose: PaymentPurpose | None = None,
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=50, ge=1, le=200),
    db: AsyncSession = Depends(get_async_db),
) -> PaymentPage:
    query = select(Payment).order_by(Payment.created_at.desc())
    if member_id is not None:
        query = query.where(Payment.member_id == member_id)
    if reference:
        query = query.where(Payment.reference.ilike(f"%{reference}%"))
    if status_filter is not None:
        query = query.where(Payment.status == status_filter)
    if purpose is not None:
        query = query.where(Payment.purpose == purpose)
    items, total = await _paginate(db, query, page, page_size)
    return PaymentPage(items=items, total=total, page=page, page_size=page_size)


@admin_router.get("/stats", response_model=PaymentStats)
async def payment_stats(
    date_from: date | None = None,
    date_to: date | None = None,
    db: AsyncSession = Depends(get_async_db),
) -> PaymentStats:
    date_to = date_to or date.today()
    date_from = date_from or date_to.replace(day=1)
    in_range = func.date(Payment.created_at).between(date_from, date_to)
    rows = await db.execute(
        select(Payment.status, func.count(Payment.id), func.coalesce(func.sum(Payment.amount), 0))
        .where(in_range)
        .group_by(Payment.status)
    )
    by_status = [
        StatusBreakdown(status=row_status, count=count, amount=_money(amount))
        for row_status, count, amount in rows.all()
    ]
    settled = await db.execute(
        select(
            func.coalesce(func.sum(Payment.amount), 0),
            func.coalesce(func.sum(Payment.amount_refunded), 0),
            func.coalesce(func.sum(Payment.fees), 0),
        ).where(in_range, Payment.status.in_(SETTLED_STATUSES))
    )
    gross, refunded, fees = settled.one()
    return PaymentStats(
        date_from=date_from,
        date_to=date_to,
        gross=_money(gross),
        refunded=_money(refunded),
        net=_money(gross - refunded - fees),
        fees=_money(fees),
        by_status=by_status,
    )


@admin_router.get("/reports/outstanding", response_model=list[OutstandingBalance])
async def outstanding_balances(
    min_balance: Decimal = Query(default=Decimal("0.01"), ge=0),
    db: AsyncSession = Depends(get_async_db),
) -> list[OutstandingBalance]:
    balance = func.sum(Invoice.total - Invoice.amount_paid)
    rows = await db.execute(
        select(
            MemberRef.id,
            MemberRef.first_name,
            MemberRef.last_name,
            MemberRef.email,
            func.count(Invoice.id),
            balance,
            func.min(Invoice.due_date),
        )
        .join(MemberRef, MemberRef.id == Invoice.member_id)
        .where(Invoice.status.in_(OPEN_INVOICE_STATUSES))
        .group_by(MemberRef.id, MemberRef.first_name, MemberRef.last_name, MemberRef.email)
        .having(balance >= min_balance)
        .order_by(balance.desc())
    )
    return [
        OutstandingBalance(
            member_id=member_id,
            name=f"{first} {last}",
            email=email,
            invoices=count,
            balance=_money(owed),
            oldest_due_date=oldest,
        )
        for member_id, first, last, email, count, owed, oldest in rows.all()
    ]


@admin_router.post("/webhook-events/{event_id}/replay", response_model=WebhookEventResponse)
async def replay_webhook_event(
    event_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> PaystackWebhookEvent:
    record = await db.get(PaystackWebhookEvent, event_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "webhook event not found")
    if record.status is WebhookEventStatus.PROCESSED:
        raise HTTPException(status.HTTP_409_CONFLICT, "event was already processed")
    await _dispatch_event(db, record)
    await db.flush()
    await db.refresh(record)
    return record


@admin_router.post("/{payment_id}/mark-paid", response_model=PaymentResponse)
async def mark_payment_paid(
    payment_id: uuid.UUID,
    payload: MarkPaidRequest,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> Payment:
    """Settle a pending payment by hand, e.g. the member paid by bank transfer instead."""
    payment = await _get_payment_or_404(db, payment_id)
    payment.method = payload.method
    payment.recorded_by = admin.user_id
    if payload.note:
        payment.description = payload.note
    await _mark_succeeded(db, payment, paid_at=payload.paid_at, channel=payload.method.value)
    await db.refresh(payment)
    return payment
