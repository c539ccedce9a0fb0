"""Request and response bodies of the store service."""

import datetime
from decimal import Decimal
from typing import List, Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.store_service.models import MovementReason, OrderStatus, ProductUnit


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Products -----------------------------------------------------------------------
class CategoryOut(OrmModel):
    id: uuid.UUID
    name: str
    sort_order: int


class ProductCreate(BaseModel):
    sku: str = Field(min_length=2, max_length=24)
    name: str = Field(min_length=2, max_length=120)
    description: Optional[str] = None
    category_id: Optional[uuid.UUID] = None
    unit: ProductUnit = ProductUnit.EACH
    price: Decimal = Field(gt=0, decimal_places=2)
    member_price: Optional[Decimal] = Field(default=None, gt=0, decimal_places=2)
    reorder_level: int = Field(default=5, ge=0)


class ProductOut(OrmModel):
    id: uuid.UUID
    sku: str
    name: str
    description: Optional[str]
    category_id: Optional[uuid.UUID]
    unit: ProductUnit
    price: Decimal
    member_price: Optional[Decimal]
    active: bool
    stock_level: int


class ProductStockAdjust(BaseModel):
    change: int
    reason: MovementReason = MovementReason.DELIVERY
    recorded_by: Optional[str] = None


class ProductStockMovementOut(OrmModel):
    id: uuid.UUID
    product_id: uuid.UUID
    change: int
    reason: MovementReason
    order_id: Optional[uuid.UUID]
    moved_at: datetime.datetime


class ProductLowStock(BaseModel):
    product_id: uuid.UUID
    sku: str
    name: str
    stock_level: int
    reorder_level: int


# --- Orders -------------------------------------------------------------------------
class OrderLineCreate(BaseModel):
    product_id: uuid.UUID
    quantity: int = Field(default=1, ge=1, le=99)


class OrderLineOut(OrmModel):
    id: uuid.UUID
    product_id: uuid.UUID
    quantity: int
    unit_price: Decimal


class OrderOut(OrmModel):
    id: uuid.UUID
    member_email: str
    status: OrderStatus
    placed_at: Optional[datetime.datetime]
    note: Optional[str]
    lines: List[OrderLineOut]
    total: Decimal


class OrderCheckout(BaseModel):
    note: Optional[str] = Field(default=None, max_length=300)


class OrderStatusChange(BaseModel):
    status: OrderStatus
