def tax_rate() -> float:
    return 0.2


def quote(lines: list[dict]) -> dict:
    subtotal = float(sum(line["price"] * line["quantity"] for line in lines))
    tax = round(subtotal * tax_rate(), 2)
    return {"subtotal": subtotal, "tax": tax, "total": subtotal + tax}
