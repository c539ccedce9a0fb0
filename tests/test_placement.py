"""Placement by inference: one row per rule and per hazard.

Each row is a small module, the targets a plan names for it (no symbol lists), and where a
name must land with the rule that put it there. The split runs for real
(:func:`restructure.python.split.split_module`), so a row also proves the files come out
without import cycles. The last rows run a whole phase on a scratch git repository: the
line-limit refusal and the inferred patch target.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from restructure.engine import PhaseError, run_phase
from restructure.placement import same_word, words
from restructure.python.patch_evidence import choose
from restructure.python.split import SplitSpec, split_module
from tests.conftest import git, make_repo

MODELS_HEAD = """\
import enum

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libs.db import Base
"""

ROUTER_HEAD = """\
from fastapi import APIRouter

router = APIRouter(prefix="/academy")
"""


def _decisions(source: str, args: dict[str, Any], service: str | None = None, patched: set[str] | None = None):
    spec = SplitSpec.from_args(args, service)
    spec.patched = patched or set()
    result = split_module(textwrap.dedent(source), "svc/mod.py", "svc/pkg", spec, init=False)
    return {d.label: d for d in result.placements}


CASES = [
    pytest.param(
        MODELS_HEAD
        + """
class CoachProfile(Base):
    __tablename__ = "coach_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)


class CoachProfileCreate(Base):
    __tablename__ = "coach_profile_drafts"
    id: Mapped[int] = mapped_column(primary_key=True)


class CoachAgreement(Base):
    __tablename__ = "coach_agreements"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
        {"groups": ["coach_profiles", "coach_agreement"]},
        "CoachProfileCreate",
        "coach_profiles",
        "affinity",
        id="affinity-compound-and-plural",
    ),
    pytest.param(
        MODELS_HEAD
        + """
class CoachProfileStatus(str, enum.Enum):
    ACTIVE = "active"


class CoachProfile(Base):
    __tablename__ = "coach_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[CoachProfileStatus]
""",
        {"groups": ["coach_profile", "enums"]},
        "CoachProfileStatus",
        "enums",
        "enum",
        id="enum-to-enums-when-the-plan-has-one",
    ),
    pytest.param(
        MODELS_HEAD
        + """
class CoachProfileStatus(str, enum.Enum):
    ACTIVE = "active"


class CoachProfile(Base):
    __tablename__ = "coach_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[CoachProfileStatus]


class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
        {"groups": ["coach_profile", "member"]},
        "CoachProfileStatus",
        "coach_profile",
        "affinity",
        id="enum-by-affinity-without-enums-target",
    ),
    pytest.param(
        MODELS_HEAD
        + """
class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    contacts: Mapped[list["EmergencyContact"]] = relationship(back_populates="member")


class EmergencyContact(Base):
    __tablename__ = "emergency_contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    member: Mapped["Member"] = relationship(back_populates="contacts")


class Coach(Base):
    __tablename__ = "coaches"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
        {"groups": ["member", "coach"]},
        "EmergencyContact",
        "member",
        "related",
        id="relationship-only-model-goes-with-its-entity",
    ),
    pytest.param(
        MODELS_HEAD
        + """
class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)


class Coach(Base):
    __tablename__ = "coaches"
    id: Mapped[int] = mapped_column(primary_key=True)


class PeriodLog(Base):
    __tablename__ = "period_logs"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
""",
        {"groups": ["member", "coach"]},
        "PeriodLog",
        "member",
        "related",
        id="foreign-key-only-model-goes-with-its-entity",
    ),
    pytest.param(
        MODELS_HEAD
        + """
class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)


class Coach(Base):
    __tablename__ = "coaches"
    id: Mapped[int] = mapped_column(primary_key=True)


class PeriodLog(Base):
    __tablename__ = "period_logs"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey(column="members.id"))
""",
        {"groups": ["member", "coach"]},
        "PeriodLog",
        "member",
        "related",
        id="foreign-key-given-by-keyword-places-the-model-too",
    ),
    pytest.param(
        ROUTER_HEAD
        + """

def _seats(cohort_id):
    return cohort_id


def _now():
    return 0


@router.get("/cohorts/{cohort_id}")
async def get_cohort(cohort_id: int):
    return {"seats": _seats(cohort_id), "at": _now()}


@router.get("/programs/{program_id}")
async def get_program(program_id: int):
    return {"at": _now()}
""",
        {"groups": ["programs", "cohorts"], "helpers": "_shared"},
        "_seats",
        "cohorts",
        "used",
        id="helper-read-by-one-target-goes-there",
    ),
    pytest.param(
        ROUTER_HEAD
        + """

def _now():
    return 0


@router.get("/cohorts/{cohort_id}")
async def get_cohort(cohort_id: int):
    return {"at": _now()}


@router.get("/programs/{program_id}")
async def get_program(program_id: int):
    return {"at": _now()}
""",
        {"groups": ["programs", "cohorts"], "helpers": "_shared"},
        "_now",
        "_shared",
        "shared",
        id="helper-read-by-several-goes-to-shared-helpers",
    ),
    pytest.param(
        ROUTER_HEAD
        + """

@router.get("/cohorts/{cohort_id}/enrollments")
async def roster(cohort_id: int):
    return []


@router.get("/cohorts/{cohort_id}")
async def get_cohort(cohort_id: int):
    return {}
""",
        {"groups": ["cohorts", "enrollments"]},
        "roster",
        "enrollments",
        "route",
        id="route-sub-resource-names-its-target",
    ),
    pytest.param(
        ROUTER_HEAD
        + """

@router.get("/internal/cohorts/{cohort_id}/roster")
async def internal_roster(cohort_id: int):
    return []


@router.get("/cohorts/{cohort_id}")
async def get_cohort(cohort_id: int):
    return {}
""",
        {"groups": ["cohorts", "internal"]},
        "internal_roster",
        "internal",
        "route",
        id="route-namespace-prefix-decides",
    ),
    pytest.param(
        """\
from fastapi import APIRouter

router = APIRouter(prefix="/billing")
invoice_router = APIRouter(prefix="/billing/documents")


@router.get("/{payment_id}")
async def get_payment(payment_id: int):
    return {}


@invoice_router.get("/{document_id}")
async def get_document(document_id: int):
    return {}
""",
        {"groups": ["payments", "invoices"]},
        "get_document",
        "invoices",
        "router",
        id="router-object-named-after-a-target",
    ),
    pytest.param(
        ROUTER_HEAD
        + """

@router.get("/cohorts/{cohort_id}")
async def get_cohort(cohort_id: int):
    return {}


@router.get("/programs/{program_id}")
async def get_program(program_id: int):
    return {}
""",
        {"groups": ["programs", "cohorts"], "symbols": {"get_cohort": "programs"}},
        "get_cohort",
        "programs",
        "override",
        id="override-wins",
    ),
    pytest.param(
        MODELS_HEAD
        + """

# --- Catalogue ------------------------------------------------------------------
class Widget(Base):
    __tablename__ = "widgets"
    id: Mapped[int] = mapped_column(primary_key=True)


# --- Stock --------------------------------------------------------------------------
class Movement(Base):
    __tablename__ = "movements"
    id: Mapped[int] = mapped_column(primary_key=True)
    widget_id: Mapped[int] = mapped_column(ForeignKey("widgets.id"))
""",
        {"groups": ["catalogue", "stock"]},
        "Movement",
        "stock",
        "section",
        id="section-heading-names-the-target-a-foreign-key-would-not",
    ),
    pytest.param(
        ROUTER_HEAD
        + """

# --- Cohorts ---
@router.get("/cohorts/{cohort_id}")
async def get_cohort(cohort_id: int):
    return {}


# --- Coach dashboard ---
@router.get("/coach/{coach_id}/cohorts")
async def coach_cohorts(coach_id: int):
    return {}
""",
        {"groups": ["cohorts", "coach_dashboard"]},
        "coach_cohorts",
        "coach_dashboard",
        "section",
        id="section-heading-beats-a-path-resource",
    ),
    pytest.param(
        ROUTER_HEAD
        + """

# --- Enrolments ---
@router.post("/enrolments")
async def enrol():
    return {}


@router.get("/internal/cohorts/{cohort_id}/roster")
async def internal_roster(cohort_id: int):
    return {}
""",
        {"groups": ["enrolments", "internal"]},
        "internal_roster",
        "internal",
        "route",
        id="path-namespace-beats-the-section-heading",
    ),
    pytest.param(
        ROUTER_HEAD
        + """

# --- Scoring ---
import math


@router.post("/cohorts/{cohort_id}/complexity")
async def score(cohort_id: int):
    return {"score": math.pi}
""",
        {"groups": ["cohorts", "scoring"]},
        "score",
        "scoring",
        "section",
        id="section-heading-above-a-mid-module-import",
    ),
    pytest.param(
        ROUTER_HEAD
        + """

# --- Cohorts ---
@router.get("/cohorts")
async def list_cohorts():
    return []


# --- Programs and cohorts (keep last) ---
@router.get("/programs/{program_id}/cohorts/{cohort_id}")
async def program_cohort(program_id: int, cohort_id: int):
    return {}
""",
        {"groups": ["programs", "cohorts"]},
        "program_cohort",
        "cohorts",
        "route",
        id="heading-naming-two-targets-ends-the-section-and-settles-nothing",
    ),
]


@pytest.mark.parametrize(("source", "args", "symbol", "group", "rule"), CASES)
def test_placement_rule(source: str, args: dict[str, Any], symbol: str, group: str, rule: str):
    decision = _decisions(source, args)[symbol]
    assert (decision.group, decision.rule) == (group, rule), decision.line()
    assert decision.reason, "every placement carries a one-line reason"
    assert "\n" not in decision.line()


def test_ambiguous_placement_is_reported():
    """A path that names several targets equally goes to the first one, marked ambiguous, naming the others."""
    source = """\
from fastapi import APIRouter

router = APIRouter(prefix="/members")


@router.post("/coaches/apply")
async def apply():
    return {}


@router.get("/coaches/payouts")
async def payouts():
    return []
"""
    found = _decisions(source, {"groups": ["coach_profiles", "coach_agreements", "coach_payouts"]})
    assert found["apply"].group == "coach_profiles"
    assert found["apply"].ambiguous
    assert "coach_agreements" in found["apply"].reason and "coach_payouts" in found["apply"].reason
    assert (found["payouts"].group, found["payouts"].ambiguous) == ("coach_payouts", False)


def test_patched_helper_follows_the_routes_reading_the_patched_name():
    source = (
        ROUTER_HEAD
        + """

client = object()


def _checkout():
    return client


@router.post("/payments/")
async def create_payment():
    return _checkout()


@router.post("/payments/{payment_id}/verify")
async def verify(payment_id: int):
    return client


@router.post("/invoices/{invoice_id}/pay")
async def pay(invoice_id: int):
    return _checkout()
"""
    )
    args = {"groups": ["payments", "invoices"], "helpers": "_shared"}
    assert _decisions(source, args)["_checkout"].group == "_shared"
    coupled = _decisions(source, args, patched={"client"})
    assert (coupled["_checkout"].group, coupled["_checkout"].rule) == ("payments", "patched")
    assert coupled["client"].group == "payments"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("enrollments", "enroll", True),
        ("scoring", "score", True),
        ("entries", "entry", True),
        ("member", "membership", False),
    ],
)
def test_word_forms(a: str, b: str, same: bool):
    assert same_word(words(a)[0], words(b)[0]) is same


PATCH_TEST = """\
from unittest import mock

from .conftest import API

SIGN = f"{API}/members/coach-agreements/sign"


def _sign(client):
    return client.post(SIGN)


def test_signing_uses_the_clock(client):
    with mock.patch("svc.coach_router.clock"):
        assert _sign(client).status_code == 201
"""


def test_patch_target_from_the_requests_of_the_patching_test():
    candidates = {
        "svc.routers.profiles": ["/members/coaches/{coach_id}", "/members/coaches/apply"],
        "svc.routers.agreements": ["/members/coach-agreements/sign", "/members/coach-agreements/me"],
    }
    verdict = choose("svc.coach_router.clock", [("tests/test_x.py", PATCH_TEST)], candidates)
    assert verdict is not None and verdict.module == "svc.routers.agreements"
    assert any("coach-agreements/sign" in line for line in verdict.evidence)
    assert choose("svc.coach_router.other", [("tests/test_x.py", PATCH_TEST)], candidates) is None


OVER_LIMIT_PLAN = """\
version: 1
services: [shop]
line_limit: 12
phases:
  - phase: 1
    title: split
    scope: shop
    steps:
      - {op: split, module: models.py, into: models, groups: [product, order]}
"""

OVER_LIMIT_MODELS = """\
class Product:
    name = "p"
    price = 1
    stock = 2
    colour = "red"
    size = "m"
    weight = 3
    brand = "b"
    sku = "s"
    ean = "e"
    unit = "u"
    vat = 4
    origin = "o"


class Order:
    total = 1
"""


def test_over_limit_output_refused_with_sizes(tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {
        "services/shop_service/__init__.py": "",
        "services/shop_service/models.py": OVER_LIMIT_MODELS,
    })  # fmt: skip
    plan = tmp_path / "plan.yaml"
    plan.write_text(OVER_LIMIT_PLAN)
    head = git(repo, "rev-parse", "HEAD")
    with pytest.raises(PhaseError) as caught:
        run_phase(repo, 1, plan, commit=True, echo=lambda _t: None)
    message = str(caught.value)
    assert "models/product.py has" in message and "(limit 12)" in message
    assert "sizes: product.py" in message and "order.py" in message
    assert "exceptions:" in message
    assert git(repo, "rev-parse", "HEAD") == head
    assert (repo / "services/shop_service/models.py").read_text() == OVER_LIMIT_MODELS

    plan.write_text(OVER_LIMIT_PLAN.replace(
        "phases:", "exceptions:\n  - {path: services/shop_service/models/product.py, rule: 2, reason: kept}\nphases:"
    ))  # fmt: skip
    report = run_phase(repo, 1, plan, commit=True, echo=lambda _t: None)
    assert (repo / "services/shop_service/models/product.py").is_file()
    # every placement the plan did not make is in the report, one line with its reason
    assert sorted(report.placements) == [
        "shop: models.py: Order -> order.py: the name contains order",
        "shop: models.py: Product -> product.py: the name contains product",
    ]
