"""The evidence beside a plan: what each published protocol delivers at this site.

For every protocol of the library applied to this site's region in its source, the nerve
dose it delivers HERE in photodose's own model: the same site (adapted to the patient),
the same skin type, the same transport (the fast path) and optics as the plan, with the
protocol's own device, power and time (photodose.planning.protocols.model_setting). Each
row carries the trial's result, so a user sees where a plan sits among protocols that
were tried, and which of them worked against a control.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from photodose.dose.nerve_dose import dose_at_nerve
from photodose.errors import BadInputError
from photodose.planning.light import light_field, transport_beam
from photodose.planning.protocols import (
    PublishedProtocol,
    Result,
    load_protocol,
    model_setting,
    protocols_for_region,
)
from photodose.specs import Spec
from photodose.tissue.site import Site

EVIDENCE_NOTE = (
    "published protocols evaluated at this site in photodose's model (same transport and "
    "optics as the plan, each with its own device, power and time); the result is the "
    "trial's, on its own outcome, at its own site: not a prediction for this patient"
)


class EvidenceRow(Spec):
    """One published protocol at this site. Power W, time s per point, doses J/cm^2."""

    protocol: str
    title: str
    result: Result
    result_summary: str
    verified: bool
    device: str
    power_W: float
    time_s: float
    energy_per_point_J: float
    surface_dose_J_per_cm2: float
    nerve_fluence_J_per_cm2: float
    rule: str = Field(description="how the model's power and time were chosen")


def published_evidence(site: Site, skin_type: int) -> tuple[EvidenceRow, ...]:
    """The protocols applied to `site.region`, each evaluated at `site` (already adapted
    to the patient), ordered by nerve dose."""
    return _evidence(site.model_dump_json(), skin_type)


def protocol_nerve_fluence(name: str, site: Site, skin_type: int) -> EvidenceRow:
    """One protocol (any region) evaluated at `site`: the nerve dose `--like` aims at."""
    row = _row(load_protocol(name), site, skin_type)
    if row is None:
        raise BadInputError(
            "like_protocol", name, "not modelled (its source gives too few parameters); "
            "choose one with a model device (photodose protocols)"
        )
    return row


@lru_cache(maxsize=64)
def _evidence(site_json: str, skin_type: int) -> tuple[EvidenceRow, ...]:
    site = Site.model_validate_json(site_json)
    rows = [_row(p, site, skin_type) for p in protocols_for_region(site.region)]
    found = [row for row in rows if row is not None]
    return tuple(sorted(found, key=lambda row: row.nerve_fluence_J_per_cm2))


def _row(protocol: PublishedProtocol, site: Site, skin_type: int) -> EvidenceRow | None:
    setting = model_setting(protocol)
    if setting is None:
        return None
    device = setting.device
    beam = transport_beam(device)
    light = light_field(site, device, skin_type)
    dose = dose_at_nerve(light, setting.power_W, setting.time_s, beam,
                         site.nerve.depth_mm, site.nerve.diameter_mm)  # fmt: skip
    return EvidenceRow(
        protocol=protocol.name,
        title=protocol.title,
        result=protocol.result,
        result_summary=protocol.result_summary,
        verified=protocol.verified,
        device=device.name,
        power_W=setting.power_W,
        time_s=setting.time_s,
        energy_per_point_J=dose.energy_per_point_J,
        surface_dose_J_per_cm2=dose.surface_dose_J_per_cm2,
        nerve_fluence_J_per_cm2=dose.target_fluence_J_per_cm2,
        rule=setting.rule,
    )
