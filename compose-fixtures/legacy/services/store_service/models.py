"""SQLAlchemy models of the store service (the trading hut by the main gate).

Products sit in categories; every change of stock is a movement row, so the hut's
ledger can be audited. A member's basket is simply an order still in the BASKET state.
"""

import datetime
from decimal import Decimal
import enum
from typing import List, Optional
import uuid

from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin, utcnow


# --- Enums --------------------------------------------------------------------------
class ProductUnit(str, enum.Enum):
    EACH = 'each'
    PACKET = 'packet'
    BAG = 'bag'
    KILO = 'kilo'


class OrderStatus(str, enum.Enum):
    BASKET = 'basket'
    PLACED = 'placed'
    READY = 'ready'
    COLLECTED = 'collected'
    CANCELLED = 'cancelled'


class MovementReason(str, enum.Enum):
    DELIVERY = 'delivery'
    SALE = 'sale'
    RETURN = 'return'
    STOCKTAKE = 'stocktake'
    DAMAGED = 'damaged'


# Orders in these states still hold stock back from the shelf.
OPEN_ORDER_STATES = (OrderStatus.PLACED, OrderStatus.READY)


# --- Products -----------------------------------------------------------------------
class Category(Base):
    __tablename__ = 'store_categories'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    products: Mapped[List['Product']] = relationship(back_populates='category')


class Product(TimestampMixin, Base):
    __tablename__ = 'store_products'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    sku: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    category_id: Mapped[Optional[uuid.UUID]] = mapped_column(
        ForeignKey('store_categories.id', ondelete='SET NULL'), index=True
    )
    unit: Mapped[ProductUnit] = mapped_column(
        Enum(ProductUnit, name='store_product_unit'), default=ProductUnit.EACH, nullable=False
    )
    price: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    member_price: Mapped[Optional[Decimal]] = mapped_column(Numeric(8, 2))
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    stock_level: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    reorder_level: Mapped[int] = mapped_column(Integer, default=5, nullable=False)

    category: Mapped[Optional['Category']] = relationship(back_populates='products')
    movements: Mapped[List['StockMovement']] = relationship(
        back_populates='product', order_by='StockMovement.moved_at'
    )

    def price_for(self, is_member: bool) -> Decimal:
        if is_member and self.member_price is not None:
            return self.member_price
        return self.price

    @property
    def needs_reorder(self) -> bool:
        return self.stock_level <= self.reorder_level


# --- Orders -------------------------------------------------------------------------
class Order(TimestampMixin, Base):
    __tablename__ = 'store_orders'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    member_email: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    status: Mapped[OrderStatus] = mapped_column(
        Enum(OrderStatus, name='store_order_status'), default=OrderStatus.BASKET, nullable=False
    )
    is_member: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    placed_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))
    collected_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))
    note: Mapped[Optional[str]] = mapped_column(String(300))

    lines: Mapped[List['OrderLine']] = relationship(
        back_populates='order', cascade='all, delete-orphan', order_by='OrderLine.position'
    )

    @property
    def total(self) -> Decimal:
        amount = Decimal('0.00')
        for line in self.lines:
            amount += line.unit_price * line.quantity
        return amount

    def place(self) -> None:
        self.status = OrderStatus.PLACED
        self.placed_at = utcnow()
        return None


class OrderLine(Base):
    __tablename__ = 'store_order_lines'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('store_orders.id', ondelete='CASCADE'), nullable=False, index=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('store_products.id', ondelete='RESTRICT'), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)

    order: Mapped['Order'] = relationship(back_populates='lines')
    product: Mapped['Product'] = relationship()


# --- Inventory ----------------------------------------------------------------------
class StockMovement(Base):
    __tablename__ = 'store_stock_movements'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('store_products.id', ondelete='CASCADE'), nullable=False, index=True
    )
    change: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[MovementReason] = mapped_column(
        Enum(MovementReason, name='store_movement_reason'), nullable=False
    )
    order_id: Mapped[Optional[uuid.UUID]] = mapped_column(
        ForeignKey('store_orders.id', ondelete='SET NULL')
    )
    recorded_by: Mapped[Optional[str]] = mapped_column(String(120))
    moved_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, nullable=False
    )

    product: Mapped['Product'] = relationship(back_populates='movements')


def record_movement(product: Product, change: int, reason: MovementReason,
                    order_id: Optional[uuid.UUID] = None,
                    recorded_by: Optional[str] = None) -> StockMovement:
    # The stock level and the ledger must never disagree: change both together.
    product.stock_level = product.stock_level + change
    movement = StockMovement(product=product, change=change, reason=reason,
                             order_id=order_id, recorded_by=recorded_by)
    return movement
