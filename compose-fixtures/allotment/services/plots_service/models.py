"""SQLAlchemy models of the plots service.

A site holds numbered plots; a plot is let to one tenant at a time through a tenancy.
Applicants wait on a per-site list, and the committee inspects plots twice a season.
"""

import datetime
from decimal import Decimal
from typing import List, Optional
import uuid

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin, utcnow

from .enums import InspectionGrade, PlotSize, PlotStatus, TenancyStatus
from .rules import NOTICE_PERIOD, RENT_BY_SIZE, water_surcharge


def _today() -> datetime.date:
    # Tenancy dates are civil dates in the UK; the society has never cared about the
    # hour at which a tenancy starts.
    return utcnow().date()


class Site(TimestampMixin, Base):
    __tablename__ = 'plots_sites'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    address: Mapped[Optional[str]] = mapped_column(String(200))
    has_water: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    gate_code: Mapped[Optional[str]] = mapped_column(String(12))

    plots: Mapped[List['Plot']] = relationship(
        back_populates='site', order_by='Plot.number', cascade='all, delete-orphan'
    )

    def next_plot_number(self) -> int:
        highest = 0
        for plot in self.plots:
            if plot.number > highest:
                highest = plot.number
        return highest + 1


class Plot(TimestampMixin, Base):
    __tablename__ = 'plots_plots'
    __table_args__ = (UniqueConstraint('site_id', 'number', name='uq_plots_plots_site_number'),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    site_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('plots_sites.id', ondelete='CASCADE'), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    size: Mapped[PlotSize] = mapped_column(
        Enum(PlotSize, name='plots_plot_size'), default=PlotSize.HALF, nullable=False
    )
    status: Mapped[PlotStatus] = mapped_column(
        Enum(PlotStatus, name='plots_plot_status'), default=PlotStatus.VACANT, nullable=False
    )
    has_shed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    site: Mapped['Site'] = relationship(back_populates='plots')
    tenancies: Mapped[List['Tenancy']] = relationship(
        back_populates='plot', order_by='Tenancy.starts_on'
    )
    inspections: Mapped[List['Inspection']] = relationship(
        back_populates='plot', order_by='desc(Inspection.inspected_on)'
    )

    def annual_rent(self) -> Decimal:
        rent = RENT_BY_SIZE[self.size]
        if self.site is not None:
            rent = rent + water_surcharge(self.site.has_water)
        return rent

    def current_tenancy(self) -> Optional['Tenancy']:
        for tenancy in self.tenancies:
            if tenancy.status != TenancyStatus.ENDED:
                return tenancy
        return None


class Tenant(TimestampMixin, Base):
    __tablename__ = 'plots_tenants'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    full_name: Mapped[str] = mapped_column(String(120), nullable=False)
    email: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    phone: Mapped[Optional[str]] = mapped_column(String(40))
    joined_on: Mapped[datetime.date] = mapped_column(Date, default=_today, nullable=False)

    tenancies: Mapped[List['Tenancy']] = relationship(back_populates='tenant')

    def active_tenancies(self) -> List['Tenancy']:
        return [t for t in self.tenancies if t.status != TenancyStatus.ENDED]


class Tenancy(TimestampMixin, Base):
    __tablename__ = 'plots_tenancies'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plot_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('plots_plots.id', ondelete='CASCADE'), nullable=False, index=True
    )
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('plots_tenants.id', ondelete='CASCADE'), nullable=False, index=True
    )
    status: Mapped[TenancyStatus] = mapped_column(
        Enum(TenancyStatus, name='plots_tenancy_status'),
        default=TenancyStatus.ACTIVE,
        nullable=False,
    )
    starts_on: Mapped[datetime.date] = mapped_column(Date, default=_today, nullable=False)
    ends_on: Mapped[Optional[datetime.date]] = mapped_column(Date)
    notice_given_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))

    plot: Mapped['Plot'] = relationship(back_populates='tenancies')
    tenant: Mapped['Tenant'] = relationship(back_populates='tenancies')

    def give_notice(self, when: Optional[datetime.datetime] = None) -> None:
        moment = when or utcnow()
        self.status = TenancyStatus.NOTICE_GIVEN
        self.notice_given_at = moment
        self.ends_on = (moment + NOTICE_PERIOD).date()
        return None

    def is_expiring(self, within_days: int, today: Optional[datetime.date] = None) -> bool:
        if self.ends_on is None:
            return False
        horizon = (today or _today()) + datetime.timedelta(days=within_days)
        return self.ends_on <= horizon


# --- Waiting list -------------------------------------------------------------------
# Imported here rather than at the top: the limit is only read by the waiting list,
# and the rules module is owned by the committee's secretary.
from .rules import MAX_PLOTS_PER_TENANT  # noqa: E402


class WaitingListEntry(TimestampMixin, Base):
    __tablename__ = 'plots_waiting_list'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    applicant_name: Mapped[str] = mapped_column(String(120), nullable=False)
    applicant_email: Mapped[str] = mapped_column(String(200), nullable=False)
    site_id: Mapped[Optional[uuid.UUID]] = mapped_column(
        ForeignKey('plots_sites.id', ondelete='SET NULL')
    )
    preferred_size: Mapped[Optional[PlotSize]] = mapped_column(
        Enum(PlotSize, name='plots_plot_size', create_type=False)
    )
    plots_held: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    joined_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, nullable=False
    )

    site: Mapped[Optional['Site']] = relationship()

    def may_be_offered(self) -> bool:
        return self.plots_held < MAX_PLOTS_PER_TENANT


# --- Inspections --------------------------------------------------------------------
class Inspection(Base):
    __tablename__ = 'plots_inspections'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plot_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('plots_plots.id', ondelete='CASCADE'), nullable=False, index=True
    )
    inspected_on: Mapped[datetime.date] = mapped_column(Date, default=_today, nullable=False)
    grade: Mapped[InspectionGrade] = mapped_column(
        Enum(InspectionGrade, name='plots_inspection_grade'), nullable=False
    )
    inspector: Mapped[Optional[str]] = mapped_column(String(120))
    notes: Mapped[Optional[str]] = mapped_column(Text)

    plot: Mapped['Plot'] = relationship(back_populates='inspections')

    @property
    def failed(self) -> bool:
        return self.grade == InspectionGrade.POOR
