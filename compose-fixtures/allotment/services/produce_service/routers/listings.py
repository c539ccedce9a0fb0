"""Surplus produce listed by plot holders."""

from collections import defaultdict
from decimal import Decimal
from typing import Dict, List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.produce_service.models import Listing, ListingStatus
from services.produce_service.schemas import ListingIn, ListingOut, SeasonalCrop
from shared.database import get_session

router = APIRouter(prefix='/listings', tags=['listings'])


@router.get('', response_model=List[ListingOut])
def list_listings(
    crop: Optional[str] = None, session: Session = Depends(get_session)
) -> List[Listing]:
    query = select(Listing).where(Listing.status == ListingStatus.OPEN)
    if crop:
        query = query.where(Listing.crop == crop)
    return list(session.scalars(query.order_by(Listing.created_at)))


@router.post('', response_model=ListingOut, status_code=status.HTTP_201_CREATED)
def create_listing(body: ListingIn, session: Session = Depends(get_session)) -> Listing:
    listing = Listing(**body.model_dump())
    session.add(listing)
    session.flush()
    return listing


@router.get('/seasonal', response_model=List[SeasonalCrop])
def seasonal(session: Session = Depends(get_session)) -> List[SeasonalCrop]:
    counts: Dict[str, int] = defaultdict(int)
    totals: Dict[str, Decimal] = defaultdict(Decimal)
    for listing in session.scalars(select(Listing)):
        counts[listing.crop] += 1
        totals[listing.crop] += listing.quantity
    return [
        SeasonalCrop(crop=crop, listings=counts[crop], total_quantity=totals[crop])
        for crop in sorted(counts)
    ]


@router.get('/{listing_id}', response_model=ListingOut)
def get_listing(listing_id: uuid.UUID, session: Session = Depends(get_session)) -> Listing:
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise HTTPException(status_code=404, detail='listing not found')
    return listing
