"""The exchange: offers made on listings, the open swaps, and the notice-board view.

Moved out of router.py in 2021; router.py still re-exports ``router`` under its old name.
"""

from typing import List
import uuid

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.produce_service.models import (
    ExchangeOffer,
    Listing,
    ListingStatus,
    Swap,
    SwapStatus,
)
from services.produce_service.schemas import ExchangeBoard, OfferIn, OfferOut, SwapOut
from shared.database import get_session

router = APIRouter(tags=['exchange'])


def _open_listing(session: Session, listing_id: uuid.UUID) -> Listing:
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise HTTPException(status_code=404, detail='listing not found')
    if listing.status != ListingStatus.OPEN:
        raise HTTPException(status_code=409, detail='listing is %s' % listing.status.value)
    return listing


@router.post(
    '/listings/{listing_id}/offers', response_model=OfferOut, status_code=status.HTTP_201_CREATED
)
def make_offer(
    listing_id: uuid.UUID, body: OfferIn, session: Session = Depends(get_session)
) -> ExchangeOffer:
    listing = _open_listing(session, listing_id)
    offer = ExchangeOffer(listing=listing, **body.model_dump())
    session.add(offer)
    session.flush()
    return offer


@router.get('/listings/{listing_id}/offers', response_model=List[OfferOut])
def list_offers(
    listing_id: uuid.UUID, session: Session = Depends(get_session)
) -> List[ExchangeOffer]:
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise HTTPException(status_code=404, detail='listing not found')
    return list(listing.offers)


@router.post('/offers/{offer_id}/accept', response_model=OfferOut)
def accept_offer(offer_id: uuid.UUID, session: Session = Depends(get_session)) -> ExchangeOffer:
    offer = session.get(ExchangeOffer, offer_id)
    if offer is None:
        raise HTTPException(status_code=404, detail='offer not found')
    listing = _open_listing(session, offer.listing_id)
    # Accepting one offer settles the listing; the other offers stay for the record.
    offer.accepted = True
    listing.status = ListingStatus.TAKEN
    return offer


# --- Swaps on the board ---------------------------------------------------------------
# "/swaps/open" is served here and not by routers/swaps.py: main.py includes this router
# before the swaps router, so the literal path wins over "/swaps/{swap_id}".
from services.produce_service.schemas import ListingOut  # noqa: E402


def _open_swaps(session: Session) -> List[Swap]:
    query = select(Swap).where(Swap.status == SwapStatus.OPEN).order_by(Swap.created_at)
    return list(session.scalars(query))


@router.get('/swaps/open', response_model=List[SwapOut])
def open_swaps(session: Session = Depends(get_session)) -> List[Swap]:
    return _open_swaps(session)


@router.get('/board', response_model=ExchangeBoard)
def board(session: Session = Depends(get_session)) -> ExchangeBoard:
    listings = session.scalars(
        select(Listing).where(Listing.status == ListingStatus.OPEN).order_by(Listing.crop)
    )
    return ExchangeBoard(
        listings=[ListingOut.model_validate(listing) for listing in listings],
        open_swaps=[SwapOut.model_validate(swap) for swap in _open_swaps(session)],
    )
