from pydantic import BaseModel


class QuoteLine(BaseModel):
    price: float
    quantity: int


class QuoteIn(BaseModel):
    lines: list[QuoteLine]


class OrderOut(BaseModel):
    id: int
    status: str = "open"
