from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from libs.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()


metadata = Base.metadata


class OrderRef(Base):
    """orders owns this table; billing only refers to it."""

    __tablename__ = "orders"
    __table_args__ = {"info": {"skip_autogenerate": True}}

    id: Mapped[int] = mapped_column(primary_key=True)


class Invoice(Base):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    number: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
