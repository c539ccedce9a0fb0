"""Bodies of the produce service."""

import datetime
from decimal import Decimal
from typing import List, Optional, Union
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.produce_service.models import ListingStatus, SwapStatus


class ListingIn(BaseModel):
    crop: str = Field(min_length=2, max_length=80)
    quantity: Union[Decimal, int] = Field(gt=0)
    unit: str = 'kg'
    plot_number: Optional[int] = None
    available_until: Optional[datetime.date] = None


class ListingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    crop: str
    quantity: Decimal
    unit: str
    plot_number: Optional[int]
    available_until: Optional[datetime.date]
    status: ListingStatus


class OfferIn(BaseModel):
    from_name: str = Field(min_length=2, max_length=120)
    offered: str = Field(min_length=2, max_length=200)


class OfferOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    listing_id: uuid.UUID
    from_name: str
    offered: str
    accepted: bool


class SwapIn(BaseModel):
    offered_variety: str
    wanted_variety: Union[str, None] = None
    contact: str
    notes: Optional[str] = None


class SwapOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    offered_variety: str
    wanted_variety: Optional[str]
    contact: str
    status: SwapStatus


class SeasonalCrop(BaseModel):
    crop: str
    listings: int
    total_quantity: Decimal


class ExchangeBoard(BaseModel):
    listings: List[ListingOut]
    open_swaps: List[SwapOut]
