"""Club-shop back office: catalogue and stock management, order handling.

Two routers live here: ``admin_products_router`` (catalogue, categories, stock) and,
further down, ``admin_orders_router``. Both are mounted by ``app/main.py``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, require_admin
from libs.db import get_async_db
from services.store_service.models import (
    Category,
    InsufficientStock,
    InventoryItem,
    Order,
    OrderItem,
    PaymentStatus,
    Product,
    ProductImage,
    ProductStatus,
    ProductType,
    ProductVariant,
    StockMovement,
    StockMovementType,
)
from services.store_service.schemas import (
    AdminProductResponse,
    CategoryCreate,
    CategoryResponse,
    CategoryUpdate,
    InventoryResponse,
    LowStockItem,
    Page,
    ProductCreate,
    ProductImageCreate,
    ProductImageResponse,
    ProductUpdate,
    StockAdjustment,
    StockMovementResponse,
    VariantCreate,
    VariantResponse,
    VariantStockResponse,
    VariantUpdate,
)

admin_products_router = APIRouter(
    prefix="/admin/products", tags=["store-admin"], dependencies=[Depends(require_admin)]
)

STOCK_HISTORY_LIMIT = 50


async def _flush_or_conflict(db: AsyncSession, what: str) -> None:
    try:
        await db.flush()
    except IntegrityError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, f"{what} already exists") from exc


async def _load_product(db: AsyncSession, product_id: uuid.UUID) -> Product:
    product = (
        await db.execute(
            select(Product)
            .where(Product.id == product_id)
            .options(
                selectinload(Product.category),
                selectinload(Product.images),
                selectinload(Product.variants).selectinload(ProductVariant.inventory),
            )
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if product is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "product not found")
    return product


async def _load_variant(db: AsyncSession, variant_id: uuid.UUID) -> ProductVariant:
    variant = (
        await db.execute(
            select(ProductVariant)
            .where(ProductVariant.id == variant_id)
            .options(selectinload(ProductVariant.product), selectinload(ProductVariant.inventory))
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if variant is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "variant not found")
    return variant


def _new_variant(product: Product, payload: VariantCreate) -> ProductVariant:
    fields = payload.model_dump(exclude={"initial_stock", "reorder_level", "bin_location"})
    variant = ProductVariant(**fields, product=product)
    variant.inventory = InventoryItem(
        quantity_on_hand=payload.initial_stock,
        quantity_reserved=0,
        reorder_level=payload.reorder_level,
        bin_location=payload.bin_location,
    )
    return variant


async def _stock_response(db: AsyncSession, variant: ProductVariant) -> VariantStockResponse:
    inventory = variant.inventory
    if inventory is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "variant has no stock record")
    movements = await db.execute(
        select(StockMovement)
        .where(StockMovement.inventory_item_id == inventory.id)
        .order_by(StockMovement.created_at.desc())
        .limit(STOCK_HISTORY_LIMIT)
    )
    return VariantStockResponse(
        variant=VariantResponse.from_variant(variant),
        product_name=variant.product.name,
        inventory=InventoryResponse.model_validate(inventory),
        movements=[StockMovementResponse.model_validate(m) for m in movements.scalars()],
    )


# --- Catalogue -----------------------------------------------------------------------------


@admin_products_router.get("/", response_model=Page[AdminProductResponse])
async def list_products(
    product_status: ProductStatus | None = Query(default=None, alias="status"),
    product_type: ProductType | None = None,
    category_id: uuid.UUID | None = None,
    q: str | None = Query(default=None, min_length=2),
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=50, ge=1, le=200),
    db: AsyncSession = Depends(get_async_db),
) -> Page[AdminProductResponse]:
    query = select(Product).options(
        selectinload(Product.category),
        selectinload(Product.images),
        selectinload(Product.variants).selectinload(ProductVariant.inventory),
    )
    if product_status is not None:
        query = query.where(Product.status == product_status)
    if product_type is not None:
        query = query.where(Product.product_type == product_type)
    if category_id is not None:
        query = query.where(Product.category_id == category_id)
    if q:
        sku_match = select(ProductVariant.product_id).where(ProductVariant.sku.ilike(f"%{q}%"))
        query = query.where(or_(Product.name.ilike(f"%{q}%"), Product.id.in_(sku_match)))
    total = await db.scalar(select(func.count()).select_from(query.subquery()))
    rows = await db.execute(
        query.order_by(Product.name).offset((page - 1) * page_size).limit(page_size)
    )
    return Page[AdminProductResponse](
        items=[AdminProductResponse.from_product(p) for p in rows.scalars()],
        total=total or 0,
        page=page,
        page_size=page_size,
    )


@admin_products_router.post(
    "/", response_model=AdminProductResponse, status_code=status.HTTP_201_CREATED
)
async def create_product(
    payload: ProductCreate, db: AsyncSession = Depends(get_async_db)
) -> AdminProductResponse:
    if payload.category_id is not None and await db.get(Category, payload.category_id) is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown category")
    product = Product(**payload.model_dump(exclude={"variants", "images"}))
    product.images = [ProductImage(**image.model_dump()) for image in payload.images]
    db.add(product)
    for variant in payload.variants:
        db.add(_new_variant(product, variant))
    await _flush_or_conflict(db, "a product with this slug or a variant with this SKU")
    return AdminProductResponse.from_product(await _load_product(db, product.id))


# --- Categories ----------------------------------------------------------------------------


@admin_products_router.get("/categories", response_model=list[CategoryResponse])
async def list_categories(db: AsyncSession = Depends(get_async_db)) -> list[Category]:
    rows = await db.execute(select(Category).order_by(Category.sort_order, Category.name))
    return list(rows.scalars())


@admin_products_router.post(
    "/categories", response_model=CategoryResponse, status_code=status.HTTP_201_CREATED
)
async def create_category(
    payload: CategoryCreate, db: AsyncSession = Depends(get_async_db)
) -> Category:
    if payload.parent_id is not None and await db.get(Category, payload.parent_id) is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown parent category")
    category = Category(**payload.model_dump())
    db.add(category)
    await _flush_or_conflict(db, "a category with this slug")
    return category


@admin_products_router.patch("/categories/{category_id}", response_model=CategoryResponse)
async def update_category(
    category_id: uuid.UUID, payload: CategoryUpdate, db: AsyncSession = Depends(get_async_db)
) -> Category:
    category = await db.get(Category, category_id)
    if category is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "category not found")
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("parent_id") == category_id:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "a category cannot parent itself"
        )
    for key, value in changes.items():
        setattr(category, key, value)
    await db.flush()
    return category


# --- Inventory (reports) ---------------------------------------------------------------------


@admin_products_router.get("/low-stock", response_model=list[LowStockItem])
async def low_stock(
    include_inactive: bool = False, db: AsyncSession = Depends(get_async_db)
) -> list[LowStockItem]:
    available = InventoryItem.quantity_on_hand - InventoryItem.quantity_reserved
    query = (
        select(InventoryItem, ProductVariant, Product)
        .join(ProductVariant, InventoryItem.variant_id == ProductVariant.id)
        .join(Product, ProductVariant.product_id == Product.id)
        .where(available <= InventoryItem.reorder_level, Product.status != ProductStatus.ARCHIVED)
        .order_by(available, Product.name, ProductVariant.sort_order)
    )
    if not include_inactive:
        query = query.where(ProductVariant.is_active.is_(True))
    return [
        LowStockItem(
            variant_id=variant.id,
            sku=variant.sku,
            product_name=product.name,
            variant_name=variant.name,
            available=inventory.available,
            reorder_level=inventory.reorder_level,
            bin_location=inventory.bin_location,
        )
        for inventory, variant, product in (await db.execute(query)).all()
    ]


# --- Catalogue (single product) --------------------------------------------------------------


@admin_products_router.get("/{product_id}", response_model=AdminProductResponse)
async def get_product(
    product_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> AdminProductResponse:
    return AdminProductResponse.from_product(await _load_product(db, product_id))


@admin_products_router.patch("/{product_id}", response_model=AdminProductResponse)
async def update_product(
    product_id: uuid.UUID, payload: ProductUpdate, db: AsyncSession = Depends(get_async_db)
) -> AdminProductResponse:
    product = await _load_product(db, product_id)
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(product, key, value)
    await _flush_or_conflict(db, "a product with this slug")
    return AdminProductResponse.from_product(await _load_product(db, product_id))


@admin_products_router.post("/{product_id}/publish", response_model=AdminProductResponse)
async def publish_product(
    product_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> AdminProductResponse:
    product = await _load_product(db, product_id)
    if not any(v.is_active for v in product.variants):
        raise HTTPException(status.HTTP_409_CONFLICT, "add at least one active variant first")
    product.status = ProductStatus.ACTIVE
    product.published_at = product.published_at or datetime.now(timezone.utc)
    await db.flush()
    return AdminProductResponse.from_product(await _load_product(db, product_id))


@admin_products_router.post("/{product_id}/archive", response_model=AdminProductResponse)
async def archive_product(
    product_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> AdminProductResponse:
    product = await _load_product(db, product_id)
    product.status = ProductStatus.ARCHIVED
    product.is_featured = False
    await db.flush()
    return AdminProductResponse.from_product(await _load_product(db, product_id))


@admin_products_router.post(
    "/{product_id}/variants",
    response_model=AdminProductResponse,
    status_code=status.HTTP_201_CREATED,
)
async def add_variant(
    product_id: uuid.UUID, payload: VariantCreate, db: AsyncSession = Depends(get_async_db)
) -> AdminProductResponse:
    product = await _load_product(db, product_id)
    db.add(_new_variant(product, payload))
    await _flush_or_conflict(db, "a variant with this SKU")
    return AdminProductResponse.from_product(await _load_product(db, product_id))


@admin_products_router.patch("/variants/{variant_id}", response_model=VariantResponse)
async def update_variant(
    variant_id: uuid.UUID, payload: VariantUpdate, db: AsyncSession = Depends(get_async_db)
) -> VariantResponse:
    variant = await _load_variant(db, variant_id)
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(variant, key, value)
    await db.flush()
    return VariantResponse.from_variant(variant)


@admin_products_router.post(
    "/{product_id}/images",
    response_model=ProductImageResponse,
    status_code=status.HTTP_201_CREATED,
)
async def add_image(
    product_id: uuid.UUID, payload: ProductImageCreate, db: AsyncSession = Depends(get_async_db)
) -> ProductImage:
    product = await _load_product(db, product_id)
    if payload.is_primary:
        for image in product.images:
            image.is_primary = False
    image = ProductImage(product_id=product.id, **payload.model_dump())
    db.add(image)
    await db.flush()
    return image


@admin_products_router.delete("/images/{image_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_image(image_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)) -> None:
    image = await db.get(ProductImage, image_id)
    if image is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "image not found")
    await db.delete(image)


# --- Inventory (per variant) -----------------------------------------------------------------


@admin_products_router.get("/variants/{variant_id}/stock", response_model=VariantStockResponse)
async def variant_stock(
    variant_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> VariantStockResponse:
    return await _stock_response(db, await _load_variant(db, variant_id))


@admin_products_router.post(
    "/variants/{variant_id}/stock-adjustments",
    response_model=VariantStockResponse,
    status_code=status.HTTP_201_CREATED,
)
async def adjust_stock(
    variant_id: uuid.UUID,
    payload: StockAdjustment,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> VariantStockResponse:
    variant = await _load_variant(db, variant_id)
    inventory = variant.inventory
    if inventory is None:
        inventory = variant.inventory = InventoryItem(quantity_on_hand=0, quantity_reserved=0)
        await db.flush()
    delta = {
        StockMovementType.RESTOCK: payload.quantity,
        StockMovementType.RETURN: payload.quantity,
        StockMovementType.WRITE_OFF: -payload.quantity,
        StockMovementType.ADJUSTMENT: payload.quantity - inventory.quantity_on_hand,
    }[payload.movement_type]
    try:
        movement = inventory.adjust(
            payload.movement_type, delta, reason=payload.reason, performed_by=admin.user_id
        )
    except InsufficientStock as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    if payload.reorder_level is not None:
        inventory.reorder_level = payload.reorder_level
    db.add(movement)
    await db.flush()
    return await _stock_response(db, await _load_variant(db, variant_id))


# --- Orders --------------------------------------------------------------------------------
# Imported here, not at the top: these helpers belong to the member-facing order flow.

from services.store_service.models import ORDER_STATUS_TRANSITIONS, OrderStatus
from services.store_service.models import get_order as fetch_order
from services.store_service.router import (
    _apply_payment,
    _locked_inventory,
    _release_order_stock,
)
from services.store_service.schemas import (
    AdminNotesUpdate,
    AdminOrderResponse,
    OrderStats,
    OrderStatusUpdate,
    PaymentUpdate,
    RefundRequest,
    TopProduct,
)

admin_orders_router = APIRouter(
    prefix="/admin/orders", tags=["store-admin"], dependencies=[Depends(require_admin)]
)


async def _admin_order_or_404(db: AsyncSession, order_id: uuid.UUID) -> Order:
    order = await fetch_order(db, order_id)
    if order is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "order not found")
    return order


async def _restock_order(db: AsyncSession, order: Order, admin_id: uuid.UUID) -> None:
    stock = await _locked_inventory(db, order)
    for item in order.items:
        inventory = stock.get(item.variant_id)
        if inventory is not None:
            db.add(
                inventory.adjust(
                    StockMovementType.RETURN,
                    item.quantity,
                    reason=f"refund of {order.order_number}",
                    performed_by=admin_id,
                    order=order,
                )
            )


@admin_orders_router.get("", response_model=Page[AdminOrderResponse])
async def list_orders(
    order_status: OrderStatus | None = Query(default=None, alias="status"),
    payment_status: PaymentStatus | None = None,
    member_id: uuid.UUID | None = None,
    placed_from: datetime | None = None,
    placed_to: datetime | None = None,
    q: str | None = Query(default=None, description="order number prefix"),
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=50, ge=1, le=200),
    db: AsyncSession = Depends(get_async_db),
) -> Page[AdminOrderResponse]:
    query = select(Order).options(selectinload(Order.member), selectinload(Order.items))
    if order_status is not None:
        query = query.where(Order.status == order_status)
    if payment_status is not None:
        query = query.where(Order.payment_status == payment_status)
    if member_id is not None:
        query = query.where(Order.member_id == member_id)
    if placed_from is not None:
        query = query.where(Order.placed_at >= placed_from)
    if placed_to is not None:
        query = query.where(Order.placed_at < placed_to)
    if q:
        query = query.where(Order.order_number.ilike(f"{q.upper()}%"))
    total = await db.scalar(select(func.count()).select_from(query.subquery()))
    rows = await db.execute(
        query.order_by(Order.placed_at.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return Page[AdminOrderResponse](
        items=[AdminOrderResponse.from_order(o) for o in rows.scalars()],
        total=total or 0,
        page=page,
        page_size=page_size,
    )


@admin_orders_router.get("/stats", response_model=OrderStats)
async def order_stats(
    placed_from: datetime | None = None, db: AsyncSession = Depends(get_async_db)
) -> OrderStats:
    window = [Order.placed_at >= placed_from] if placed_from is not None else []
    by_status = dict(
        (
            await db.execute(
                select(Order.status, func.count(Order.id)).where(*window).group_by(Order.status)
            )
        ).all()
    )
    paid = [*window, Order.payment_status == PaymentStatus.PAID]
    revenue, paid_count = (
        await db.execute(
            select(func.coalesce(func.sum(Order.total), 0), func.count(Order.id)).where(*paid)
        )
    ).one()
    top = await db.execute(
        select(
            OrderItem.product_name,
            func.sum(OrderItem.quantity).label("quantity"),
            func.sum(OrderItem.quantity * OrderItem.unit_price).label("revenue"),
        )
        .join(Order, OrderItem.order_id == Order.id)
        .where(*paid)
        .group_by(OrderItem.product_name)
        .order_by(func.sum(OrderItem.quantity).desc())
        .limit(5)
    )
    average = (Decimal(revenue) / paid_count).quantize(Decimal("0.01")) if paid_count else 0
    return OrderStats(
        total_orders=sum(by_status.values()),
        by_status=by_status,
        paid_revenue=revenue,
        average_order_value=average,
        top_products=[
            TopProduct(product_name=name, quantity=quantity, revenue=total)
            for name, quantity, total in top.all()
        ],
    )


@admin_orders_router.get("/{order_id}", response_model=AdminOrderResponse)
async def get_order(
    order_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> AdminOrderResponse:
    return AdminOrderResponse.from_order(await _admin_order_or_404(db, order_id))


@admin_orders_router.post("/{order_id}/status", response_model=AdminOrderResponse)
async def update_order_status(
    order_id: uuid.UUID,
    payload: OrderStatusUpdate,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> AdminOrderResponse:
    order = await _admin_order_or_404(db, order_id)
    if payload.status in (OrderStatus.CONFIRMED, OrderStatus.REFUNDED):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "use the payment and refund endpoints for payment-driven statuses",
        )
    if not order.can_transition_to(payload.status):
        allowed = sorted(s.value for s in ORDER_STATUS_TRANSITIONS[order.status])
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"cannot move a {order.status.value} order to {payload.status.value};"
            f" allowed: {', '.join(allowed) or 'none'}",
        )
    now = datetime.now(timezone.utc)
    if payload.status is OrderStatus.CANCELLED:
        await _release_order_stock(db, order, reason=f"cancelled by admin {admin.user_id}")
        order.cancelled_at = now
        order.cancel_reason = payload.note or "cancelled by the club shop"
    if payload.status in (OrderStatus.COMPLETED, OrderStatus.SHIPPED):
        order.fulfilled_at = order.fulfilled_at or now
    if payload.note:
        order.admin_notes = "\n".join(filter(None, [order.admin_notes, payload.note]))
    order.status = payload.status
    await db.flush()
    return AdminOrderResponse.from_order(await _admin_order_or_404(db, order_id))


@admin_orders_router.post("/{order_id}/payment", response_model=AdminOrderResponse)
async def record_payment(
    order_id: uuid.UUID, payload: PaymentUpdate, db: AsyncSession = Depends(get_async_db)
) -> AdminOrderResponse:
    """Record a payment taken at the club desk (cash or POS) or correct a failed one."""
    order = await _admin_order_or_404(db, order_id)
    if payload.payment_status is PaymentStatus.REFUNDED:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "use the refund endpoint")
    await _apply_payment(db, order, payload.payment_status, payload.payment_reference)
    await db.flush()
    return AdminOrderResponse.from_order(await _admin_order_or_404(db, order_id))


@admin_orders_router.post("/{order_id}/refund", response_model=AdminOrderResponse)
async def refund_order(
    order_id: uuid.UUID,
    payload: RefundRequest,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> AdminOrderResponse:
    order = await _admin_order_or_404(db, order_id)
    if not order.is_paid or not order.can_transition_to(OrderStatus.REFUNDED):
        raise HTTPException(status.HTTP_409_CONFLICT, "only paid, open orders can be refunded")
    if payload.restock:
        await _restock_order(db, order, admin.user_id)
    order.status = OrderStatus.REFUNDED
    order.payment_status = PaymentStatus.REFUNDED
    order.cancel_reason = payload.reason
    order.cancelled_at = datetime.now(timezone.utc)
    await db.flush()
    return AdminOrderResponse.from_order(await _admin_order_or_404(db, order_id))


@admin_orders_router.patch("/{order_id}/notes", response_model=AdminOrderResponse)
async def update_order_notes(
    order_id: uuid.UUID, payload: AdminNotesUpdate, db: AsyncSession = Depends(get_async_db)
) -> AdminOrderResponse:
    order = await _admin_order_or_404(db, order_id)
    order.admin_notes = payload.admin_notes
    await db.flush()
    return AdminOrderResponse.from_order(await _admin_order_or_404(db, order_id))
