"""SQLAlchemy models of the payments service.

Invoices are raised by the treasurer (plot rent, key deposits); a payment is one Paystack
transaction, usually against an invoice. Payouts send produce-exchange takings to sellers.
"""

import datetime
from decimal import Decimal
import enum
from typing import Any, Dict, List, Optional
import uuid

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin, utcnow


class InvoiceStatus(str, enum.Enum):
    OPEN = 'open'
    PAID = 'paid'
    VOID = 'void'


class PaymentStatus(str, enum.Enum):
    PENDING = 'pending'
    SUCCESS = 'success'
    FAILED = 'failed'


class PayoutStatus(str, enum.Enum):
    REQUESTED = 'requested'
    APPROVED = 'approved'
    SENT = 'sent'
    FAILED = 'failed'


# --- Invoices -----------------------------------------------------------------------
class Invoice(TimestampMixin, Base):
    __tablename__ = 'payments_invoices'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    member_email: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    description: Mapped[str] = mapped_column(String(200), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    status: Mapped[InvoiceStatus] = mapped_column(
        Enum(InvoiceStatus, name='payments_invoice_status'),
        default=InvoiceStatus.OPEN, nullable=False)
    due_on: Mapped[datetime.date] = mapped_column(nullable=False)

    payments: Mapped[List['Payment']] = relationship(
        back_populates='invoice', order_by='Payment.created_at'
    )

    @property
    def amount_paid(self) -> Decimal:
        total = Decimal('0.00')
        for payment in self.payments:
            if payment.status == PaymentStatus.SUCCESS:
                total += payment.amount
        return total

    def is_overdue(self, today: Optional[datetime.date] = None) -> bool:
        return self.status == InvoiceStatus.OPEN and self.due_on < (today or utcnow().date())


# --- Payments -----------------------------------------------------------------------
class Payment(TimestampMixin, Base):
    __tablename__ = 'payments_payments'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    invoice_id: Mapped[Optional[uuid.UUID]] = mapped_column(
        ForeignKey('payments_invoices.id', ondelete='SET NULL'), index=True
    )
    email: Mapped[str] = mapped_column(String(200), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    status: Mapped[PaymentStatus] = mapped_column(
        Enum(PaymentStatus, name='payments_payment_status'),
        default=PaymentStatus.PENDING,
        nullable=False,
    )
    authorization_url: Mapped[Optional[str]] = mapped_column(String(300))
    channel: Mapped[Optional[str]] = mapped_column(String(30))
    paid_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))

    invoice: Mapped[Optional['Invoice']] = relationship(back_populates='payments')

    def mark_paid(self, channel: Optional[str] = None) -> None:
        self.status = PaymentStatus.SUCCESS
        self.channel = channel
        self.paid_at = utcnow()
        if self.invoice is not None and self.invoice.amount_paid >= self.invoice.amount:
            self.invoice.status = InvoiceStatus.PAID
        return None


class WebhookEvent(Base):
    __tablename__ = 'payments_webhook_events'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event: Mapped[str] = mapped_column(String(60), nullable=False)
    reference: Mapped[Optional[str]] = mapped_column(String(40), index=True)
    payload: Mapped[Dict[str, Any]] = mapped_column(JSON, nullable=False)
    received_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, nullable=False
    )


# --- Payouts ------------------------------------------------------------------------
class PayoutRecipient(TimestampMixin, Base):
    __tablename__ = 'payments_payout_recipients'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    bank_code: Mapped[str] = mapped_column(String(10), nullable=False)
    account_number: Mapped[str] = mapped_column(String(20), nullable=False)
    recipient_code: Mapped[Optional[str]] = mapped_column(String(40), unique=True)

    payouts: Mapped[List['Payout']] = relationship(back_populates='recipient')


class Payout(TimestampMixin, Base):
    __tablename__ = 'payments_payouts'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    recipient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('payments_payout_recipients.id', ondelete='CASCADE'),
        nullable=False,
        index=True,
    )
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[PayoutStatus] = mapped_column(
        Enum(PayoutStatus, name='payments_payout_status'),
        default=PayoutStatus.REQUESTED,
        nullable=False,
    )
    transfer_code: Mapped[Optional[str]] = mapped_column(String(40))
    sent_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))

    recipient: Mapped['PayoutRecipient'] = relationship(back_populates='payouts')
