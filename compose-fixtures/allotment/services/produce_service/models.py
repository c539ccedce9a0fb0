"""SQLAlchemy models of the produce service."""

import datetime
from decimal import Decimal
import enum
from typing import List, Optional
import uuid

from sqlalchemy import Date, Enum, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin


class ListingStatus(str, enum.Enum):
    OPEN = 'open'
    TAKEN = 'taken'
    WITHDRAWN = 'withdrawn'


class SwapStatus(str, enum.Enum):
    OPEN = 'open'
    CLOSED = 'closed'


class Listing(TimestampMixin, Base):
    __tablename__ = 'produce_listings'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    crop: Mapped[str] = mapped_column(String(80), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    unit: Mapped[str] = mapped_column(String(16), default='kg', nullable=False)
    plot_number: Mapped[Optional[int]]
    available_until: Mapped[Optional[datetime.date]] = mapped_column(Date)
    status: Mapped[ListingStatus] = mapped_column(
        Enum(ListingStatus, name='produce_listing_status'),
        default=ListingStatus.OPEN,
        nullable=False,
    )

    offers: Mapped[List['ExchangeOffer']] = relationship(
        back_populates='listing', cascade='all, delete-orphan'
    )


class ExchangeOffer(TimestampMixin, Base):
    __tablename__ = 'produce_exchange_offers'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    listing_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('produce_listings.id', ondelete='CASCADE'), nullable=False, index=True
    )
    from_name: Mapped[str] = mapped_column(String(120), nullable=False)
    offered: Mapped[str] = mapped_column(String(200), nullable=False)
    accepted: Mapped[bool] = mapped_column(default=False, nullable=False)

    listing: Mapped['Listing'] = relationship(back_populates='offers')


class Swap(TimestampMixin, Base):
    __tablename__ = 'produce_swaps'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    offered_variety: Mapped[str] = mapped_column(String(120), nullable=False)
    wanted_variety: Mapped[Optional[str]] = mapped_column(String(120))
    contact: Mapped[str] = mapped_column(String(200), nullable=False)
    notes: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[SwapStatus] = mapped_column(
        Enum(SwapStatus, name='produce_swap_status'), default=SwapStatus.OPEN, nullable=False
    )
