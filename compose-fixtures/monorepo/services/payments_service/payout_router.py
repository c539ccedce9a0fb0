"""Coach payouts: monthly payout runs, bank recipients and Paystack transfers."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, require_admin, require_coach
from libs.db import get_async_db
from services.payments_service.models import (
    CoachPayout,
    CoachPayoutItem,
    MemberRef,
    PayoutRecipient,
    PayoutStatus,
)
from services.payments_service.payout_schemas import (
    BulkApproveRequest,
    BulkApproveResult,
    PayoutCreate,
    PayoutItemCreate,
    PayoutPage,
    PayoutResponse,
    PayoutTotals,
    PayoutUpdate,
    RecipientCreate,
    RecipientResponse,
)
from services.payments_service.paystack_client import PaystackError
from services.payments_service.router import _paginate, paystack

router = APIRouter(prefix="/payouts", tags=["payouts"])

PAYOUT_TRANSITIONS: dict[PayoutStatus, frozenset[PayoutStatus]] = {
    PayoutStatus.PENDING: frozenset({PayoutStatus.APPROVED, PayoutStatus.CANCELLED}),
    PayoutStatus.APPROVED: frozenset(
        {
            PayoutStatus.PENDING,
            PayoutStatus.PROCESSING,
            PayoutStatus.PAID,
            PayoutStatus.CANCELLED,
        }
    ),
    PayoutStatus.PROCESSING: frozenset({PayoutStatus.PAID, PayoutStatus.FAILED}),
    PayoutStatus.FAILED: frozenset({PayoutStatus.APPROVED, PayoutStatus.CANCELLED}),
    PayoutStatus.PAID: frozenset(),
    PayoutStatus.CANCELLED: frozenset(),
}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _item_amount(hours: Decimal, rate: Decimal) -> Decimal:
    return (hours * rate).quantize(Decimal("0.01"))


def _recalculate(payout: CoachPayout) -> None:
    payout.amount = sum((item.amount for item in payout.items), Decimal(0))


def _set_status(payout: CoachPayout, target: PayoutStatus) -> None:
    if target not in PAYOUT_TRANSITIONS[payout.status]:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"payout cannot go from {payout.status.value} to {target.value}",
        )
    payout.status = target


async def _get_payout_or_404(db: AsyncSession, payout_id: uuid.UUID) -> CoachPayout:
    payout = await db.get(CoachPayout, payout_id)
    if payout is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "payout not found")
    return payout


async def _active_recipient(db: AsyncSession, coach_id: uuid.UUID) -> PayoutRecipient | None:
    return await db.scalar(
        select(PayoutRecipient).where(
            PayoutRecipient.member_id == coach_id, PayoutRecipient.is_active.is_(True)
        )
    )


def _new_item(payload: PayoutItemCreate) -> CoachPayoutItem:
    return CoachPayoutItem(
        description=payload.description,
        session_id=payload.session_id,
        hours=payload.hours,
        rate=payload.rate,
        amount=_item_amount(payload.hours, payload.rate),
    )


async def _apply_transfer_outcome(db: AsyncSession, event: str, data: dict[str, Any]) -> bool:
    """Apply a ``transfer.*`` webhook to its payout; False when the reference is unknown."""
    payout = await db.scalar(
        select(CoachPayout).where(CoachPayout.reference == data.get("reference"))
    )
    if payout is None:
        return False
    if event == "transfer.success":
        if payout.status is not PayoutStatus.PAID:
            _set_status(payout, PayoutStatus.PAID)
            payout.paid_at = _utcnow()
            payout.failure_reason = None
    elif event in ("transfer.failed", "transfer.reversed"):
        if payout.status is PayoutStatus.PAID:
            # A reversal after success: the money came back, the coach is still owed.
            payout.status = PayoutStatus.FAILED
        elif payout.status is not PayoutStatus.FAILED:
            _set_status(payout, PayoutStatus.FAILED)
        payout.failure_reason = data.get("reason") or event
    else:
        return False
    return True


@router.get("/", response_model=PayoutPage)
async def list_payouts(
    status_filter: PayoutStatus | None = Query(default=None, alias="status"),
    coach_id: uuid.UUID | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=50, ge=1, le=200),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> PayoutPage:
    query = select(CoachPayout).order_by(CoachPayout.period_start.desc(), CoachPayout.id)
    if status_filter is not None:
        query = query.where(CoachPayout.status == status_filter)
    if coach_id is not None:
        query = query.where(CoachPayout.coach_id == coach_id)
    if period_from is not None:
        query = query.where(CoachPayout.period_end >= period_from)
    if period_to is not None:
        query = query.where(CoachPayout.period_start <= period_to)
    items, total = await _paginate(db, query, page, page_size)
    return PayoutPage(items=items, total=total, page=page, page_size=page_size)


@router.post("/", response_model=PayoutResponse, status_code=status.HTTP_201_CREATED)
async def create_payout(
    payload: PayoutCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachPayout:
    if await db.get(MemberRef, payload.coach_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "coach not found")
    recipient = await _active_recipient(db, payload.coach_id)
    payout = CoachPayout(
        coach_id=payload.coach_id,
        recipient_id=recipient.id if recipient else None,
        reference=f"PO-{uuid.uuid4().hex[:16].upper()}",
        period_start=payload.period_start,
        period_end=payload.period_end,
        currency=recipient.currency if recipient else "NGN",
        status=PayoutStatus.PENDING,
        notes=payload.notes,
        items=[_new_item(item) for item in payload.items],
    )
    _recalculate(payout)
    db.add(payout)
    try:
        await db.flush()
    except IntegrityError as exc:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "a payout for this coach and period already exists"
        ) from exc
    await db.refresh(payout)
    return payout


@router.get("/mine", response_model=list[PayoutResponse])
async def my_payouts(
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> list[CoachPayout]:
    result = await db.execute(
        select(CoachPayout)
        .where(
            CoachPayout.coach_id == user.user_id,
            CoachPayout.status != PayoutStatus.CANCELLED,
        )
        .order_by(CoachPayout.period_start.desc())
    )
    return list(result.scalars())


@router.get("/totals", response_model=list[PayoutTotals])
async def payout_totals(
    period_from: date | None = None,
    period_to: date | None = None,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[PayoutTotals]:
    query = select(
        CoachPayout.status,
        func.count(CoachPayout.id),
        func.coalesce(func.sum(CoachPayout.amount), 0),
    ).group_by(CoachPayout.status)
    if period_from is not None:
        query = query.where(CoachPayout.period_end >= period_from)
    if period_to is not None:
        query = query.where(CoachPayout.period_start <= period_to)
    rows = await db.execute(query.order_by(CoachPayout.status))
    return [
        PayoutTotals(status=row_status, count=count, amount=amount)
        for row_status, count, amount in rows.all()
    ]


@router.get("/recipients", response_model=list[RecipientResponse])
async def list_recipients(
    member_id: uuid.UUID | None = None,
    include_inactive: bool = False,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[PayoutRecipient]:
    query = select(PayoutRecipient).order_by(PayoutRecipient.created_at.desc())
    if member_id is not None:
        query = query.where(PayoutRecipient.member_id == member_id)
    if not include_inactive:
        query = query.where(PayoutRecipient.is_active.is_(True))
    return list((await db.execute(query)).scalars())


@router.post("/recipients", response_model=RecipientResponse, status_code=status.HTTP_201_CREATED)
async def create_recipient(
    payload: RecipientCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> PayoutRecipient:
    """Register a coach's bank account with Paystack; replaces any active account."""
    if await db.get(MemberRef, payload.member_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "member not found")
    try:
        account_name = await paystack.resolve_account(payload.account_number, payload.bank_code)
        created = await paystack.create_transfer_recipient(
            name=account_name,
            account_number=payload.account_number,
            bank_code=payload.bank_code,
            currency=payload.currency,
        )
    except PaystackError as exc:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, f"Paystack: {exc.message}") from exc
    previous = await _active_recipient(db, payload.member_id)
    if previous is not None:
        previous.is_active = False
    recipient = PayoutRecipient(
        member_id=payload.member_id,
        account_name=account_name,
        bank_code=payload.bank_code,
        bank_name=payload.bank_name or created.bank_name,
        account_last4=payload.account_number[-4:],
        recipient_code=created.recipient_code,
        currency=payload.currency.upper(),
        is_active=True,
    )
    db.add(recipient)
    await db.flush()
    await db.refresh(recipient)
    return recipient


@router.delete("/recipients/{recipient_id}", status_code=status.HTTP_204_NO_CONTENT)
async def deactivate_recipient(
    recipient_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> None:
    recipient = await db.get(PayoutRecipient, recipient_id)
    if recipient is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "recipient not found")
    recipient.is_active = False


@router.post("/bulk-approve", response_model=BulkApproveResult)
async def bulk_approve(
    payload: BulkApproveRequest,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> BulkApproveResult:
    result = BulkApproveResult(approved=[], skipped={})
    payouts = await db.execute(select(CoachPayout).where(CoachPayout.id.in_(payload.payout_ids)))
    found = {payout.id: payout for payout in payouts.scalars()}
    for payout_id in payload.payout_ids:
        payout = found.get(payout_id)
        if payout is None:
            result.skipped[str(payout_id)] = "not found"
        elif payout.status is not PayoutStatus.PENDING:
            result.skipped[str(payout_id)] = f"status is {payout.status.value}"
        elif payout.amount <= 0:
            result.skipped[str(payout_id)] = "payout has no items"
        else:
            payout.status = PayoutStatus.APPROVED
            payout.approved_by = admin.user_id
            payout.approved_at = _utcnow()
            result.approved.append(payout_id)
    await db.flush()
    return result


@router.get("/{payout_id}", response_model=PayoutResponse)
async def get_payout(
    payout_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> CoachPayout:
    payout = await _get_payout_or_404(db, payout_id)
    if payout.coach_id != user.user_id and not user.is_admin:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "payout not found")
    return payout


@router.patch("/{payout_id}", response_model=PayoutResponse)
async def update_payout(
    payout_id: uuid.UUID,
    payload: PayoutUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachPayout:
    payout = await _get_payout_or_404(db, payout_id)
    if payout.status not in (PayoutStatus.PENDING, PayoutStatus.APPROVED):
        raise HTTPException(status.HTTP_409_CONFLICT, "payout can no longer be edited")
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("recipient_id") is not None:
        recipient = await db.get(PayoutRecipient, changes["recipient_id"])
        if recipient is None or recipient.member_id != payout.coach_id:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "not this coach's account")
    for key, value in changes.items():
        setattr(payout, key, value)
    await db.flush()
    await db.refresh(payout)
    return payout


@router.post(
    "/{payout_id}/items", response_model=PayoutResponse, status_code=status.HTTP_201_CREATED
)
async def add_payout_item(
    payout_id: uuid.UUID,
    payload: PayoutItemCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachPayout:
    payout = await _get_payout_or_404(db, payout_id)
    if payout.status is not PayoutStatus.PENDING:
        raise HTTPException(status.HTTP_409_CONFLICT, "items can only change while pending")
    payout.items.append(_new_item(payload))
    _recalculate(payout)
    await db.flush()
    await db.refresh(payout)
    return payout


@router.delete("/{payout_id}/items/{item_id}", response_model=PayoutResponse)
async def remove_payout_item(
    payout_id: uuid.UUID,
    item_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachPayout:
    payout = await _get_payout_or_404(db, payout_id)
    if payout.status is not PayoutStatus.PENDING:
        raise HTTPException(status.HTTP_409_CONFLICT, "items can only change while pending")
    item = next((item for item in payout.items if item.id == item_id), None)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "item not found")
    payout.items.remove(item)
    _recalculate(payout)
    await db.flush()
    await db.refresh(payout)
    return payout


@router.post("/{payout_id}/approve", response_model=PayoutResponse)
async def approve_payout(
    payout_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> CoachPayout:
    payout = await _get_payout_or_404(db, payout_id)
    if payout.amount <= 0:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "payout has no items")
    _set_status(payout, PayoutStatus.APPROVED)
    payout.approved_by = admin.user_id
    payout.approved_at = _utcnow()
    await db.flush()
    await db.refresh(payout)
    return payout


@router.post("/{payout_id}/process", response_model=PayoutResponse)
async def process_payout(
    payout_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachPayout:
    """Send the money with a Paystack transfer; the outcome arrives by webhook."""
    payout = await _get_payout_or_404(db, payout_id)
    if payout.status is PayoutStatus.FAILED:
        _set_status(payout, PayoutStatus.APPROVED)
    recipient = (
        await db.get(PayoutRecipient, payout.recipient_id)
        if payout.recipient_id
        else await _active_recipient(db, payout.coach_id)
    )
    if recipient is None or not recipient.is_active:
        raise HTTPException(status.HTTP_409_CONFLICT, "coach has no active bank account")
    _set_status(payout, PayoutStatus.PROCESSING)
    payout.recipient_id = recipient.id
    try:
        transfer = await paystack.initiate_transfer(
            amount=payout.amount,
            currency=payout.currency,
            recipient_code=recipient.recipient_code,
            reference=payout.reference,
            reason=f"Coaching {payout.period_start:%b %Y}",
        )
    except PaystackError as exc:
        payout.status = PayoutStatus.FAILED
        payout.failure_reason = exc.message[:255]
        await db.commit()
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, f"Paystack: {exc.message}") from exc
    payout.transfer_code = transfer.transfer_code
    if transfer.status == "success":
        _set_status(payout, PayoutStatus.PAID)
        payout.paid_at = _utcnow()
    await db.flush()
    await db.refresh(payout)
    return payout


@router.post("/{payout_id}/mark-paid", response_model=PayoutResponse)
async def mark_payout_paid(
    payout_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachPayout:
    """Record a payout made outside Paystack (manual bank transfer)."""
    payout = await _get_payout_or_404(db, payout_id)
    _set_status(payout, PayoutStatus.PAID)
    payout.paid_at = _utcnow()
    await db.flush()
    await db.refresh(payout)
    return payout


@router.post("/{payout_id}/cancel", response_model=PayoutResponse)
async def cancel_payout(
    payout_id: uuid.UUID,
    reason: str | None = Query(default=None, max_length=255),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachPayout:
    payout = await _get_payout_or_404(db, payout_id)
    _set_status(payout, PayoutStatus.CANCELLED)
    if reason:
        payout.notes = f"{payout.notes}\n{reason}" if payout.notes else reason
    await db.flush()
    await db.refresh(payout)
    return payout
