def invoice_number(sequence: int) -> str:
    return f"INV-{sequence:06d}"
