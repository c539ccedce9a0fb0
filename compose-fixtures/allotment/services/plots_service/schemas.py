"""Request and response bodies of the plots service (pydantic v2, written in 3.8 style)."""

import datetime
from decimal import Decimal
from typing import Dict, List, Optional, Union
import uuid

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .enums import InspectionGrade, PlotSize, PlotStatus, TenancyStatus


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Sites --------------------------------------------------------------------------
class SiteCreate(BaseModel):
    name: str = Field(min_length=2, max_length=80)
    address: Optional[str] = None
    has_water: bool = True
    gate_code: Optional[str] = Field(default=None, max_length=12)


class SiteUpdate(BaseModel):
    address: Optional[str] = None
    has_water: Optional[bool] = None
    gate_code: Optional[str] = Field(default=None, max_length=12)


class SiteOut(OrmModel):
    id: uuid.UUID
    name: str
    address: Optional[str]
    has_water: bool


class SiteSummary(BaseModel):
    id: uuid.UUID
    name: str
    plots: int
    vacant: int
    let: int
    occupancy: float


# --- Plots --------------------------------------------------------------------------
class PlotCreate(BaseModel):
    number: Optional[int] = Field(default=None, ge=1)
    size: PlotSize = PlotSize.HALF
    has_shed: bool = False


class PlotOut(OrmModel):
    id: uuid.UUID
    site_id: uuid.UUID
    number: int
    size: PlotSize
    status: PlotStatus
    has_shed: bool


class PlotDetail(PlotOut):
    annual_rent: Decimal
    tenant_name: Optional[str] = None
    last_grade: Optional[InspectionGrade] = None


class PlotStatusChange(BaseModel):
    status: PlotStatus
    reason: Optional[str] = None

    @field_validator('status')
    @classmethod
    def not_let_by_hand(cls, value: PlotStatus) -> PlotStatus:
        # Letting a plot goes through a tenancy, never through a status change.
        if value == PlotStatus.LET:
            raise ValueError("a plot is let by creating a tenancy")
        return value


# --- Tenants and tenancies ----------------------------------------------------------
class TenantCreate(BaseModel):
    full_name: str = Field(min_length=2, max_length=120)
    email: str = Field(min_length=3, max_length=200)
    phone: Optional[str] = None


class TenantOut(OrmModel):
    id: uuid.UUID
    full_name: str
    email: str
    phone: Optional[str]
    joined_on: datetime.date


class TenancyCreate(BaseModel):
    plot_id: uuid.UUID
    tenant_id: uuid.UUID
    starts_on: Optional[datetime.date] = None


class TenancyOut(OrmModel):
    id: uuid.UUID
    plot_id: uuid.UUID
    tenant_id: uuid.UUID
    status: TenancyStatus
    starts_on: datetime.date
    ends_on: Optional[datetime.date]
    notice_given_at: Optional[datetime.datetime]


class NoticeRequest(BaseModel):
    given_at: Optional[datetime.datetime] = None
    reason: Optional[str] = None


class ExpiringTenancy(BaseModel):
    tenancy_id: uuid.UUID
    plot_number: int
    site_name: str
    tenant_name: str
    ends_on: datetime.date
    days_left: int


# --- Waiting list -------------------------------------------------------------------
# Imported here because only the waiting list reports the rule to applicants.
from .rules import MAX_PLOTS_PER_TENANT  # noqa: E402


class WaitingListJoin(BaseModel):
    applicant_name: str = Field(min_length=2, max_length=120)
    applicant_email: str = Field(min_length=3, max_length=200)
    site_id: Optional[uuid.UUID] = None
    preferred_size: Optional[PlotSize] = None
    plots_held: int = Field(default=0, ge=0, le=MAX_PLOTS_PER_TENANT)


class WaitingListEntryOut(OrmModel):
    id: uuid.UUID
    applicant_name: str
    site_id: Optional[uuid.UUID]
    preferred_size: Optional[PlotSize]
    joined_at: datetime.datetime


class WaitingListPosition(BaseModel):
    entry_id: uuid.UUID
    position: int
    ahead: int
    message: str


class Offer(BaseModel):
    entry_id: uuid.UUID
    plot_id: uuid.UUID
    plot_number: int
    site_name: str


# --- Inspections --------------------------------------------------------------------
class InspectionCreate(BaseModel):
    grade: InspectionGrade
    inspected_on: Optional[datetime.date] = None
    inspector: Optional[str] = None
    notes: Optional[str] = None


class InspectionOut(OrmModel):
    id: uuid.UUID
    plot_id: uuid.UUID
    inspected_on: datetime.date
    grade: InspectionGrade
    inspector: Optional[str]
    notes: Optional[str]


class InspectionRound(BaseModel):
    site_id: uuid.UUID
    inspected: int
    grades: Dict[str, int]
    failing_plots: List[int]


class WorstPlot(BaseModel):
    plot_id: uuid.UUID
    number: int
    poor_count: int


# Some committee tools post either one inspection or a batch.
InspectionPayload = Union[InspectionCreate, List[InspectionCreate]]
