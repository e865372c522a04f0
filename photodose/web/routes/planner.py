"""The planner and the protocol check in the browser, and stored plans with their
reports. The numbers are the planner's (photodose.planning); the page shows the plan's
own report (fluence against depth with the nerve, temperature over the session, the
binding limit, the checks)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from photodose.devices.library import list_devices
from photodose.planning import Plan, check, plan
from photodose.tissue.library import list_sites
from photodose.tissue.patient import Patient
from photodose.web.access import CLINICAL, Access
from photodose.web.auth import Identity
from photodose.web.deps import clinic_as, render
from photodose.web.ids import RecordId
from photodose.web.pdf import REPORT_CSP, pdf_bytes

router = APIRouter()
Clinical = Annotated[Identity, Depends(Access(CLINICAL))]


class PlanQuery(BaseModel):
    """A plan (no power and time: the planner finds them) or a check (both given)."""

    site: str = Field(description="a shipped site name (GET /api/sites)")
    device: str = Field(description="a shipped device name (GET /api/devices)")
    skin_type: int = Field(default=3, ge=1, le=6)
    diabetic: bool = True
    insensate_feet: bool = Field(default=True, description="the cautious 41 C skin limit")
    subcutaneous_fat_mm: float | None = Field(default=None, gt=0.0, le=60.0)
    mode: Literal["plan", "check"] = "plan"
    power_W: float | None = Field(default=None, gt=0.0, le=100.0)
    time_s: float | None = Field(default=None, gt=0.0, le=7200.0)
    spots: int = Field(default=1, ge=1, le=1000)


def _compute(query: PlanQuery) -> Plan:
    patient = Patient(skin_type=query.skin_type, diabetic=query.diabetic,
                      insensate_feet=query.insensate_feet,
                      subcutaneous_fat_mm=query.subcutaneous_fat_mm)  # fmt: skip
    if query.mode == "check":
        from photodose.errors import BadInputError

        if query.time_s is None:
            raise BadInputError("time_s", None, "a check needs the time per spot in s")
        return check(query.site, query.device, patient, power_W=query.power_W,
                     time_s=query.time_s, spots=query.spots)  # fmt: skip
    return plan(query.site, query.device, patient)


def _report_html(saved: Plan) -> str:
    from photodose.report.plan_report import render_plan_html

    return render_plan_html(saved)


@router.get("/api/sites", tags=["planner"])
def api_sites(_: Clinical) -> list[str]:
    return list_sites()


@router.get("/api/devices", tags=["planner"])
def api_devices(_: Clinical) -> list[str]:
    return list_devices()


@router.post("/api/plans", tags=["planner"], status_code=201)
def api_plan(body: PlanQuery, request: Request, identity: Clinical) -> dict[str, object]:
    """Plan (or check) and store the plan document; returns its id and the plan."""
    result = _compute(body)
    plan_id = clinic_as(request, identity).add_plan(result.to_json())
    return {"id": plan_id, "plan": result.model_dump(mode="json")}


@router.get("/api/plans/{plan_id}", tags=["planner"])
def api_get_plan(plan_id: RecordId, request: Request, identity: Clinical) -> dict[str, object]:
    document = Plan.model_validate_json(clinic_as(request, identity).plan_json(plan_id))
    return {"id": plan_id, "plan": document.model_dump(mode="json")}


@router.get("/plan", response_class=HTMLResponse, include_in_schema=False)
def planner_page(request: Request, _: Clinical, site: str = "") -> Response:
    sites = list_sites()
    chosen = site if site in sites else sites[0]
    return render(request, "planner.html", {"sites": sites, "devices": list_devices(),
                                            "chosen": chosen})


@router.post("/plan", include_in_schema=False)
def planner_form(request: Request, identity: Clinical,
                 site: Annotated[str, Form(max_length=200)],
                 device: Annotated[str, Form(max_length=200)],
                 skin_type: Annotated[int, Form()] = 3,
                 diabetic: Annotated[bool, Form()] = False,
                 sensate: Annotated[bool, Form()] = False,
                 fat_mm: Annotated[str, Form()] = "",
                 mode: Annotated[Literal["plan", "check"], Form()] = "plan",
                 power_W: Annotated[str, Form()] = "", time_s: Annotated[str, Form()] = "",
                 spots: Annotated[int, Form()] = 1) -> Response:  # fmt: skip
    def number(text: str) -> float | None:
        return float(text) if text.strip() else None

    query = PlanQuery(site=site, device=device, skin_type=skin_type, diabetic=diabetic,
                      insensate_feet=not sensate, subcutaneous_fat_mm=number(fat_mm),
                      mode=mode, power_W=number(power_W), time_s=number(time_s), spots=spots)
    result = _compute(query)
    plan_id = clinic_as(request, identity).add_plan(result.to_json())
    return RedirectResponse(f"/plans/{plan_id}", status_code=303)


@router.get("/plans/{plan_id}", response_class=HTMLResponse, include_in_schema=False)
def plan_page(plan_id: RecordId, request: Request, identity: Clinical) -> Response:
    from markupsafe import Markup

    from photodose.planning.evidence import EVIDENCE_NOTE
    from photodose.report.figures import fluence_depth_svg, temperature_svg
    from photodose.views.rows import number
    from photodose.views.wording import binding_in_words, headline, safety_verdict

    saved = Plan.model_validate_json(clinic_as(request, identity).plan_json(plan_id))
    return render(request, "plan_saved.html", {
        "id": plan_id, "plan": saved, "headline": headline(saved),
        "verdict": safety_verdict(saved), "binding_words": binding_in_words(saved),
        "figures": [Markup(fluence_depth_svg(saved)), Markup(temperature_svg(saved))],
        "number": number, "evidence_note": EVIDENCE_NOTE[0].upper() + EVIDENCE_NOTE[1:]})


@router.get("/plans/{plan_id}/report", response_class=HTMLResponse, include_in_schema=False)
def plan_report(plan_id: RecordId, request: Request, identity: Clinical) -> Response:
    saved = Plan.model_validate_json(clinic_as(request, identity).plan_json(plan_id))
    return HTMLResponse(_report_html(saved), headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/plans/{plan_id}/report.pdf", include_in_schema=False)
def plan_report_pdf(plan_id: RecordId, request: Request, identity: Clinical) -> Response:
    saved = Plan.model_validate_json(clinic_as(request, identity).plan_json(plan_id))
    return Response(pdf_bytes(_report_html(saved)), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="plan-{plan_id}.pdf"'})
