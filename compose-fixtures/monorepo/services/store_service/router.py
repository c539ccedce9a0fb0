"""Public store endpoints: the catalogue, a member's cart, and their orders."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, get_current_user, require_internal
from libs.db import get_async_db
from services.store_service import models
from services.store_service.models import (
    Cart,
    CartItem,
    CartStatus,
    Category,
    FulfilmentMethod,
    InsufficientStock,
    InventoryItem,
    Order,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    Product,
    ProductStatus,
    ProductType,
    ProductVariant,
)
from services.store_service.schemas import (
    CartItemAdd,
    CartItemResponse,
    CartItemUpdate,
    CartResponse,
    CategoryResponse,
    CategoryTree,
    CheckoutRequest,
    OrderCancelRequest,
    OrderResponse,
    OrderSummary,
    Page,
    PaymentNotification,
    ProductDetail,
    ProductSort,
    ProductSummary,
    StorefrontResponse,
)

router = APIRouter(prefix="/store", tags=["store"])

CART_LIFETIME = timedelta(days=14)
MAX_CART_LINES = 25
DELIVERY_FEE = Decimal("2500.00")


# --- Catalogue -----------------------------------------------------------------------------


def _catalogue_query() -> Select[tuple[Product]]:
    return (
        select(Product)
        .where(Product.status == ProductStatus.ACTIVE)
        .options(
            selectinload(Product.category),
            selectinload(Product.images),
            selectinload(Product.variants).selectinload(ProductVariant.inventory),
        )
    )


async def _category_tree(db: AsyncSession) -> list[CategoryTree]:
    categories = list(
        (
            await db.execute(
                select(Category).where(Category.is_visible.is_(True)).order_by(Category.sort_order)
            )
        ).scalars()
    )
    counts = dict(
        (
            await db.execute(
                select(Product.category_id, func.count(Product.id))
                .where(Product.status == ProductStatus.ACTIVE)
                .group_by(Product.category_id)
            )
        ).all()
    )
    nodes = {
        c.id: CategoryTree(
            **CategoryResponse.model_validate(c).model_dump(), product_count=counts.get(c.id, 0)
        )
        for c in categories
    }
    roots: list[CategoryTree] = []
    for category in categories:
        node = nodes[category.id]
        parent = nodes.get(category.parent_id) if category.parent_id else None
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
            parent.product_count += node.product_count
    return roots


async def _category_ids(db: AsyncSession, slug: str) -> list[uuid.UUID]:
    """The category with ``slug`` and all its descendants."""
    rows = (await db.execute(select(Category.id, Category.parent_id, Category.slug))).all()
    root = next((row.id for row in rows if row.slug == slug), None)
    if root is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"category {slug!r} not found")
    found, frontier = [root], [root]
    while frontier:
        frontier = [row.id for row in rows if row.parent_id in frontier]
        found.extend(frontier)
    return found


async def _get_product_by_slug(db: AsyncSession, slug: str) -> Product:
    product = (
        await db.execute(_catalogue_query().where(Product.slug == slug))
    ).scalar_one_or_none()
    if product is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "product not found")
    return product


@router.get("", response_model=StorefrontResponse)
async def storefront(db: AsyncSession = Depends(get_async_db)) -> StorefrontResponse:
    featured = (
        await db.execute(
            _catalogue_query()
            .where(Product.is_featured.is_(True))
            .order_by(Product.published_at.desc())
            .limit(8)
        )
    ).scalars()
    product_count = await db.scalar(
        select(func.count(Product.id)).where(Product.status == ProductStatus.ACTIVE)
    )
    return StorefrontResponse(
        categories=await _category_tree(db),
        featured=[ProductSummary.from_product(p) for p in featured],
        product_count=product_count or 0,
    )


@router.get("/categories/", response_model=list[CategoryTree])
async def list_categories(db: AsyncSession = Depends(get_async_db)) -> list[CategoryTree]:
    return await _category_tree(db)


@router.get("/products", response_model=Page[ProductSummary])
async def list_products(
    category: str | None = None,
    q: str | None = Query(default=None, min_length=2, max_length=100),
    product_type: ProductType | None = None,
    min_price: Decimal | None = Query(default=None, ge=0),
    max_price: Decimal | None = Query(default=None, ge=0),
    in_stock: bool = False,
    sort: ProductSort = ProductSort.NEWEST,
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=24, ge=1, le=100),
    db: AsyncSession = Depends(get_async_db),
) -> Page[ProductSummary]:
    query = _catalogue_query()
    if category is not None:
        query = query.where(Product.category_id.in_(await _category_ids(db, category)))
    if q:
        pattern = f"%{q}%"
        query = query.where(or_(Product.name.ilike(pattern), Product.description.ilike(pattern)))
    if product_type is not None:
        query = query.where(Product.product_type == product_type)
    if min_price is not None:
        query = query.where(Product.base_price >= min_price)
    if max_price is not None:
        query = query.where(Product.base_price <= max_price)
    if in_stock:
        stocked = (
            select(ProductVariant.product_id)
            .join(InventoryItem, InventoryItem.variant_id == ProductVariant.id)
            .where(
                ProductVariant.is_active.is_(True),
                InventoryItem.quantity_on_hand > InventoryItem.quantity_reserved,
            )
        )
        query = query.where(Product.id.in_(stocked))
    order_by = {
        ProductSort.NEWEST: Product.published_at.desc().nulls_last(),
        ProductSort.PRICE_ASC: Product.base_price.asc(),
        ProductSort.PRICE_DESC: Product.base_price.desc(),
        ProductSort.NAME: Product.name.asc(),
    }[sort]
    total = await db.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await db.execute(
        query.order_by(order_by, Product.id).offset((page - 1) * page_size).limit(page_size)
    )
    return Page[ProductSummary](
        items=[ProductSummary.from_product(p) for p in rows.scalars()],
        total=total or 0,
        page=page,
        page_size=page_size,
    )


@router.get("/products/featured", response_model=list[ProductSummary])
async def featured_products(
    limit: int = Query(default=6, ge=1, le=24), db: AsyncSession = Depends(get_async_db)
) -> list[ProductSummary]:
    rows = await db.execute(
        _catalogue_query()
        .where(Product.is_featured.is_(True))
        .order_by(Product.published_at.desc().nulls_last(), Product.name)
        .limit(limit)
    )
    return [ProductSummary.from_product(p) for p in rows.scalars()]


@router.get("/products/{slug}", response_model=ProductDetail)
async def get_product(slug: str, db: AsyncSession = Depends(get_async_db)) -> ProductDetail:
    return ProductDetail.from_product(await _get_product_by_slug(db, slug))


# --- Cart ----------------------------------------------------------------------------------


async def _load_cart(db: AsyncSession, member_id: uuid.UUID) -> Cart | None:
    result = await db.execute(
        select(Cart)
        .where(Cart.member_id == member_id, Cart.status == CartStatus.ACTIVE)
        .options(
            selectinload(Cart.items)
            .selectinload(CartItem.variant)
            .options(
                selectinload(ProductVariant.product),
                selectinload(ProductVariant.inventory),
            )
        )
        .order_by(Cart.created_at.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )
    cart = result.scalar_one_or_none()
    if cart is not None and cart.is_expired():
        cart.status = CartStatus.ABANDONED
        await db.flush()
        return None
    return cart


async def _get_or_create_cart(db: AsyncSession, member_id: uuid.UUID) -> Cart:
    cart = await _load_cart(db, member_id)
    if cart is None:
        db.add(Cart(member_id=member_id, expires_at=datetime.now(timezone.utc) + CART_LIFETIME))
        await db.flush()
        cart = await _load_cart(db, member_id)
        assert cart is not None
    return cart


def _cart_response(cart: Cart) -> CartResponse:
    items = [
        CartItemResponse(
            id=item.id,
            variant_id=item.variant_id,
            sku=item.variant.sku,
            product_name=item.variant.product.name,
            product_slug=item.variant.product.slug,
            variant_name=item.variant.name,
            quantity=item.quantity,
            unit_price=item.variant.unit_price,
            line_total=item.line_total,
            available=item.variant.available,
        )
        for item in cart.items
    ]
    return CartResponse(
        id=cart.id,
        status=cart.status,
        items=items,
        subtotal=cart.subtotal,
        expires_at=cart.expires_at,
    )


def _check_purchasable(variant: ProductVariant, quantity: int) -> None:
    product = variant.product
    if product.status is not ProductStatus.ACTIVE or not variant.is_active:
        raise HTTPException(status.HTTP_409_CONFLICT, f"{variant.sku} is not on sale")
    if product.max_per_order is not None and quantity > product.max_per_order:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"at most {product.max_per_order} of {product.name} per order",
        )
    if quantity > variant.available:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"only {variant.available} of {variant.sku} in stock"
        )


async def _cart_item_or_404(cart: Cart, item_id: uuid.UUID) -> CartItem:
    item = next((i for i in cart.items if i.id == item_id), None)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "cart item not found")
    return item


@router.get("/cart", response_model=CartResponse)
async def view_cart(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(get_current_user)
) -> CartResponse:
    return _cart_response(await _get_or_create_cart(db, user.user_id))


@router.post("/cart/items", response_model=CartResponse, status_code=status.HTTP_201_CREATED)
async def add_to_cart(
    payload: CartItemAdd,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> CartResponse:
    cart = await _get_or_create_cart(db, user.user_id)
    variant = (
        await db.execute(
            select(ProductVariant)
            .where(ProductVariant.id == payload.variant_id)
            .options(selectinload(ProductVariant.product), selectinload(ProductVariant.inventory))
        )
    ).scalar_one_or_none()
    if variant is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "variant not found")
    existing = next((i for i in cart.items if i.variant_id == variant.id), None)
    quantity = payload.quantity + (existing.quantity if existing else 0)
    _check_purchasable(variant, quantity)
    if existing is not None:
        existing.quantity = quantity
    elif len(cart.items) >= MAX_CART_LINES:
        raise HTTPException(status.HTTP_409_CONFLICT, "cart is full")
    else:
        db.add(CartItem(cart_id=cart.id, variant_id=variant.id, quantity=quantity))
    cart.expires_at = datetime.now(timezone.utc) + CART_LIFETIME
    await db.flush()
    return _cart_response(await _get_or_create_cart(db, user.user_id))


@router.patch("/cart/items/{item_id}", response_model=CartResponse)
async def update_cart_item(
    item_id: uuid.UUID,
    payload: CartItemUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> CartResponse:
    cart = await _get_or_create_cart(db, user.user_id)
    item = await _cart_item_or_404(cart, item_id)
    _check_purchasable(item.variant, payload.quantity)
    item.quantity = payload.quantity
    await db.flush()
    return _cart_response(cart)


@router.delete("/cart/items/{item_id}", response_model=CartResponse)
async def remove_cart_item(
    item_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> CartResponse:
    cart = await _get_or_create_cart(db, user.user_id)
    await db.delete(await _cart_item_or_404(cart, item_id))
    await db.flush()
    return _cart_response(await _get_or_create_cart(db, user.user_id))


@router.delete("/cart", status_code=status.HTTP_204_NO_CONTENT)
async def clear_cart(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(get_current_user)
) -> None:
    cart = await _load_cart(db, user.user_id)
    if cart is not None:
        for item in list(cart.items):
            await db.delete(item)


# --- Orders --------------------------------------------------------------------------------


def _next_order_number() -> str:
    return f"SC-{datetime.now(timezone.utc):%y%m%d}-{secrets.token_hex(3).upper()}"


async def _locked_inventory(db: AsyncSession, order: Order) -> dict[uuid.UUID, InventoryItem]:
    variant_ids = [item.variant_id for item in order.items if item.variant_id is not None]
    rows = await db.execute(
        select(InventoryItem)
        .where(InventoryItem.variant_id.in_(variant_ids))
        .options(selectinload(InventoryItem.variant))
        .with_for_update()
    )
    return {inventory.variant_id: inventory for inventory in rows.scalars()}


async def _release_order_stock(db: AsyncSession, order: Order, reason: str) -> None:
    """Give back what an unpaid order had reserved."""
    stock = await _locked_inventory(db, order)
    for item in order.items:
        inventory = stock.get(item.variant_id)
        if inventory is not None:
            db.add(inventory.release(item.quantity, order, reason=reason))


async def _settle_order_stock(db: AsyncSession, order: Order) -> None:
    """Turn a paid order's reservations into sales."""
    stock = await _locked_inventory(db, order)
    for item in order.items:
        inventory = stock.get(item.variant_id)
        if inventory is not None:
            db.add(inventory.commit_sale(item.quantity, order))


async def _apply_payment(
    db: AsyncSession, order: Order, payment_status: PaymentStatus, reference: str | None
) -> None:
    """Record a payment result; shared by the payments callback and the admin desk."""
    if order.is_paid and payment_status is PaymentStatus.PAID:
        return
    order.payment_status = payment_status
    if reference is not None:
        order.payment_reference = reference
    if payment_status is PaymentStatus.PAID:
        if not order.can_transition_to(OrderStatus.CONFIRMED):
            raise HTTPException(
                status.HTTP_409_CONFLICT, f"cannot take payment for a {order.status.value} order"
            )
        order.status = OrderStatus.CONFIRMED
        order.paid_at = datetime.now(timezone.utc)
        await _settle_order_stock(db, order)


async def _order_for_member(db: AsyncSession, order_id: uuid.UUID, user: AuthUser) -> Order:
    order = await models.get_order(db, order_id)
    if order is None or (order.member_id != user.user_id and not user.is_admin):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "order not found")
    return order


@router.post("/orders/", response_model=OrderResponse, status_code=status.HTTP_201_CREATED)
async def checkout(
    payload: CheckoutRequest,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Order:
    cart = await _load_cart(db, user.user_id)
    if cart is None or not cart.items:
        raise HTTPException(status.HTTP_409_CONFLICT, "cart is empty")
    for item in cart.items:
        _check_purchasable(item.variant, item.quantity)

    delivery = payload.fulfilment_method is FulfilmentMethod.DELIVERY
    order = Order(
        order_number=_next_order_number(),
        member_id=user.user_id,
        cart_id=cart.id,
        fulfilment_method=payload.fulfilment_method,
        contact_phone=payload.contact_phone,
        delivery_address=payload.delivery_address.as_text() if payload.delivery_address else None,
        notes=payload.notes,
        delivery_fee=DELIVERY_FEE if delivery else Decimal("0.00"),
        discount_total=Decimal("0.00"),
        items=[
            OrderItem(
                variant_id=item.variant_id,
                product_name=item.variant.product.name,
                variant_name=item.variant.name,
                sku=item.variant.sku,
                quantity=item.quantity,
                unit_price=item.variant.unit_price,
            )
            for item in cart.items
        ],
    )
    order.recalculate_totals()
    db.add(order)
    await db.flush()

    stock = await _locked_inventory(db, order)
    try:
        for item in order.items:
            inventory = stock.get(item.variant_id)
            if inventory is None:
                raise InsufficientStock(item.sku, item.quantity, 0)
            db.add(inventory.reserve(item.quantity, order))
    except InsufficientStock as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    cart.status = CartStatus.CHECKED_OUT
    await db.flush()
    return await models.get_order(db, order.id)


@router.get("/orders/mine", response_model=Page[OrderSummary])
async def list_my_orders(
    status_filter: OrderStatus | None = Query(default=None, alias="status"),
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=20, ge=1, le=100),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Page[OrderSummary]:
    query = select(Order).where(Order.member_id == user.user_id)
    if status_filter is not None:
        query = query.where(Order.status == status_filter)
    total = await db.scalar(select(func.count()).select_from(query.subquery()))
    rows = await db.execute(
        query.order_by(Order.placed_at.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return Page[OrderSummary](
        items=[OrderSummary.model_validate(o) for o in rows.scalars()],
        total=total or 0,
        page=page,
        page_size=page_size,
    )


@router.get("/orders/{order_id}", response_model=OrderResponse)
async def get_order(
    order_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Order:
    return await _order_for_member(db, order_id, user)


@router.post("/orders/{order_id}/cancel", response_model=OrderResponse)
async def cancel_order(
    order_id: uuid.UUID,
    payload: OrderCancelRequest,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Order:
    order = await _order_for_member(db, order_id, user)
    if order.is_paid or not order.can_transition_to(OrderStatus.CANCELLED):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            "this order can no longer be cancelled; ask the club shop for a refund",
        )
    await _release_order_stock(db, order, reason=f"cancelled by member: {payload.reason}")
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = datetime.now(timezone.utc)
    order.cancel_reason = payload.reason
    await db.flush()
    return await models.get_order(db, order.id)


@router.post(
    "/internal/payments",
    response_model=OrderResponse,
    dependencies=[Depends(require_internal)],
    include_in_schema=False,
)
async def payment_notification(
    payload: PaymentNotification, db: AsyncSession = Depends(get_async_db)
) -> Order:
    order_id = await db.scalar(select(Order.id).where(Order.order_number == payload.order_number))
    order = await models.get_order(db, order_id) if order_id else None
    if order is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "order not found")
    if payload.status is PaymentStatus.PAID and payload.amount != order.total:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"paid {payload.amount}, order total is {order.total}"
        )
    await _apply_payment(db, order, payload.status, payload.reference)
    await db.flush()
    return await models.get_order(db, order.id)
