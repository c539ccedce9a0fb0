"""Seed the club shop with its standing catalogue, and optionally a few sample orders.

Run from the repository root against a migrated database:

    DATABASE_URL=postgresql+psycopg://... PYTHONPATH=. \\
        python services/store_service/seed_store_data.py [--reset] [--with-orders]

Categories and products are matched by slug, so running it twice adds only what is
missing. Sample orders need the members service's table to hold at least one member.
"""

import argparse
import os
import random
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import create_engine, delete, func, inspect, select
from sqlalchemy.orm import Session, selectinload

from services.store_service.models import (
    Cart,
    CartItem,
    Category,
    FulfilmentMethod,
    InventoryItem,
    MemberRef,
    Order,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    Product,
    ProductImage,
    ProductStatus,
    ProductType,
    ProductVariant,
    StockMovement,
    StockMovementType,
)

CURRENCY = "NGN"
IMAGE_BASE = "https://cdn.swimclub.example/store"

CATEGORIES: list[dict] = [
    {
        "slug": "kit",
        "name": "Club kit",
        "description": "Official team wear in club navy and gold.",
        "children": [
            {"slug": "team-apparel", "name": "Team apparel"},
            {"slug": "racing-swimwear", "name": "Racing swimwear"},
            {"slug": "training-swimwear", "name": "Training swimwear"},
        ],
    },
    {
        "slug": "equipment",
        "name": "Training equipment",
        "description": "What coaches ask you to bring to the pool deck.",
        "children": [
            {"slug": "swim-caps", "name": "Swim caps"},
            {"slug": "goggles", "name": "Goggles"},
            {"slug": "training-aids", "name": "Fins, paddles and boards"},
        ],
    },
    {
        "slug": "accessories",
        "name": "Bags and accessories",
        "children": [
            {"slug": "bags", "name": "Kit bags"},
            {"slug": "towels", "name": "Towels and robes"},
            {"slug": "bottles", "name": "Bottles"},
        ],
    },
    {
        "slug": "merchandise",
        "name": "Club merchandise",
        "description": "Gifts, gala souvenirs and supporter items.",
    },
]

ADULT_SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
JUNIOR_SIZES = ["7-8", "9-10", "11-12", "13-14"]
SUIT_SIZES = ["24", "26", "28", "30", "32", "34", "36"]
FIN_SIZES = ["31-32", "33-34", "35-36", "37-38", "39-40", "41-42", "43-44"]


@dataclass
class ProductSeed:
    slug: str
    name: str
    category: str
    product_type: ProductType
    price: str
    sku: str
    stock: int
    description: str | None = None
    sizes: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    size_prices: dict[str, str] = field(default_factory=dict)
    featured: bool = False
    members_only: bool = False
    max_per_order: int | None = None
    images: int = 1


APPAREL, SWIMWEAR = ProductType.APPAREL, ProductType.SWIMWEAR
EQUIPMENT, ACCESSORY, MERCH = ProductType.EQUIPMENT, ProductType.ACCESSORY, ProductType.MERCHANDISE

# slug, name, category, type, price (NGN), SKU prefix, opening stock per variant
CATALOGUE: list[tuple[str, str, str, ProductType, str, str, int]] = [
    ("club-hoodie", "Club hoodie", "team-apparel", APPAREL, "28500.00", "HOOD", 8),
    ("team-t-shirt", "Team training T-shirt", "team-apparel", APPAREL, "9500.00", "TEE", 15),
    ("deck-parka", "Pool-deck parka", "team-apparel", APPAREL, "85000.00", "PARKA", 4),
    ("coaches-polo", "Coaches' polo", "team-apparel", APPAREL, "14000.00", "POLO", 6),
    ("club-jammer", "Club jammer", "racing-swimwear", SWIMWEAR, "21000.00", "JAM", 10),
    ("club-kneeskin", "Club kneeskin", "racing-swimwear", SWIMWEAR, "38000.00", "KNEE", 5),
    (
        "training-swimsuit",
        "Training swimsuit",
        "training-swimwear",
        SWIMWEAR,
        "17500.00",
        "SUIT",
        8,
    ),
    ("training-brief", "Training brief", "training-swimwear", SWIMWEAR, "11000.00", "BRIEF", 8),
    ("club-silicone-cap", "Club silicone cap", "swim-caps", ACCESSORY, "6500.00", "CAP-SIL", 40),
    ("latex-cap", "Latex training cap", "swim-caps", ACCESSORY, "2500.00", "CAP-LTX", 60),
    ("racing-goggles", "Racing goggles", "goggles", EQUIPMENT, "24000.00", "GOG-RACE", 6),
    ("training-goggles", "Training goggles", "goggles", EQUIPMENT, "8500.00", "GOG-TRN", 20),
    ("junior-goggles", "Junior goggles", "goggles", EQUIPMENT, "6000.00", "GOG-JNR", 20),
    ("short-blade-fins", "Short-blade fins", "training-aids", EQUIPMENT, "19500.00", "FIN", 4),
    ("hand-paddles", "Hand paddles", "training-aids", EQUIPMENT, "9000.00", "PAD", 10),
    ("kickboard", "Kickboard", "training-aids", EQUIPMENT, "7500.00", "KICK", 25),
    ("pull-buoy", "Pull buoy", "training-aids", EQUIPMENT, "6500.00", "BUOY", 25),
    ("centre-snorkel", "Centre-mount snorkel", "training-aids", EQUIPMENT, "16000.00", "SNRK", 6),
    ("mesh-kit-bag", "Mesh kit bag", "bags", ACCESSORY, "8000.00", "BAG-MESH", 15),
    ("team-backpack", "Team backpack", "bags", ACCESSORY, "42000.00", "BAG-PACK", 6),
    ("microfibre-towel", "Microfibre towel", "towels", ACCESSORY, "11500.00", "TOWEL", 12),
    ("changing-robe", "Changing robe", "towels", ACCESSORY, "36000.00", "ROBE", 5),
    ("insulated-bottle", "Insulated club bottle", "bottles", ACCESSORY, "9500.00", "BTL", 20),
    ("gala-programme-2026", "Gala programme 2026", "merchandise", MERCH, "3000.00", "PROG-26", 80),
    ("crest-keyring", "Crest keyring", "merchandise", MERCH, "2000.00", "KEY", 50),
]

DESCRIPTIONS = {
    "club-hoodie": "Heavyweight navy hoodie with the club crest and your squad on the sleeve.",
    "team-t-shirt": "Quick-dry T-shirt for dryland sessions.",
    "deck-parka": "Fleece-lined parka for early mornings and outdoor galas.",
    "coaches-polo": "Gold-trimmed polo worn by coaching staff at galas.",
    "club-jammer": "Chlorine-resistant jammer in club colours; required at club galas.",
    "club-kneeskin": "FINA-approved kneeskin for championship meets.",
    "training-swimsuit": "Open-back polyester suit that survives daily training.",
    "club-silicone-cap": "Printed silicone cap with the club crest; every squad swimmer needs one.",
    "racing-goggles": "Low-profile racing goggles with a mirrored lens.",
    "training-goggles": "Anti-fog training goggles with a soft seal.",
    "short-blade-fins": "Short fins for kick sets; sized by shoe size.",
    "kickboard": "EVA foam kickboard printed with the club crest.",
    "centre-snorkel": "For technique work; coaches recommend it from the age of 12.",
    "mesh-kit-bag": "Big enough for fins, board and buoy.",
    "team-backpack": "35-litre backpack with a wet compartment and a name panel.",
    "changing-robe": "Towelling robe for open-water swims and outdoor galas.",
    "insulated-bottle": "750 ml steel bottle; keeps water cold through a two-hour session.",
    "gala-programme-2026": "Start lists, club records and a short club history.",
}

SIZES = {
    "club-hoodie": JUNIOR_SIZES + ADULT_SIZES,
    "team-t-shirt": JUNIOR_SIZES + ADULT_SIZES,
    "deck-parka": ["S", "M", "L", "XL"],
    "coaches-polo": ADULT_SIZES,
    "club-jammer": SUIT_SIZES,
    "club-kneeskin": SUIT_SIZES,
    "training-swimsuit": SUIT_SIZES,
    "training-brief": SUIT_SIZES,
    "short-blade-fins": FIN_SIZES,
    "hand-paddles": ["S", "M", "L"],
    "changing-robe": ["Junior", "Adult"],
}

COLOURS = {
    "team-t-shirt": ["Navy", "White"],
    "training-swimsuit": ["Navy", "Black"],
    "club-silicone-cap": ["Navy", "Gold", "White"],
    "latex-cap": ["Navy", "Gold"],
    "racing-goggles": ["Silver", "Gold", "Blue"],
    "training-goggles": ["Clear", "Smoke", "Blue"],
    "junior-goggles": ["Pink", "Blue", "Clear"],
    "microfibre-towel": ["Navy", "Gold"],
    "insulated-bottle": ["Navy", "White"],
}

SIZE_PRICES = {
    "club-hoodie": {size: "24500.00" for size in JUNIOR_SIZES},
    "team-t-shirt": {size: "8000.00" for size in JUNIOR_SIZES},
    "changing-robe": {"Junior": "29000.00"},
}

FEATURED = {"club-hoodie", "deck-parka", "club-jammer", "club-silicone-cap", "team-backpack"}
MEMBERS_ONLY = {
    "club-hoodie",
    "team-t-shirt",
    "deck-parka",
    "coaches-polo",
    "club-jammer",
    "club-kneeskin",
    "team-backpack",
}
MAX_PER_ORDER = {
    "deck-parka": 1,
    "club-kneeskin": 2,
    "racing-goggles": 2,
    "club-silicone-cap": 6,
    "gala-programme-2026": 4,
}
IMAGE_COUNTS = {"club-hoodie": 3, "team-backpack": 3, "deck-parka": 2, "club-jammer": 2}


def product_seeds() -> list[ProductSeed]:
    return [
        ProductSeed(
            slug,
            name,
            category,
            product_type,
            price,
            sku,
            stock,
            description=DESCRIPTIONS.get(slug),
            sizes=SIZES.get(slug, []),
            colours=COLOURS.get(slug, []),
            size_prices=SIZE_PRICES.get(slug, {}),
            featured=slug in FEATURED,
            members_only=slug in MEMBERS_ONLY,
            max_per_order=MAX_PER_ORDER.get(slug),
            images=IMAGE_COUNTS.get(slug, 1),
        )
        for slug, name, category, product_type, price, sku, stock in CATALOGUE
    ]


def variant_rows(seed: ProductSeed) -> list[tuple[str, str | None, str | None, str | None]]:
    """(sku, size, colour, price override) for every size/colour combination."""
    sizes = seed.sizes or [None]
    colours = seed.colours or [None]
    rows = []
    for colour in colours:
        for size in sizes:
            parts = [seed.sku, colour and colour.upper()[:4], size and size.replace(" ", "")]
            sku = "-".join(part for part in parts if part)
            rows.append((sku, size, colour, seed.size_prices.get(size) if size else None))
    return rows


def variant_name(size: str | None, colour: str | None) -> str:
    return " / ".join(part for part in (colour, size and f"Size {size}") if part) or "Standard"


def upsert_categories(session: Session) -> dict[str, Category]:
    existing = {c.slug: c for c in session.scalars(select(Category))}
    for position, spec in enumerate(CATEGORIES):
        parent = existing.get(spec["slug"])
        if parent is None:
            parent = Category(
                slug=spec["slug"],
                name=spec["name"],
                description=spec.get("description"),
                sort_order=position,
            )
            session.add(parent)
            existing[parent.slug] = parent
        for child_position, child in enumerate(spec.get("children", [])):
            if child["slug"] not in existing:
                node = Category(
                    slug=child["slug"], name=child["name"], parent=parent, sort_order=child_position
                )
                session.add(node)
                existing[node.slug] = node
    session.flush()
    return existing


def build_product(seed: ProductSeed, category: Category, now: datetime) -> Product:
    product = Product(
        slug=seed.slug,
        name=seed.name,
        description=seed.description,
        product_type=seed.product_type,
        status=ProductStatus.ACTIVE,
        base_price=Decimal(seed.price),
        currency=CURRENCY,
        is_featured=seed.featured,
        members_only=seed.members_only,
        max_per_order=seed.max_per_order,
        published_at=now,
        category=category,
    )
    for position in range(seed.images):
        product.images.append(
            ProductImage(
                url=f"{IMAGE_BASE}/{seed.slug}/{position + 1}.jpg",
                alt_text=seed.name if position == 0 else f"{seed.name} ({position + 1})",
                position=position,
                is_primary=position == 0,
            )
        )
    for position, (sku, size, colour, price) in enumerate(variant_rows(seed)):
        variant = ProductVariant(
            sku=sku,
            name=variant_name(size, colour),
            size=size,
            colour=colour,
            price_override=Decimal(price) if price else None,
            sort_order=position,
        )
        variant.inventory = InventoryItem(
            quantity_on_hand=0,
            quantity_reserved=0,
            reorder_level=max(2, seed.stock // 4),
            bin_location=f"{seed.category[:3].upper()}-{position + 1:02d}",
        )
        product.variants.append(variant)
    return product


def stock_products(session: Session, products: list[Product], seeds: dict[str, ProductSeed]):
    """Book the opening stock as restock movements, so the history starts at zero."""
    rng = random.Random(7)
    for product in products:
        for variant in product.variants:
            quantity = max(0, seeds[product.slug].stock + rng.randint(-3, 3))
            if quantity:
                session.add(
                    variant.inventory.adjust(
                        StockMovementType.RESTOCK,
                        quantity,
                        reason="opening stock",
                        performed_by=None,
                    )
                )


def sample_orders(session: Session, member_ids: list, rng: random.Random) -> int:
    variants = list(
        session.scalars(
            select(ProductVariant).options(
                selectinload(ProductVariant.product), selectinload(ProductVariant.inventory)
            )
        )
    )
    outcomes = [OrderStatus.COMPLETED, OrderStatus.CONFIRMED, OrderStatus.PENDING]
    outcomes += [OrderStatus.CANCELLED, OrderStatus.READY_FOR_PICKUP]
    created = 0
    now = datetime.now(timezone.utc)
    for index, member_id in enumerate(member_ids):
        outcome = outcomes[index % len(outcomes)]
        picks = [v for v in rng.sample(variants, k=min(3, len(variants))) if v.available > 0]
        if not picks:
            continue
        placed = now - timedelta(days=rng.randint(1, 40))
        order = Order(
            order_number=f"SC-{placed:%y%m%d}-S{index:04d}",
            member_id=member_id,
            fulfilment_method=rng.choice(list(FulfilmentMethod)),
            delivery_fee=Decimal("0.00"),
            discount_total=Decimal("0.00"),
            currency=CURRENCY,
            placed_at=placed,
        )
        if order.fulfilment_method is FulfilmentMethod.DELIVERY:
            order.delivery_fee = Decimal("2500.00")
            order.delivery_address = "12 Marina Road\nLagos Island, Lagos"
        order.items = [
            OrderItem(
                variant_id=v.id,
                product_name=v.product.name,
                variant_name=v.name,
                sku=v.sku,
                quantity=1,
                unit_price=v.unit_price,
            )
            for v in picks
        ]
        order.recalculate_totals()
        session.add(order)
        session.flush()
        for variant in picks:
            session.add(variant.inventory.reserve(1, order))
            if outcome is OrderStatus.CANCELLED:
                session.add(variant.inventory.release(1, order, reason="sample cancellation"))
            elif outcome is not OrderStatus.PENDING:
                session.add(variant.inventory.commit_sale(1, order))
        order.status = outcome
        if outcome not in (OrderStatus.PENDING, OrderStatus.CANCELLED):
            order.payment_status = PaymentStatus.PAID
            order.payment_reference = f"SEED-{order.order_number}"
            order.paid_at = placed + timedelta(minutes=5)
        if outcome is OrderStatus.COMPLETED:
            order.fulfilled_at = placed + timedelta(days=3)
        if outcome is OrderStatus.CANCELLED:
            order.cancelled_at = placed + timedelta(hours=2)
            order.cancel_reason = "changed my mind"
        created += 1
    return created


def reset_store(session: Session) -> None:
    for model in (
        StockMovement,
        OrderItem,
        Order,
        CartItem,
        Cart,
        InventoryItem,
        ProductImage,
        ProductVariant,
        Product,
        Category,
    ):
        session.execute(delete(model))


def seed(session: Session, *, with_orders: bool, member_limit: int = 10) -> dict[str, int]:
    now = datetime.now(timezone.utc)
    categories = upsert_categories(session)
    existing = set(session.scalars(select(Product.slug)))
    seeds = {s.slug: s for s in product_seeds()}
    products = [
        build_product(s, categories[s.category], now)
        for s in seeds.values()
        if s.slug not in existing
    ]
    session.add_all(products)
    session.flush()
    stock_products(session, products, seeds)
    session.flush()
    counts = {"categories": len(categories), "products": len(products), "orders": 0}
    if with_orders:
        if not inspect(session.get_bind()).has_table("members"):
            print("members table not found; skipping sample orders", file=sys.stderr)
        elif session.scalar(select(func.count(Order.id))):
            print("orders already exist; skipping sample orders", file=sys.stderr)
        else:
            member_ids = list(session.scalars(select(MemberRef.id).limit(member_limit)))
            counts["orders"] = sample_orders(session, member_ids, random.Random(2026))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset", action="store_true", help="delete all store data first")
    parser.add_argument("--with-orders", action="store_true", help="add sample orders")
    parser.add_argument("--dry-run", action="store_true", help="roll back instead of committing")
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is not set", file=sys.stderr)
        return 2
    engine = create_engine(url.replace("+asyncpg", "+psycopg"))
    with Session(engine) as session:
        if args.reset:
            reset_store(session)
        counts = seed(session, with_orders=args.with_orders)
        if args.dry_run:
            session.rollback()
        else:
            session.commit()
    engine.dispose()
    summary = ", ".join(f"{count} {name}" for name, count in counts.items())
    print(f"store seed {'checked' if args.dry_run else 'done'}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
