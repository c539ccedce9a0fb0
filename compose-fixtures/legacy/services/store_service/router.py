"""Public routes of the store service: the catalogue, members' orders and the basket.

Members identify themselves with the ``X-Member-Email`` header (the gateway sets it).
"""

from typing import List, Optional
import uuid

from fastapi import APIRouter, Depends, Header, HTTPException, Query, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.store_service.models import (
    Category,
    MovementReason,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    record_movement,
)
from services.store_service.schemas import (
    CategoryOut,
    OrderCheckout,
    OrderLineCreate,
    OrderOut,
    ProductOut,
)
from shared.database import get_session

router = APIRouter()


def _member(x_member_email: Optional[str] = Header(default=None)) -> str:
    if not x_member_email:
        raise HTTPException(status_code=401, detail='X-Member-Email header required')
    return x_member_email.strip().lower()


def _product_or_404(session: Session, product_id: uuid.UUID) -> Product:
    product = session.get(Product, product_id)
    if product is None or not product.active:
        raise HTTPException(status_code=404, detail='product not found')
    return product


def _order_for_member(session: Session, order_id: uuid.UUID, member: str) -> Order:
    order = session.get(Order, order_id)
    if order is None or order.member_email != member:
        raise HTTPException(status_code=404, detail='order not found')
    return order


# --- Products -----------------------------------------------------------------------
@router.get('/categories', response_model=List[CategoryOut], tags=['products'])
def list_categories(session: Session = Depends(get_session)) -> List[Category]:
    return list(session.scalars(select(Category).order_by(Category.sort_order, Category.name)))


@router.get('/products', response_model=List[ProductOut], tags=['products'])
def list_products(
    category_id: Optional[uuid.UUID] = None,
    in_stock: bool = Query(default=False),
    session: Session = Depends(get_session),
) -> List[Product]:
    query = select(Product).where(Product.active.is_(True))
    if category_id is not None:
        query = query.where(Product.category_id == category_id)
    if in_stock:
        query = query.where(Product.stock_level > 0)
    return list(session.scalars(query.order_by(Product.name)))


@router.get('/products/{product_id}', response_model=ProductOut, tags=['products'])
def get_product(product_id: uuid.UUID, session: Session = Depends(get_session)) -> Product:
    return _product_or_404(session, product_id)


# --- Orders -------------------------------------------------------------------------
@router.get('/orders', response_model=List[OrderOut], tags=['orders'])
def my_orders(
    member: str = Depends(_member), session: Session = Depends(get_session)
) -> List[Order]:
    query = (
        select(Order)
        .where(Order.member_email == member, Order.status != OrderStatus.BASKET)
        .order_by(Order.placed_at.desc())
    )
    return list(session.scalars(query))


@router.get('/orders/{order_id}', response_model=OrderOut, tags=['orders'])
def get_order(
    order_id: uuid.UUID, member: str = Depends(_member), session: Session = Depends(get_session)
) -> Order:
    return _order_for_member(session, order_id, member)


@router.post('/orders/{order_id}/cancel', response_model=OrderOut, tags=['orders'])
def cancel_order(
    order_id: uuid.UUID, member: str = Depends(_member), session: Session = Depends(get_session)
) -> Order:
    order = _order_for_member(session, order_id, member)
    if order.status != OrderStatus.PLACED:
        raise HTTPException(status_code=409, detail='only placed orders can be cancelled')
    # Back on the shelf: the stock came off when the order was placed.
    for line in order.lines:
        session.add(record_movement(line.product, line.quantity, MovementReason.RETURN,
                                    order_id=order.id))
    order.status = OrderStatus.CANCELLED
    return order


# --- Cart ---------------------------------------------------------------------------
def _basket(session: Session, member: str, create: bool = True) -> Optional[Order]:
    query = select(Order).where(Order.member_email == member, Order.status == OrderStatus.BASKET)
    basket = session.scalar(query)
    if basket is None and create:
        basket = Order(member_email=member, status=OrderStatus.BASKET, lines=[])
        session.add(basket)
        session.flush()
    return basket


@router.get('/cart', response_model=OrderOut, tags=['cart'])
def view_cart(member: str = Depends(_member), session: Session = Depends(get_session)) -> Order:
    basket = _basket(session, member)
    assert basket is not None
    return basket


@router.post(
    '/cart/items', response_model=OrderOut, status_code=status.HTTP_201_CREATED, tags=['cart']
)
def add_to_cart(
    body: OrderLineCreate, member: str = Depends(_member), session: Session = Depends(get_session)
) -> Order:
    product = _product_or_404(session, body.product_id)
    basket = _basket(session, member)
    assert basket is not None
    for line in basket.lines:
        if line.product_id == product.id:
            line.quantity = line.quantity + body.quantity
            break
    else:
        basket.lines.append(
            OrderLine(product=product, quantity=body.quantity, position=len(basket.lines),
                      unit_price=product.price_for(basket.is_member))
        )
    session.flush()
    return basket


@router.delete('/cart/items/{line_id}', response_model=OrderOut, tags=['cart'])
def remove_from_cart(
    line_id: uuid.UUID, member: str = Depends(_member), session: Session = Depends(get_session)
) -> Order:
    basket = _basket(session, member)
    assert basket is not None
    for line in list(basket.lines):
        if line.id == line_id:
            basket.lines.remove(line)
            session.flush()
            return basket
    raise HTTPException(status_code=404, detail='not in your basket')


@router.post('/cart/checkout', response_model=OrderOut, tags=['cart'])
def checkout(
    body: OrderCheckout, member: str = Depends(_member), session: Session = Depends(get_session)
) -> Order:
    basket = _basket(session, member, create=False)
    if basket is None or not basket.lines:
        raise HTTPException(status_code=409, detail='your basket is empty')
    for line in basket.lines:
        if line.product.stock_level < line.quantity:
            raise HTTPException(
                status_code=409, detail='only %d left of %s' % (line.product.stock_level,
                                                                 line.product.name)
            )
    for line in basket.lines:
        session.add(record_movement(line.product, -line.quantity, MovementReason.SALE,
                                    order_id=basket.id))
    basket.note = body.note
    basket.place()
    return basket
