from fastapi import APIRouter

from services.orders_service import pricing
from services.orders_service.schemas import OrderOut, QuoteIn

router = APIRouter(prefix="/api/v1/orders")


@router.post("/quote")
def quote(body: QuoteIn):
    return pricing.quote([line.model_dump() for line in body.lines])


@router.get("/{order_id}", response_model=OrderOut)
def get_order(order_id: int):
    return OrderOut(id=order_id)
