"""Committee routes of the store service, mounted under ``/admin``.

The hut's volunteers manage the catalogue, take deliveries, do the stocktake and
hand over the orders members collect on Saturday mornings.
"""

from typing import List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.store_service.models import (
    Order,
    OrderStatus,
    Product,
    StockMovement,
    record_movement,
)
from services.store_service.schemas import (
    OrderOut,
    OrderStatusChange,
    ProductCreate,
    ProductLowStock,
    ProductOut,
    ProductStockAdjust,
    ProductStockMovementOut,
)
from shared.database import get_session, utcnow
from shared.security import require_committee

admin_router = APIRouter(dependencies=[Depends(require_committee)])


def _product(session: Session, product_id: uuid.UUID) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise HTTPException(status_code=404, detail='product not found')
    return product


# --- Catalogue ----------------------------------------------------------------------
@admin_router.post('/products', response_model=ProductOut, status_code=status.HTTP_201_CREATED)
def create_product(body: ProductCreate, session: Session = Depends(get_session)) -> Product:
    if session.scalar(select(Product).where(Product.sku == body.sku)) is not None:
        raise HTTPException(status_code=409, detail='sku already in use')
    product = Product(**body.model_dump())
    session.add(product)
    session.flush()
    return product


# --- Inventory ----------------------------------------------------------------------
@admin_router.post(
    '/products/{product_id}/stock',
    response_model=ProductStockMovementOut,
    status_code=status.HTTP_201_CREATED,
)
def adjust_stock(
    product_id: uuid.UUID, body: ProductStockAdjust, session: Session = Depends(get_session)
) -> StockMovement:
    product = _product(session, product_id)
    if product.stock_level + body.change < 0:
        raise HTTPException(status_code=409, detail='stock cannot go below zero')
    movement = record_movement(product, body.change, body.reason, recorded_by=body.recorded_by)
    session.add(movement)
    session.flush()
    return movement


@admin_router.get('/products/{product_id}/movements', response_model=List[ProductStockMovementOut])
def stock_ledger(product_id: uuid.UUID,
                 session: Session = Depends(get_session)) -> List[StockMovement]:
    return list(_product(session, product_id).movements)


@admin_router.get('/inventory/low-stock', response_model=List[ProductLowStock])
def low_stock(session: Session = Depends(get_session)) -> List[ProductLowStock]:
    found = []
    query = select(Product).where(Product.active.is_(True)).order_by(Product.stock_level)
    for product in session.scalars(query):
        if product.needs_reorder:
            found.append(ProductLowStock(product_id=product.id, sku=product.sku, name=product.name,
                                         stock_level=product.stock_level,
                                         reorder_level=product.reorder_level))
    return found


# --- Orders -------------------------------------------------------------------------
# Imported down here: only the order queue cares which states still hold stock back.
from services.store_service.models import OPEN_ORDER_STATES  # noqa: E402


@admin_router.get('/orders', response_model=List[OrderOut])
def open_orders(
    status_filter: Optional[OrderStatus] = None, session: Session = Depends(get_session)
) -> List[Order]:
    query = select(Order)
    if status_filter is not None:
        query = query.where(Order.status == status_filter)
    else:
        query = query.where(Order.status.in_(OPEN_ORDER_STATES))
    return list(session.scalars(query.order_by(Order.placed_at)))


@admin_router.post('/orders/{order_id}/status', response_model=OrderOut)
def change_order_status(
    order_id: uuid.UUID, body: OrderStatusChange, session: Session = Depends(get_session)
) -> Order:
    order = session.get(Order, order_id)
    if order is None or order.status == OrderStatus.BASKET:
        raise HTTPException(status_code=404, detail='order not found')
    if order.status not in OPEN_ORDER_STATES:
        raise HTTPException(status_code=409, detail='order is already closed')
    order.status = body.status
    if body.status == OrderStatus.COLLECTED:
        order.collected_at = utcnow()
    return order
