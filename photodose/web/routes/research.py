"""De-identified views for researchers (and every role): the clinic's responder rates by
cumulative nerve-dose band and by site, labelled as observational, and the de-identified
CSV export. No route here returns a pseudonym, an id or a date of birth."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from photodose.clinic import outcomes
from photodose.clinic.exchange import export_document
from photodose.web.access import ANY_ROLE, Access
from photodose.web.auth import Identity
from photodose.web.deps import audit_read, clinic_as, render

router = APIRouter()
Anyone = Annotated[Identity, Depends(Access(ANY_ROLE))]


def _summary(request: Request, identity: Identity) -> dict[str, Any]:
    # the clinic's own patients only, de-identified by aggregation
    from photodose.web.patient_access import clinic_patient_ids

    mine = set(clinic_patient_ids(request, identity))
    document = export_document(clinic_as(request, identity))
    patients = [p for p in document["patients"] if p["pseudonym"] in mine]
    audit_read(request, identity, "outcome_summary", None, {"patients": len(patients)})
    return outcomes.clinic_summary(patients)


@router.get("/api/research/outcomes", tags=["research"])
def api_outcomes(request: Request, identity: Anyone) -> dict[str, Any]:
    return _summary(request, identity)


@router.get("/research", response_class=HTMLResponse, include_in_schema=False)
def outcomes_page(request: Request, identity: Anyone) -> Response:
    return render(request, "research.html", {"summary": _summary(request, identity)})
