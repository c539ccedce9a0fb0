"""Store service models: the club shop's catalogue, carts and orders, and stock.

Products have variants (size / colour) and images and sit in a category tree. A member's
cart becomes an order at checkout. Every change to stock is recorded as a
``StockMovement`` against the variant's ``InventoryItem``; checkout only *reserves* stock,
the sale is booked when the order is paid.
"""

import enum
import uuid
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from libs.db import Base, TimestampMixin, new_id

# --- Enums -------------------------------------------------------------------------------


class ProductStatus(str, enum.Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class ProductType(str, enum.Enum):
    APPAREL = "apparel"
    SWIMWEAR = "swimwear"
    EQUIPMENT = "equipment"
    ACCESSORY = "accessory"
    MERCHANDISE = "merchandise"


class CartStatus(str, enum.Enum):
    ACTIVE = "active"
    CHECKED_OUT = "checked_out"
    ABANDONED = "abandoned"


class FulfilmentMethod(str, enum.Enum):
    PICKUP = "pickup"  # collected at the pool-side club desk
    SESSION_HANDOFF = "session_handoff"  # handed over by the coach at the next session
    DELIVERY = "delivery"


class OrderStatus(str, enum.Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    PROCESSING = "processing"
    READY_FOR_PICKUP = "ready_for_pickup"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


# Allowed moves of an order's status; admins and the payment callback both go through
# ``Order.can_transition_to``.
ORDER_STATUS_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.CONFIRMED, OrderStatus.CANCELLED}),
    OrderStatus.CONFIRMED: frozenset(
        {OrderStatus.PROCESSING, OrderStatus.READY_FOR_PICKUP, OrderStatus.REFUNDED}
    ),
    OrderStatus.PROCESSING: frozenset(
        {OrderStatus.READY_FOR_PICKUP, OrderStatus.SHIPPED, OrderStatus.REFUNDED}
    ),
    OrderStatus.READY_FOR_PICKUP: frozenset({OrderStatus.COMPLETED, OrderStatus.REFUNDED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.COMPLETED, OrderStatus.REFUNDED}),
    OrderStatus.COMPLETED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}


class PaymentStatus(str, enum.Enum):
    """Payment state of a store order (the payments service has its own, wider enum)."""

    UNPAID = "unpaid"
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    REFUNDED = "refunded"


class StockMovementType(str, enum.Enum):
    RESTOCK = "restock"
    RESERVATION = "reservation"
    RELEASE = "release"
    SALE = "sale"
    RETURN = "return"
    ADJUSTMENT = "adjustment"
    WRITE_OFF = "write_off"


class InsufficientStock(ValueError):
    def __init__(self, sku: str, requested: int, available: int) -> None:
        super().__init__(f"only {available} of {sku} available, {requested} requested")
        self.sku = sku
        self.requested = requested
        self.available = available


# --- Members (owned by the members service) ------------------------------------------------


class MemberRef(Base):
    """Read-only mapping of the members service's table (owned and migrated by members)."""

    __tablename__ = "members"
    __table_args__ = {"extend_existing": True, "info": {"skip_autogenerate": True}}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255))

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


# --- Catalogue ---------------------------------------------------------------------------


class Category(TimestampMixin, Base):
    __tablename__ = "store_categories"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("store_categories.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    slug: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    is_visible: Mapped[bool] = mapped_column(nullable=False, default=True)

    parent: Mapped["Category | None"] = relationship(back_populates="children", remote_side=[id])
    children: Mapped[list["Category"]] = relationship(
        back_populates="parent", order_by="Category.sort_order"
    )
    products: Mapped[list["Product"]] = relationship(back_populates="category")


class Product(TimestampMixin, Base):
    __tablename__ = "store_products"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    category_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("store_categories.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    slug: Mapped[str] = mapped_column(String(220), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    product_type: Mapped[ProductType] = mapped_column(
        Enum(ProductType, name="store_product_type"), nullable=False
    )
    status: Mapped[ProductStatus] = mapped_column(
        Enum(ProductStatus, name="store_product_status"),
        nullable=False,
        default=ProductStatus.DRAFT,
        index=True,
    )
    base_price: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="NGN")
    is_featured: Mapped[bool] = mapped_column(nullable=False, default=False)
    members_only: Mapped[bool] = mapped_column(nullable=False, default=False)
    max_per_order: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    category: Mapped["Category | None"] = relationship(back_populates="products")
    variants: Mapped[list["ProductVariant"]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="ProductVariant.sort_order",
    )
    images: Mapped[list["ProductImage"]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductImage.position"
    )

    @property
    def primary_image(self) -> "ProductImage | None":
        primary = [image for image in self.images if image.is_primary]
        return (primary or self.images or [None])[0]


class ProductVariant(TimestampMixin, Base):
    __tablename__ = "store_product_variants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("store_products.id", ondelete="CASCADE"), nullable=False, index=True
    )
    sku: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    size: Mapped[str | None] = mapped_column(String(20))
    colour: Mapped[str | None] = mapped_column(String(40))
    price_override: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    is_active: Mapped[bool] = mapped_column(nullable=False, default=True)

    product: Mapped["Product"] = relationship(back_populates="variants")
    inventory: Mapped["InventoryItem | None"] = relationship(
        back_populates="variant", cascade="all, delete-orphan", uselist=False
    )

    @property
    def unit_price(self) -> Decimal:
        return self.price_override if self.price_override is not None else self.product.base_price

    @property
    def available(self) -> int:
        return self.inventory.available if self.inventory is not None else 0


class ProductImage(TimestampMixin, Base):
    __tablename__ = "store_product_images"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("store_products.id", ondelete="CASCADE"), nullable=False, index=True
    )
    url: Mapped[str] = mapped_column(String(500), nullable=False)
    alt_text: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    is_primary: Mapped[bool] = mapped_column(nullable=False, default=False)

    product: Mapped["Product"] = relationship(back_populates="images")


# --- Carts and orders ----------------------------------------------------------------------


class Cart(TimestampMixin, Base):
    __tablename__ = "store_carts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    status: Mapped[CartStatus] = mapped_column(
        Enum(CartStatus, name="store_cart_status"), nullable=False, default=CartStatus.ACTIVE
    )
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    member: Mapped["MemberRef"] = relationship()
    items: Mapped[list["CartItem"]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartItem.created_at"
    )

    @property
    def subtotal(self) -> Decimal:
        return sum((item.line_total for item in self.items), Decimal("0.00"))

    def is_expired(self, now: datetime | None = None) -> bool:
        now = now or datetime.now(timezone.utc)
        return self.expires_at is not None and self.expires_at <= now


class CartItem(TimestampMixin, Base):
    __tablename__ = "store_cart_items"
    __table_args__ = (
        UniqueConstraint("cart_id", "variant_id", name="uq_store_cart_items_cart_variant"),
        CheckConstraint("quantity > 0", name="positive_quantity"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    cart_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("store_carts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("store_product_variants.id", ondelete="CASCADE"), nullable=False
    )
    quantity: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    cart: Mapped["Cart"] = relationship(back_populates="items")
    variant: Mapped["ProductVariant"] = relationship()

    @property
    def line_total(self) -> Decimal:
        return self.variant.unit_price * self.quantity


class Order(TimestampMixin, Base):
    __tablename__ = "store_orders"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    cart_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("store_carts.id", ondelete="SET NULL")
    )
    status: Mapped[OrderStatus] = mapped_column(
        Enum(OrderStatus, name="store_order_status"),
        nullable=False,
        default=OrderStatus.PENDING,
        index=True,
    )
    payment_status: Mapped[PaymentStatus] = mapped_column(
        Enum(PaymentStatus, name="store_payment_status"),
        nullable=False,
        default=PaymentStatus.UNPAID,
    )
    fulfilment_method: Mapped[FulfilmentMethod] = mapped_column(
        Enum(FulfilmentMethod, name="store_fulfilment_method"),
        nullable=False,
        default=FulfilmentMethod.PICKUP,
    )
    subtotal: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=0)
    discount_total: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=0)
    delivery_fee: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=0)
    total: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=0)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="NGN")
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    delivery_address: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    admin_notes: Mapped[str | None] = mapped_column(Text)
    payment_reference: Mapped[str | None] = mapped_column(String(100), unique=True)
    placed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fulfilled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(String(255))

    member: Mapped["MemberRef"] = relationship()
    items: Mapped[list["OrderItem"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.product_name"
    )
    stock_movements: Mapped[list["StockMovement"]] = relationship(back_populates="order")

    def can_transition_to(self, new_status: OrderStatus) -> bool:
        return new_status in ORDER_STATUS_TRANSITIONS[self.status]

    def recalculate_totals(self) -> None:
        self.subtotal = sum((item.line_total for item in self.items), Decimal("0.00"))
        self.total = max(self.subtotal - self.discount_total, Decimal("0.00")) + self.delivery_fee

    @property
    def is_paid(self) -> bool:
        return self.payment_status is PaymentStatus.PAID


class OrderItem(TimestampMixin, Base):
    __tablename__ = "store_order_items"
    __table_args__ = (CheckConstraint("quantity > 0", name="positive_quantity"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("store_orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    variant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("store_product_variants.id", ondelete="SET NULL"), index=True
    )
    # Snapshots: the order keeps reading correctly after the catalogue changes.
    product_name: Mapped[str] = mapped_column(String(200), nullable=False)
    variant_name: Mapped[str] = mapped_column(String(120), nullable=False)
    sku: Mapped[str] = mapped_column(String(64), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)

    order: Mapped["Order"] = relationship(back_populates="items")
    variant: Mapped["ProductVariant | None"] = relationship()

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


# --- Inventory -----------------------------------------------------------------------------


class InventoryItem(TimestampMixin, Base):
    __tablename__ = "store_inventory_items"
    __table_args__ = (
        CheckConstraint("quantity_on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("quantity_reserved >= 0", name="reserved_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("store_product_variants.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    quantity_on_hand: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    quantity_reserved: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reorder_level: Mapped[int] = mapped_column(Integer, nullable=False, default=5)
    bin_location: Mapped[str | None] = mapped_column(String(40))
    last_counted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    variant: Mapped["ProductVariant"] = relationship(back_populates="inventory")
    movements: Mapped[list["StockMovement"]] = relationship(
        back_populates="inventory_item",
        cascade="all, delete-orphan",
        order_by="StockMovement.created_at.desc()",
    )

    @property
    def available(self) -> int:
        return max(self.quantity_on_hand - self.quantity_reserved, 0)

    @property
    def needs_reorder(self) -> bool:
        return self.available <= self.reorder_level

    def _movement(
        self,
        movement_type: StockMovementType,
        *,
        on_hand: int = 0,
        reserved: int = 0,
        order: "Order | None" = None,
        reason: str | None = None,
        performed_by: uuid.UUID | None = None,
    ) -> "StockMovement":
        self.quantity_on_hand += on_hand
        self.quantity_reserved += reserved
        return StockMovement(
            inventory_item_id=self.id,
            movement_type=movement_type,
            quantity_delta=on_hand,
            reserved_delta=reserved,
            order_id=order.id if order is not None else None,
            reason=reason,
            performed_by=performed_by,
        )

    def reserve(self, quantity: int, order: "Order") -> "StockMovement":
        if quantity > self.available:
            raise InsufficientStock(self.variant.sku, quantity, self.available)
        return self._movement(StockMovementType.RESERVATION, reserved=quantity, order=order)

    def release(self, quantity: int, order: "Order", reason: str | None = None) -> "StockMovement":
        quantity = min(quantity, self.quantity_reserved)
        return self._movement(
            StockMovementType.RELEASE, reserved=-quantity, order=order, reason=reason
        )

    def commit_sale(self, quantity: int, order: "Order") -> "StockMovement":
        return self._movement(
            StockMovementType.SALE, on_hand=-quantity, reserved=-quantity, order=order
        )

    def adjust(
        self,
        movement_type: StockMovementType,
        delta: int,
        *,
        reason: str | None,
        performed_by: uuid.UUID | None,
        order: "Order | None" = None,
    ) -> "StockMovement":
        if self.quantity_on_hand + delta < self.quantity_reserved:
            raise InsufficientStock(self.variant.sku, -delta, self.available)
        if movement_type is StockMovementType.ADJUSTMENT:
            self.last_counted_at = datetime.now(timezone.utc)
        return self._movement(
            movement_type, on_hand=delta, order=order, reason=reason, performed_by=performed_by
        )


class StockMovement(TimestampMixin, Base):
    __tablename__ = "store_stock_movements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    inventory_item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("store_inventory_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    movement_type: Mapped[StockMovementType] = mapped_column(
        Enum(StockMovementType, name="store_stock_movement_type"), nullable=False
    )
    quantity_delta: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reserved_delta: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    order_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("store_orders.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str | None] = mapped_column(String(255))
    performed_by: Mapped[uuid.UUID | None] = mapped_column()

    inventory_item: Mapped["InventoryItem"] = relationship(back_populates="movements")
    order: Mapped["Order | None"] = relationship(back_populates="stock_movements")


# --- Query helpers -------------------------------------------------------------------------


async def get_order(db: AsyncSession, order_id: uuid.UUID) -> Order | None:
    """Load an order with everything its responses read (items, member, variants' stock)."""
    result = await db.execute(
        select(Order)
        .where(Order.id == order_id)
        .options(
            selectinload(Order.member),
            selectinload(Order.items)
            .selectinload(OrderItem.variant)
            .selectinload(ProductVariant.inventory),
        )
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()
