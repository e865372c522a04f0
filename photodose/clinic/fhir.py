"""FHIR export of the clinic for pooled analysis: a Bundle (type collection) of Patient,
Questionnaire (one per instrument version), QuestionnaireResponse (the raw answers),
Observation per score (derivedFrom its QuestionnaireResponse, as the German MII PRO guide
chains them), Device, Procedure per session plus a dose Observation (partOf the
Procedure, one component per dose quantity), and AdverseEvent (suspectEntity: the
session's Procedure).

Every resource is validated with the fhir.resources models of FHIR R4B (4.3.0, the R4
technical-correction release; fhir.resources 8 ships R4B and R5, not 4.0.1): structure,
types, required fields and formats are checked; value sets are not. De-identified as the
CSV (clinic/deidentify.py): study codes, birth year only, dates shifted per patient.
No LOINC or SNOMED code exists for a PBM dose or for MNSI, DN4, BCTQ: those use the local
code system below; pain NRS also carries LOINC 72514-3.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from fhir.resources.R4B.adverseevent import AdverseEvent
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.device import Device
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from photodose.clinic import deidentify
from photodose.clinic.scoring import INSTRUMENTS
from photodose.clinic.scoring.pain_nrs import LOINC as PAIN_LOINC

LOCAL_SYSTEM = "urn:photodose:codes"
QUESTIONNAIRE_BASE = "urn:photodose:questionnaire"
LOINC_SYSTEM = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
UCUM_UNITS = {"J/cm2": "J/cm2", "mW/cm2": "mW/cm2", "J": "J", "C": "Cel", "W": "W", "s": "s"}
SEVERITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
SERIOUSNESS_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
OUTCOME_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
OUTCOME_CODES = {"recovered": "resolved", "recovering": "recovering",
                 "not_recovered": "ongoing", "with_sequelae": "resolvedWithSequelae",
                 "fatal": "fatal", "unknown": "unknown"}  # fmt: skip
GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
MODELS = {
    "Patient": Patient, "Questionnaire": Questionnaire,
    "QuestionnaireResponse": QuestionnaireResponse, "Observation": Observation,
    "Procedure": Procedure, "Device": Device, "AdverseEvent": AdverseEvent,
}  # fmt: skip


def _fhir_id(text: str) -> str:
    """FHIR ids: letters, digits, '-' and '.', at most 64 characters."""
    cleaned = "".join(c if c.isalnum() or c in "-." else "-" for c in text)
    return cleaned[:64]


def _when(value: str) -> str:
    # FHIR dateTime with a time needs a zone; the records are UTC
    return value + "Z" if "T" in value else value


def questionnaire(name: str, version: str) -> dict[str, Any]:
    instrument = INSTRUMENTS[name]
    items = []
    for item in instrument.items(version):
        entry: dict[str, Any] = {"linkId": item.id, "text": item.text, "required": True}
        if item.allowed:
            entry["type"] = "choice"
            entry["answerOption"] = [
                {"valueInteger": a} if isinstance(a, int) else {"valueString": str(a)}
                for a in item.allowed
            ]
        else:
            entry["type"] = "decimal"
        items.append(entry)
    return {
        "resourceType": "Questionnaire", "id": _fhir_id(f"{name}-{version}"),
        "url": f"{QUESTIONNAIRE_BASE}:{name}", "version": version, "name": _fhir_id(name),
        "title": instrument.title, "status": "active",
        "description": f"Scored as published: {instrument.source}", "item": items,
    }  # fmt: skip


def _answer(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return {"valueString": str(value)}


def patient_resources(patient: dict[str, Any], salt: str) -> list[dict[str, Any]]:
    code = deidentify.study_code(patient["pseudonym"], salt)
    offset = deidentify.day_offset(patient["enrolled_on"])
    subject = {"reference": f"Patient/{code}"}
    out: list[dict[str, Any]] = [{
        "resourceType": "Patient", "id": code, "gender": GENDER[patient["sex"]],
        "birthDate": str(patient["birth_year"]),
    }]  # fmt: skip
    procedures: dict[str, str] = {}
    for course in patient["courses"]:
        if course["deleted_at"] is not None:
            continue
        for s in course["sessions"]:
            if s["deleted_at"] is not None:
                continue
            pid = _fhir_id(f"{code}-{s['ref']}")
            procedures[s["ref"]] = pid
            when = _when(deidentify.shift(s["delivered_at"], offset))
            out.append({
                "resourceType": "Procedure", "id": pid, "status": "completed",
                "code": {"coding": [{"system": LOCAL_SYSTEM, "code": "pbm-session",
                                     "display": "photobiomodulation session"}]},
                "subject": subject, "performedDateTime": when,
                "bodySite": [{"text": f"{s['site']} ({s['side']})"}],
                "usedReference": [{"reference": f"Device/{_fhir_id(s['device'])}"}],
                "note": [{"text": f"{s['spots']} spots, {s['power_W']:g} W, "
                                  f"{s['time_per_spot_s']:g} s per spot"}],
            })  # fmt: skip
            out.append({
                "resourceType": "Observation", "id": _fhir_id(f"{pid}-dose"), "status": "final",
                "code": {"coding": [{"system": LOCAL_SYSTEM, "code": "pbm-delivered-dose",
                                     "display": "dose delivered (computed)"}]},
                "subject": subject, "effectiveDateTime": when,
                "partOf": [{"reference": f"Procedure/{pid}"}],
                "method": {"text": s["dose_model"]},
                "component": [
                    {"code": {"coding": [{"system": LOCAL_SYSTEM, "code": "power_W"}]},
                     "valueQuantity": {"value": s["power_W"], "unit": "W", "system": UCUM,
                                       "code": "W"}},
                    {"code": {"coding": [{"system": LOCAL_SYSTEM, "code": "time_per_spot_s"}]},
                     "valueQuantity": {"value": s["time_per_spot_s"], "unit": "s",
                                       "system": UCUM, "code": "s"}},
                    *({"code": {"coding": [{"system": LOCAL_SYSTEM, "code": d["quantity"]}]},
                       "valueQuantity": {"value": d["value"], "unit": d["unit"], "system": UCUM,
                                         "code": UCUM_UNITS.get(d["unit"], d["unit"])}}
                      for d in s["doses"]),
                ],
            })  # fmt: skip
    for n, a in enumerate(patient["assessments"], 1):
        if a["deleted_at"] is not None:
            continue
        rid = _fhir_id(f"{code}-A{n}")
        when = _when(deidentify.shift(a["assessed_at"], offset))
        complete = a["total"] is not None or all(v is not None for v in a["answers"].values())
        out.append({
            "resourceType": "QuestionnaireResponse", "id": rid,
            "questionnaire": f"{QUESTIONNAIRE_BASE}:{a['instrument']}|{a['version']}",
            "status": "completed" if complete else "in-progress", "subject": subject,
            "authored": when,
            "item": [{"linkId": k, "answer": [_answer(v)]} for k, v in a["answers"].items()
                     if v is not None],
        })  # fmt: skip
        for name, value in a["scores"].items():
            if value is None:
                continue
            coding = [{"system": LOCAL_SYSTEM, "code": f"{a['instrument']}.{name}"}]
            if a["instrument"] == "pain_nrs":
                coding.append({"system": LOINC_SYSTEM, "code": PAIN_LOINC})
            out.append({
                "resourceType": "Observation", "id": _fhir_id(f"{rid}-{name}"),
                "status": "final", "code": {"coding": coding,
                                            "text": f"{a['instrument']} {name} ({a['version']})"},
                "subject": subject, "effectiveDateTime": when,
                "valueQuantity": {"value": value, "unit": "{score}", "system": UCUM,
                                  "code": "{score}"},
                "derivedFrom": [{"reference": f"QuestionnaireResponse/{rid}"}],
            })  # fmt: skip
    for n, e in enumerate(patient["adverse_events"], 1):
        if e["deleted_at"] is not None:
            continue
        event: dict[str, Any] = {
            "resourceType": "AdverseEvent", "id": _fhir_id(f"{code}-AE{n}"),
            "actuality": "actual", "subject": subject,
            "event": {"text": e["description"]},
            "date": deidentify.shift(e["onset_on"], offset),
            "seriousness": {"coding": [{"system": SERIOUSNESS_SYSTEM,
                                        "code": "serious" if e["serious"] else "non-serious"}]},
            "severity": {"coding": [{"system": SEVERITY_SYSTEM, "code": e["severity"]}]},
            "outcome": {"coding": [{"system": OUTCOME_SYSTEM,
                                    "code": OUTCOME_CODES[e["outcome"]]}]},
        }  # fmt: skip
        if e["session"] in procedures:
            event["suspectEntity"] = [{"instance": {
                "reference": f"Procedure/{procedures[e['session']]}"}}]  # fmt: skip
        out.append(event)
    return out


def fhir_bundle(patients: Iterable[dict[str, Any]], salt: str) -> dict[str, Any]:
    """The Bundle as a JSON-ready dictionary; every resource validated (ValueError if not)."""
    resources: list[dict[str, Any]] = []
    instruments: set[tuple[str, str]] = set()
    devices: set[str] = set()
    for patient in patients:
        if patient["deleted_at"] is not None:
            continue
        resources.extend(patient_resources(patient, salt))
        instruments.update((a["instrument"], a["version"]) for a in patient["assessments"]
                           if a["deleted_at"] is None)  # fmt: skip
        devices.update(s["device"] for c in patient["courses"] for s in c["sessions"])
    shared = [questionnaire(name, version) for name, version in sorted(instruments)]
    shared += [{"resourceType": "Device", "id": _fhir_id(name),
                "deviceName": [{"name": name, "type": "user-friendly-name"}]}
               for name in sorted(devices)]  # fmt: skip
    entries = []
    for resource in [*shared, *resources]:
        validate(resource)
        entries.append({"fullUrl": f"urn:photodose:{resource['resourceType']}/{resource['id']}",
                        "resource": resource})  # fmt: skip
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    Bundle.model_validate(bundle)
    return bundle


def validate(resource: dict[str, Any]) -> None:
    """Parse the resource with its fhir.resources model (raises on a structural error)."""
    MODELS[resource["resourceType"]].model_validate(json.loads(json.dumps(resource)))
