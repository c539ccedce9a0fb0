"""HTTP routes of the plots service.

``router`` carries the sites, plots, tenants, tenancies and the waiting list;
``inspections_router`` is mounted separately (main.py gives it its own tag).
"""

import datetime
from typing import Dict, List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.database import get_session
from shared.security import require_committee

from .enums import FAILING_GRADES, InspectionGrade, PlotStatus, TenancyStatus
from .models import Inspection, Plot, Site, Tenancy, Tenant, WaitingListEntry
from .schemas import (
    ExpiringTenancy,
    InspectionOut,
    InspectionPayload,
    InspectionRound,
    NoticeRequest,
    Offer,
    PlotCreate,
    PlotDetail,
    PlotOut,
    PlotStatusChange,
    SiteCreate,
    SiteOut,
    SiteSummary,
    SiteUpdate,
    TenancyCreate,
    TenancyOut,
    TenantCreate,
    TenantOut,
    WaitingListEntryOut,
    WaitingListJoin,
    WaitingListPosition,
    WorstPlot,
)

router = APIRouter()
inspections_router = APIRouter()


def _site_or_404(session: Session, site_id: uuid.UUID) -> Site:
    site = session.get(Site, site_id)
    if site is None:
        raise HTTPException(status_code=404, detail='site not found')
    return site


def _plot_or_404(session: Session, plot_id: uuid.UUID) -> Plot:
    plot = session.get(Plot, plot_id)
    if plot is None:
        raise HTTPException(status_code=404, detail='plot not found')
    return plot


# --- Sites --------------------------------------------------------------------------
@router.get('/sites', response_model=List[SiteOut], tags=['sites'])
def list_sites(session: Session = Depends(get_session)) -> List[Site]:
    return list(session.scalars(select(Site).order_by(Site.name)))


@router.post(
    '/sites',
    response_model=SiteOut,
    status_code=status.HTTP_201_CREATED,
    tags=['sites'],
    dependencies=[Depends(require_committee)],
)
def create_site(body: SiteCreate, session: Session = Depends(get_session)) -> Site:
    existing = session.scalar(select(Site).where(Site.name == body.name))
    if existing is not None:
        raise HTTPException(status_code=409, detail='a site with that name exists')
    site = Site(**body.model_dump())
    session.add(site)
    session.flush()
    return site


@router.get('/sites/summary', response_model=List[SiteSummary], tags=['sites'])
def site_summary(session: Session = Depends(get_session)) -> List[SiteSummary]:
    summaries = []
    for site in session.scalars(select(Site).order_by(Site.name)):
        counts = {PlotStatus.VACANT: 0, PlotStatus.LET: 0, PlotStatus.WITHDRAWN: 0}
        for plot in site.plots:
            counts[plot.status] += 1
        total = len(site.plots)
        occupancy = round(counts[PlotStatus.LET] / total, 3) if total else 0.0
        summaries.append(
            SiteSummary(
                id=site.id,
                name=site.name,
                plots=total,
                vacant=counts[PlotStatus.VACANT],
                let=counts[PlotStatus.LET],
                occupancy=occupancy,
            )
        )
    return summaries


@router.get('/sites/{site_id}', response_model=SiteOut, tags=['sites'])
def get_site(site_id: uuid.UUID, session: Session = Depends(get_session)) -> Site:
    return _site_or_404(session, site_id)


@router.patch(
    '/sites/{site_id}',
    response_model=SiteOut,
    tags=['sites'],
    dependencies=[Depends(require_committee)],
)
def update_site(
    site_id: uuid.UUID, body: SiteUpdate, session: Session = Depends(get_session)
) -> Site:
    site = _site_or_404(session, site_id)
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(site, field, value)
    return site


# --- Plots --------------------------------------------------------------------------
@router.get('/plots/vacant', response_model=List[PlotOut], tags=['plots'])
def vacant_plots(
    site_id: Optional[uuid.UUID] = None, session: Session = Depends(get_session)
) -> List[Plot]:
    query = select(Plot).where(Plot.status == PlotStatus.VACANT)
    if site_id is not None:
        query = query.where(Plot.site_id == site_id)
    return list(session.scalars(query.order_by(Plot.number)))


@router.get('/plots/{plot_id}', response_model=PlotDetail, tags=['plots'])
def get_plot(plot_id: uuid.UUID, session: Session = Depends(get_session)) -> PlotDetail:
    plot = _plot_or_404(session, plot_id)
    tenancy = plot.current_tenancy()
    last = plot.inspections[0].grade if plot.inspections else None
    return PlotDetail(
        id=plot.id,
        site_id=plot.site_id,
        number=plot.number,
        size=plot.size,
        status=plot.status,
        has_shed=plot.has_shed,
        annual_rent=plot.annual_rent(),
        tenant_name=tenancy.tenant.full_name if tenancy is not None else None,
        last_grade=last,
    )


@router.get('/sites/{site_id}/plots', response_model=List[PlotOut], tags=['plots'])
def list_site_plots(site_id: uuid.UUID, session: Session = Depends(get_session)) -> List[Plot]:
    return list(_site_or_404(session, site_id).plots)


@router.post(
    '/sites/{site_id}/plots',
    response_model=PlotOut,
    status_code=status.HTTP_201_CREATED,
    tags=['plots'],
    dependencies=[Depends(require_committee)],
)
def create_plot(
    site_id: uuid.UUID, body: PlotCreate, session: Session = Depends(get_session)
) -> Plot:
    site = _site_or_404(session, site_id)
    number = body.number if body.number is not None else site.next_plot_number()
    plot = Plot(site=site, number=number, size=body.size, has_shed=body.has_shed)
    session.add(plot)
    session.flush()
    return plot


@router.post(
    '/plots/{plot_id}/status',
    response_model=PlotOut,
    tags=['plots'],
    dependencies=[Depends(require_committee)],
)
def change_plot_status(
    plot_id: uuid.UUID, body: PlotStatusChange, session: Session = Depends(get_session)
) -> Plot:
    plot = _plot_or_404(session, plot_id)
    if plot.current_tenancy() is not None:
        raise HTTPException(status_code=409, detail='the plot has a tenancy')
    plot.status = body.status
    return plot


# --- Tenants and tenancies ----------------------------------------------------------
@router.post(
    '/tenants', response_model=TenantOut, status_code=status.HTTP_201_CREATED, tags=['tenants']
)
def create_tenant(body: TenantCreate, session: Session = Depends(get_session)) -> Tenant:
    tenant = Tenant(**body.model_dump())
    session.add(tenant)
    session.flush()
    return tenant


@router.get('/tenants/{tenant_id}', response_model=TenantOut, tags=['tenants'])
def get_tenant(tenant_id: uuid.UUID, session: Session = Depends(get_session)) -> Tenant:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise HTTPException(status_code=404, detail='tenant not found')
    return tenant


@router.post(
    '/tenancies',
    response_model=TenancyOut,
    status_code=status.HTTP_201_CREATED,
    tags=['tenancies'],
    dependencies=[Depends(require_committee)],
)
def create_tenancy(body: TenancyCreate, session: Session = Depends(get_session)) -> Tenancy:
    plot = _plot_or_404(session, body.plot_id)
    if plot.status != PlotStatus.VACANT:
        raise HTTPException(status_code=409, detail='plot is not vacant')
    tenant = session.get(Tenant, body.tenant_id)
    if tenant is None:
        raise HTTPException(status_code=404, detail='tenant not found')
    tenancy = Tenancy(plot=plot, tenant=tenant)
    if body.starts_on is not None:
        tenancy.starts_on = body.starts_on
    plot.status = PlotStatus.LET
    session.add(tenancy)
    session.flush()
    return tenancy


@router.get('/tenancies/expiring', response_model=List[ExpiringTenancy], tags=['tenancies'])
def expiring_tenancies(
    within_days: int = Query(default=30, ge=1, le=365), session: Session = Depends(get_session)
) -> List[ExpiringTenancy]:
    today = datetime.datetime.now(datetime.timezone.utc).date()
    found = []
    query = select(Tenancy).where(Tenancy.status == TenancyStatus.NOTICE_GIVEN)
    for tenancy in session.scalars(query):
        if not tenancy.is_expiring(within_days, today):
            continue
        assert tenancy.ends_on is not None
        found.append(
            ExpiringTenancy(
                tenancy_id=tenancy.id,
                plot_number=tenancy.plot.number,
                site_name=tenancy.plot.site.name,
                tenant_name=tenancy.tenant.full_name,
                ends_on=tenancy.ends_on,
                days_left=(tenancy.ends_on - today).days,
            )
        )
    return found


@router.get('/tenancies/{tenancy_id}', response_model=TenancyOut, tags=['tenancies'])
def get_tenancy(tenancy_id: uuid.UUID, session: Session = Depends(get_session)) -> Tenancy:
    tenancy = session.get(Tenancy, tenancy_id)
    if tenancy is None:
        raise HTTPException(status_code=404, detail='tenancy not found')
    return tenancy


@router.post(
    '/tenancies/{tenancy_id}/notice',
    response_model=TenancyOut,
    tags=['tenancies'],
    dependencies=[Depends(require_committee)],
)
def give_notice(
    tenancy_id: uuid.UUID, body: NoticeRequest, session: Session = Depends(get_session)
) -> Tenancy:
    tenancy = session.get(Tenancy, tenancy_id)
    if tenancy is None:
        raise HTTPException(status_code=404, detail='tenancy not found')
    if tenancy.status == TenancyStatus.ENDED:
        raise HTTPException(status_code=409, detail='tenancy has ended')
    tenancy.give_notice(body.given_at)
    return tenancy


# --- Waiting list -------------------------------------------------------------------
# One offer round at a time: two committee members pressing "offer" together must not
# offer the same plot twice. Imported here, next to the only code that needs it.
import threading  # noqa: E402

_offer_lock = threading.Lock()


@router.post(
    '/waiting-list',
    response_model=WaitingListEntryOut,
    status_code=status.HTTP_201_CREATED,
    tags=['waiting-list'],
)
def join_waiting_list(
    body: WaitingListJoin, session: Session = Depends(get_session)
) -> WaitingListEntry:
    entry = WaitingListEntry(**body.model_dump())
    session.add(entry)
    session.flush()
    return entry


@router.get('/waiting-list', response_model=List[WaitingListEntryOut], tags=['waiting-list'])
def list_waiting(
    site_id: Optional[uuid.UUID] = None, session: Session = Depends(get_session)
) -> List[WaitingListEntry]:
    query = select(WaitingListEntry).order_by(WaitingListEntry.joined_at)
    if site_id is not None:
        query = query.where(WaitingListEntry.site_id == site_id)
    return list(session.scalars(query))


@router.post(
    '/waiting-list/offers',
    response_model=List[Offer],
    tags=['waiting-list'],
    dependencies=[Depends(require_committee)],
)
def make_offers(session: Session = Depends(get_session)) -> List[Offer]:
    offers: List[Offer] = []
    with session.no_autoflush:
        with _offer_lock:
            vacant = list(
                session.scalars(select(Plot).where(Plot.status == PlotStatus.VACANT))
            )
            queue = session.scalars(select(WaitingListEntry).order_by(WaitingListEntry.joined_at))
            for entry in queue:
                if not vacant:
                    break
                if not entry.may_be_offered():
                    continue
                plot = vacant.pop(0)
                offers.append(
                    Offer(
                        entry_id=entry.id,
                        plot_id=plot.id,
                        plot_number=plot.number,
                        site_name=plot.site.name,
                    )
                )
    return offers


@router.get(
    '/waiting-list/{entry_id}/position',
    response_model=WaitingListPosition,
    tags=['waiting-list'],
)
def waiting_position(
    entry_id: uuid.UUID, session: Session = Depends(get_session)
) -> WaitingListPosition:
    entry = session.get(WaitingListEntry, entry_id)
    if entry is None:
        raise HTTPException(status_code=404, detail='not on the waiting list')
    ahead = session.scalar(
        select(func.count(WaitingListEntry.id)).where(WaitingListEntry.joined_at < entry.joined_at)
    )
    ahead = int(ahead or 0)
    return WaitingListPosition(
        entry_id=entry.id,
        position=ahead + 1,
        ahead=ahead,
        message='%d applicant(s) ahead of you' % ahead,
    )


@router.delete(
    '/waiting-list/{entry_id}', status_code=status.HTTP_204_NO_CONTENT, tags=['waiting-list']
)
def leave_waiting_list(entry_id: uuid.UUID, session: Session = Depends(get_session)) -> None:
    entry = session.get(WaitingListEntry, entry_id)
    if entry is not None:
        session.delete(entry)
    return None


# --- Inspections --------------------------------------------------------------------
@inspections_router.post(
    '/plots/{plot_id}/inspections',
    response_model=List[InspectionOut],
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_committee)],
)
def record_inspections(
    plot_id: uuid.UUID, body: InspectionPayload, session: Session = Depends(get_session)
) -> List[Inspection]:
    plot = _plot_or_404(session, plot_id)
    items = body if isinstance(body, list) else [body]
    created = []
    for item in items:
        values = item.model_dump(exclude_none=True)
        inspection = Inspection(plot=plot, **values)
        session.add(inspection)
        created.append(inspection)
    session.flush()
    return created


@inspections_router.get('/plots/{plot_id}/inspections', response_model=List[InspectionOut])
def list_inspections(
    plot_id: uuid.UUID, session: Session = Depends(get_session)
) -> List[Inspection]:
    return list(_plot_or_404(session, plot_id).inspections)


@inspections_router.get('/inspections/worst', response_model=List[WorstPlot])
def worst_plots(
    limit: int = Query(default=5, ge=1, le=50), session: Session = Depends(get_session)
) -> List[WorstPlot]:
    counts: Dict[uuid.UUID, int] = {}
    numbers: Dict[uuid.UUID, int] = {}
    query = select(Inspection).where(Inspection.grade.in_(FAILING_GRADES))
    for inspection in session.scalars(query):
        counts[inspection.plot_id] = counts.get(inspection.plot_id, 0) + 1
        numbers[inspection.plot_id] = inspection.plot.number
    ranked = sorted(counts.items(), key=lambda item: (-item[1], numbers[item[0]]))
    return [
        WorstPlot(plot_id=plot_id, number=numbers[plot_id], poor_count=count)
        for plot_id, count in ranked[:limit]
    ]


@inspections_router.get('/sites/{site_id}/inspection-round', response_model=InspectionRound)
def inspection_round(
    site_id: uuid.UUID, session: Session = Depends(get_session)
) -> InspectionRound:
    site = _site_or_404(session, site_id)
    grades = dict((grade.value, 0) for grade in InspectionGrade)
    failing = []
    latest: Optional[datetime.date] = None
    for plot in site.plots:
        if not plot.inspections:
            continue
        newest = plot.inspections[0]
        grades[newest.grade.value] += 1
        if newest.grade in FAILING_GRADES:
            failing.append(plot.number)
        if latest is None or newest.inspected_on > latest:
            latest = newest.inspected_on
    return InspectionRound(
        site_id=site.id, inspected=sum(grades.values()), grades=grades, failing_plots=failing
    )
