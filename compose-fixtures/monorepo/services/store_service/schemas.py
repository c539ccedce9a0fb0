"""Store service request and response schemas."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from services.store_service.models import (
    CartStatus,
    FulfilmentMethod,
    OrderStatus,
    PaymentStatus,
    ProductStatus,
    ProductType,
    StockMovementType,
)

T = TypeVar("T")

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Money = Decimal


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int

    @computed_field
    @property
    def pages(self) -> int:
        return (self.total + self.page_size - 1) // self.page_size if self.page_size else 0


class ProductSort(str, enum.Enum):
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NAME = "name"


# --- Categories ----------------------------------------------------------------------------


class CategoryBase(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    slug: str = Field(pattern=SLUG_PATTERN, max_length=120)
    description: str | None = None
    sort_order: int = 0
    is_visible: bool = True


class CategoryCreate(CategoryBase):
    parent_id: uuid.UUID | None = None


class CategoryUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = None
    parent_id: uuid.UUID | None = None
    sort_order: int | None = None
    is_visible: bool | None = None


class CategoryResponse(CategoryBase):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    parent_id: uuid.UUID | None


class CategoryTree(CategoryResponse):
    product_count: int = 0
    children: list[CategoryTree] = Field(default_factory=list)


CategoryTree.model_rebuild()


# --- Products ------------------------------------------------------------------------------


class ProductImageCreate(BaseModel):
    url: str = Field(min_length=1, max_length=500)
    alt_text: str | None = Field(default=None, max_length=200)
    position: int = 0
    is_primary: bool = False


class ProductImageResponse(ProductImageCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID


class VariantBase(BaseModel):
    sku: str = Field(min_length=2, max_length=64)
    name: str = Field(min_length=1, max_length=120)
    size: str | None = Field(default=None, max_length=20)
    colour: str | None = Field(default=None, max_length=40)
    price_override: Money | None = Field(default=None, ge=0, max_digits=10, decimal_places=2)
    weight_grams: int | None = Field(default=None, ge=0)
    sort_order: int = 0


class VariantCreate(VariantBase):
    initial_stock: int = Field(default=0, ge=0)
    reorder_level: int = Field(default=5, ge=0)
    bin_location: str | None = Field(default=None, max_length=40)


class VariantUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    size: str | None = None
    colour: str | None = None
    price_override: Money | None = Field(default=None, ge=0, max_digits=10, decimal_places=2)
    weight_grams: int | None = Field(default=None, ge=0)
    sort_order: int | None = None
    is_active: bool | None = None


class VariantResponse(BaseModel):
    id: uuid.UUID
    sku: str
    name: str
    size: str | None
    colour: str | None
    price: Money
    available: int
    is_active: bool

    @classmethod
    def from_variant(cls, variant) -> VariantResponse:
        return cls(
            id=variant.id,
            sku=variant.sku,
            name=variant.name,
            size=variant.size,
            colour=variant.colour,
            price=variant.unit_price,
            available=variant.available,
            is_active=variant.is_active,
        )


class ProductBase(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=SLUG_PATTERN, max_length=220)
    description: str | None = None
    product_type: ProductType
    base_price: Money = Field(ge=0, max_digits=10, decimal_places=2)
    currency: str = Field(default="NGN", min_length=3, max_length=3)
    is_featured: bool = False
    members_only: bool = False
    max_per_order: int | None = Field(default=None, ge=1)
    category_id: uuid.UUID | None = None


class ProductCreate(ProductBase):
    variants: list[VariantCreate] = Field(default_factory=list)
    images: list[ProductImageCreate] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_skus(self) -> ProductCreate:
        skus = [variant.sku for variant in self.variants]
        if len(skus) != len(set(skus)):
            raise ValueError("variant SKUs must be unique")
        return self


class ProductUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    slug: str | None = Field(default=None, pattern=SLUG_PATTERN, max_length=220)
    description: str | None = None
    product_type: ProductType | None = None
    base_price: Money | None = Field(default=None, ge=0, max_digits=10, decimal_places=2)
    is_featured: bool | None = None
    members_only: bool | None = None
    max_per_order: int | None = Field(default=None, ge=1)
    category_id: uuid.UUID | None = None


class ProductSummary(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    product_type: ProductType
    base_price: Money
    price_from: Money
    currency: str
    is_featured: bool
    in_stock: bool
    image_url: str | None
    category_slug: str | None

    @classmethod
    def from_product(cls, product) -> ProductSummary:
        active = [v for v in product.variants if v.is_active]
        image = product.primary_image
        return cls(
            id=product.id,
            name=product.name,
            slug=product.slug,
            product_type=product.product_type,
            base_price=product.base_price,
            price_from=min((v.unit_price for v in active), default=product.base_price),
            currency=product.currency,
            is_featured=product.is_featured,
            in_stock=any(v.available > 0 for v in active),
            image_url=image.url if image is not None else None,
            category_slug=product.category.slug if product.category is not None else None,
        )


class ProductDetail(ProductSummary):
    description: str | None
    members_only: bool
    max_per_order: int | None
    category: CategoryResponse | None
    variants: list[VariantResponse]
    images: list[ProductImageResponse]

    @classmethod
    def from_product(cls, product, *, include_inactive: bool = False) -> ProductDetail:
        summary = ProductSummary.from_product(product)
        variants = [v for v in product.variants if include_inactive or v.is_active]
        return cls(
            **summary.model_dump(),
            description=product.description,
            members_only=product.members_only,
            max_per_order=product.max_per_order,
            category=product.category,
            variants=[VariantResponse.from_variant(v) for v in variants],
            images=product.images,
        )


class AdminProductResponse(ProductDetail):
    status: ProductStatus
    published_at: datetime | None
    total_on_hand: int

    @classmethod
    def from_product(cls, product, *, include_inactive: bool = True) -> AdminProductResponse:
        detail = ProductDetail.from_product(product, include_inactive=include_inactive)
        on_hand = sum(v.inventory.quantity_on_hand for v in product.variants if v.inventory)
        return cls(
            **detail.model_dump(),
            status=product.status,
            published_at=product.published_at,
            total_on_hand=on_hand,
        )


class StorefrontResponse(BaseModel):
    categories: list[CategoryTree]
    featured: list[ProductSummary]
    product_count: int
    currency: str = "NGN"


# --- Cart ----------------------------------------------------------------------------------


class CartItemAdd(BaseModel):
    variant_id: uuid.UUID
    quantity: int = Field(default=1, ge=1, le=20)


class CartItemUpdate(BaseModel):
    quantity: int = Field(ge=1, le=20)


class CartItemResponse(BaseModel):
    id: uuid.UUID
    variant_id: uuid.UUID
    sku: str
    product_name: str
    product_slug: str
    variant_name: str
    quantity: int
    unit_price: Money
    line_total: Money
    available: int


class CartResponse(BaseModel):
    id: uuid.UUID
    status: CartStatus
    items: list[CartItemResponse]
    subtotal: Money
    currency: str = "NGN"
    expires_at: datetime | None

    @computed_field
    @property
    def item_count(self) -> int:
        return sum(item.quantity for item in self.items)


# --- Orders --------------------------------------------------------------------------------


class DeliveryAddress(BaseModel):
    recipient: str = Field(min_length=1, max_length=120)
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=80)
    state: str = Field(min_length=1, max_length=80)

    def as_text(self) -> str:
        lines = [self.recipient, self.line1, self.line2, f"{self.city}, {self.state}"]
        return "\n".join(line for line in lines if line)


class CheckoutRequest(BaseModel):
    fulfilment_method: FulfilmentMethod = FulfilmentMethod.PICKUP
    contact_phone: str | None = Field(default=None, max_length=30)
    delivery_address: DeliveryAddress | None = None
    notes: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _address_for_delivery(self) -> CheckoutRequest:
        if self.fulfilment_method is FulfilmentMethod.DELIVERY and self.delivery_address is None:
            raise ValueError("delivery orders need a delivery address")
        return self


class OrderItemResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    variant_id: uuid.UUID | None
    product_name: str
    variant_name: str
    sku: str
    quantity: int
    unit_price: Money
    line_total: Money


class OrderSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    order_number: str
    status: OrderStatus
    payment_status: PaymentStatus
    fulfilment_method: FulfilmentMethod
    total: Money
    currency: str
    placed_at: datetime


class OrderResponse(OrderSummary):
    subtotal: Money
    discount_total: Money
    delivery_fee: Money
    contact_phone: str | None
    delivery_address: str | None
    notes: str | None
    paid_at: datetime | None
    fulfilled_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    items: list[OrderItemResponse]


class AdminOrderResponse(OrderResponse):
    member_id: uuid.UUID
    member_name: str | None = None
    member_email: str | None = None
    admin_notes: str | None
    payment_reference: str | None

    @classmethod
    def from_order(cls, order) -> AdminOrderResponse:
        response = cls.model_validate(order)
        if order.member is not None:
            response.member_name = order.member.full_name
            response.member_email = order.member.email
        return response


class OrderCancelRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=255)


class OrderStatusUpdate(BaseModel):
    status: OrderStatus
    note: str | None = Field(default=None, max_length=500)


class PaymentUpdate(BaseModel):
    payment_status: PaymentStatus
    payment_reference: str | None = Field(default=None, max_length=100)


class PaymentNotification(BaseModel):
    """Sent by the payments service when a store checkout's payment settles."""

    order_number: str
    reference: str = Field(min_length=1, max_length=100)
    status: PaymentStatus
    amount: Money


class RefundRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=255)
    restock: bool = True


class AdminNotesUpdate(BaseModel):
    admin_notes: str | None = Field(default=None, max_length=2000)


class TopProduct(BaseModel):
    product_name: str
    quantity: int
    revenue: Money


class OrderStats(BaseModel):
    total_orders: int
    by_status: dict[OrderStatus, int]
    paid_revenue: Money
    average_order_value: Money
    top_products: list[TopProduct]


# --- Inventory -----------------------------------------------------------------------------


class InventoryResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    variant_id: uuid.UUID
    quantity_on_hand: int
    quantity_reserved: int
    available: int
    reorder_level: int
    bin_location: str | None
    last_counted_at: datetime | None


class StockMovementResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    movement_type: StockMovementType
    quantity_delta: int
    reserved_delta: int
    order_id: uuid.UUID | None
    reason: str | None
    performed_by: uuid.UUID | None
    created_at: datetime


class StockAdjustment(BaseModel):
    """A manual stock change; ``quantity`` is the change for restock/write-off/return and
    the counted total for a stock-take ``adjustment``."""

    movement_type: StockMovementType
    quantity: int
    reason: str | None = Field(default=None, max_length=255)
    reorder_level: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _check(self) -> StockAdjustment:
        manual = {
            StockMovementType.RESTOCK,
            StockMovementType.RETURN,
            StockMovementType.WRITE_OFF,
            StockMovementType.ADJUSTMENT,
        }
        if self.movement_type not in manual:
            raise ValueError(f"{self.movement_type.value} movements are recorded by orders")
        if self.movement_type is StockMovementType.ADJUSTMENT:
            if self.quantity < 0:
                raise ValueError("a stock count cannot be negative")
        elif self.quantity <= 0:
            raise ValueError("quantity must be positive")
        if self.movement_type is StockMovementType.WRITE_OFF and not self.reason:
            raise ValueError("write-offs need a reason")
        return self


class VariantStockResponse(BaseModel):
    variant: VariantResponse
    product_name: str
    inventory: InventoryResponse
    movements: list[StockMovementResponse]


class LowStockItem(BaseModel):
    variant_id: uuid.UUID
    sku: str
    product_name: str
    variant_name: str
    available: int
    reorder_level: int
    bin_location: str | None
