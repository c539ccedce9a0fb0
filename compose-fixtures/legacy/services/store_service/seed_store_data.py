"""Fill an empty store with the hut's standing catalogue.

Run once after ``alembic upgrade head``: ``python -m services.store_service.seed_store_data``.
Products already present (by SKU) are left alone, so running it twice is harmless.
"""

from decimal import Decimal
from typing import Dict, List, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.store_service.models import (
    Category,
    MovementReason,
    Product,
    ProductUnit,
    record_movement,
)
from shared.database import get_engine

CATEGORIES: List[Tuple[str, int]] = [("Seeds", 1), ("Compost and feed", 2), ("Tools", 3)]

# sku, name, category, unit, price, member price, opening stock
PRODUCTS: List[Tuple[str, str, str, ProductUnit, str, str, int]] = [
    ("SD-BEAN-RUN", "Runner bean 'Scarlet Emperor'", "Seeds", ProductUnit.PACKET,
        "2.20", "1.80", 40),
    ("SD-ONION-SET", "Onion sets, Sturon (250g)", "Seeds", ProductUnit.BAG, "2.50", "2.00", 25),
    ("SD-POT-CHARL", "Seed potatoes, Charlotte", "Seeds", ProductUnit.KILO, "3.10", "2.60", 60),
    ("CF-MULTI-50", "Multipurpose compost 50L", "Compost and feed", ProductUnit.BAG,
        "6.50", "5.25", 30),
    ("CF-BLOOD-FB", "Blood, fish and bone 1.5kg", "Compost and feed", ProductUnit.EACH,
        "4.75", "4.00", 12),
    ("TL-TWINE", "Garden twine, jute", "Tools", ProductUnit.EACH, "1.95", "1.95", 18),
    ("TL-DIBBER", "Ash dibber", "Tools", ProductUnit.EACH, "7.00", "6.00", 4),
]


def seed(session: Session) -> int:
    categories: Dict[str, Category] = {}
    for name, order in CATEGORIES:
        category = session.scalar(select(Category).where(Category.name == name))
        if category is None:
            category = Category(name=name, sort_order=order)
            session.add(category)
        categories[name] = category
    added = 0
    for sku, name, category_name, unit, price, member_price, stock in PRODUCTS:
        if session.scalar(select(Product).where(Product.sku == sku)) is not None:
            continue
        product = Product(sku=sku, name=name, category=categories[category_name], unit=unit,
                          price=Decimal(price), member_price=Decimal(member_price), stock_level=0)
        session.add(product)
        session.add(record_movement(product, stock, MovementReason.STOCKTAKE,
                                    recorded_by="seed_store_data"))
        added += 1
    return added


def main() -> None:
    with Session(get_engine()) as session:
        with session.begin():
            added = seed(session)
    print("seeded %d products" % added)
    return None


if __name__ == "__main__":
    main()
