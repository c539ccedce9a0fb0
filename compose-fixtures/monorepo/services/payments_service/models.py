"""Payments service models: payments, refunds, invoices, Paystack webhooks and coach payouts.

Amounts are stored in major currency units (naira, cedi...) as ``Numeric(12, 2)``; the
Paystack client converts to and from subunits at the API boundary.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libs.db import Base, TimestampMixin, new_id


class PaymentStatus(str, enum.Enum):
    PENDING = "pending"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class PaymentPurpose(str, enum.Enum):
    MEMBERSHIP = "membership"
    ACADEMY = "academy"
    CLUB_ACTIVITY = "club_activity"
    EVENT = "event"
    STORE_ORDER = "store_order"
    INVOICE = "invoice"
    DONATION = "donation"


class PaymentMethod(str, enum.Enum):
    PAYSTACK = "paystack"
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"


class InvoiceStatus(str, enum.Enum):
    DRAFT = "draft"
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    VOID = "void"


class RefundStatus(str, enum.Enum):
    PENDING = "pending"
    PROCESSED = "processed"
    FAILED = "failed"


class PayoutStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    PROCESSING = "processing"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"


class WebhookEventStatus(str, enum.Enum):
    RECEIVED = "received"
    PROCESSED = "processed"
    IGNORED = "ignored"
    FAILED = "failed"


# Money that has actually reached the club: refunds do not undo the original settlement.
SETTLED_STATUSES = (
    PaymentStatus.SUCCEEDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)
OPEN_INVOICE_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)


class MemberRef(Base):
    """Read-only mapping of the members service's table (owned and migrated by members)."""

    __tablename__ = "members"
    __table_args__ = {"extend_existing": True, "info": {"skip_autogenerate": True}}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255))


class Invoice(TimestampMixin, Base):
    __tablename__ = "payment_invoices"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[InvoiceStatus] = mapped_column(
        Enum(InvoiceStatus, name="invoice_status"), default=InvoiceStatus.DRAFT, index=True
    )
    currency: Mapped[str] = mapped_column(String(3), default="NGN")
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    amount_paid: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    notes: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list["InvoiceItem"]] = relationship(
        back_populates="invoice",
        cascade="all, delete-orphan",
        order_by="InvoiceItem.position",
        lazy="selectin",
    )
    payments: Mapped[list["Payment"]] = relationship(back_populates="invoice")

    @property
    def balance(self) -> Decimal:
        return self.total - self.amount_paid


class InvoiceItem(Base):
    __tablename__ = "payment_invoice_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    invoice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("payment_invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(String(255))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))

    invoice: Mapped["Invoice"] = relationship(back_populates="items")


class Payment(TimestampMixin, Base):
    __tablename__ = "payments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    payer_email: Mapped[str] = mapped_column(String(255))
    purpose: Mapped[PaymentPurpose] = mapped_column(Enum(PaymentPurpose, name="payment_purpose"))
    method: Mapped[PaymentMethod] = mapped_column(
        Enum(PaymentMethod, name="payment_method"), default=PaymentMethod.PAYSTACK
    )
    status: Mapped[PaymentStatus] = mapped_column(
        Enum(PaymentStatus, name="payment_status"), default=PaymentStatus.PENDING, index=True
    )
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    amount_refunded: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    fees: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="NGN")
    description: Mapped[str | None] = mapped_column(String(255))
    # The cohort, order or event being paid for; owned by another service.
    source_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("payment_invoices.id", ondelete="SET NULL"), index=True
    )
    access_code: Mapped[str | None] = mapped_column(String(100))
    authorization_url: Mapped[str | None] = mapped_column(String(500))
    channel: Mapped[str | None] = mapped_column(String(30))
    gateway_response: Mapped[str | None] = mapped_column(String(255))
    failure_reason: Mapped[str | None] = mapped_column(String(255))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column()

    invoice: Mapped["Invoice | None"] = relationship(back_populates="payments")
    refunds: Mapped[list["PaymentRefund"]] = relationship(
        back_populates="payment",
        cascade="all, delete-orphan",
        order_by="PaymentRefund.created_at",
        lazy="selectin",
    )

    @property
    def refundable(self) -> Decimal:
        return self.amount - self.amount_refunded


class PaymentRefund(TimestampMixin, Base):
    __tablename__ = "payment_refunds"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    payment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reason: Mapped[str] = mapped_column(String(255))
    status: Mapped[RefundStatus] = mapped_column(
        Enum(RefundStatus, name="refund_status"), default=RefundStatus.PENDING
    )
    provider_refund_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    requested_by: Mapped[uuid.UUID | None] = mapped_column()
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    payment: Mapped["Payment"] = relationship(back_populates="refunds")


class PaystackWebhookEvent(TimestampMixin, Base):
    __tablename__ = "paystack_webhook_events"
    __table_args__ = (
        UniqueConstraint("event_type", "reference", name="uq_paystack_webhook_events_event_ref"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    event_type: Mapped[str] = mapped_column(String(60))
    reference: Mapped[str] = mapped_column(String(100), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[WebhookEventStatus] = mapped_column(
        Enum(WebhookEventStatus, name="webhook_event_status"), default=WebhookEventStatus.RECEIVED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PayoutRecipient(TimestampMixin, Base):
    """A coach's bank account registered with Paystack as a transfer recipient."""

    __tablename__ = "payout_recipients"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    account_name: Mapped[str] = mapped_column(String(150))
    bank_code: Mapped[str] = mapped_column(String(10))
    bank_name: Mapped[str | None] = mapped_column(String(100))
    account_last4: Mapped[str] = mapped_column(String(4))
    recipient_code: Mapped[str] = mapped_column(String(64), unique=True)
    currency: Mapped[str] = mapped_column(String(3), default="NGN")
    is_active: Mapped[bool] = mapped_column(default=True)


class CoachPayout(TimestampMixin, Base):
    __tablename__ = "coach_payouts"
    __table_args__ = (
        UniqueConstraint(
            "coach_id", "period_start", "period_end", name="uq_coach_payouts_coach_period"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    coach_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    recipient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payout_recipients.id"))
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3), default="NGN")
    status: Mapped[PayoutStatus] = mapped_column(
        Enum(PayoutStatus, name="payout_status"), default=PayoutStatus.PENDING, index=True
    )
    transfer_code: Mapped[str | None] = mapped_column(String(64))
    approved_by: Mapped[uuid.UUID | None] = mapped_column()
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failure_reason: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list["CoachPayoutItem"]] = relationship(
        back_populates="payout", cascade="all, delete-orphan", lazy="selectin"
    )


class CoachPayoutItem(Base):
    __tablename__ = "coach_payout_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    payout_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("coach_payouts.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(255))
    session_id: Mapped[uuid.UUID | None] = mapped_column()
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    rate: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))

    payout: Mapped["CoachPayout"] = relationship(back_populates="items")
