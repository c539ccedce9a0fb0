from fastapi import APIRouter

from services.billing_service.numbering import invoice_number

router = APIRouter(prefix="/api/v1/invoices")


@router.get("/next-number")
def next_number():
    return {"number": invoice_number(1)}
