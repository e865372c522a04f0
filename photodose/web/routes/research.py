"""De-identified views for researchers (and every role): the clinic's responder rates by
cumulative nerve-dose band and by site, labelled as observational, and the de-identified
CSV export. No route here returns a pseudonym, an id or a date of birth."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from photodose.clinic import outcomes
from photodose.clinic.deidentify import new_salt
from photodose.clinic.exchange import export_document
from photodose.clinic.pooled_csv import pooled_csv
from photodose.web.access import ANY_ROLE, Access
from photodose.web.auth import Identity
from photodose.web.deps import audit_read, clinic_as, render

router = APIRouter()
Anyone = Annotated[Identity, Depends(Access(ANY_ROLE))]


def _patients(request: Request, identity: Identity, what: str) -> list[dict[str, Any]]:
    # the clinic's own patients only; callers return aggregates or de-identified rows
    from photodose.web.patient_access import clinic_patient_ids

    mine = set(clinic_patient_ids(request, identity))
    document = export_document(clinic_as(request, identity))
    patients = [p for p in document["patients"] if p["pseudonym"] in mine]
    audit_read(request, identity, what, None, {"patients": len(patients)})
    return patients


def _summary(request: Request, identity: Identity) -> dict[str, Any]:
    return outcomes.clinic_summary(_patients(request, identity, "outcome_summary"))


@router.get("/api/research/export.csv", tags=["research"],
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def api_export_csv(request: Request, identity: Anyone) -> Response:
    """De-identified rows (one per patient, visit and instrument): study codes from a salt
    drawn for this export only, so two exports cannot be linked; ages in bands; days
    counted from enrolment (clinic/deidentify.py)."""
    rows = pooled_csv(_patients(request, identity, "deidentified_export"), new_salt())
    return Response(rows, media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="photodose-pooled.csv"'})


@router.get("/api/research/outcomes", tags=["research"])
def api_outcomes(request: Request, identity: Anyone) -> dict[str, Any]:
    return _summary(request, identity)


@router.get("/research", response_class=HTMLResponse, include_in_schema=False)
def outcomes_page(request: Request, identity: Anyone) -> Response:
    return render(request, "research.html", {"summary": _summary(request, identity)})
