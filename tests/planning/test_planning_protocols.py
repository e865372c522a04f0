"""The published protocol library: arithmetic, verification flags, evidence at a site."""

from __future__ import annotations

import math

import pytest

import photodose as pd
from photodose.errors import BadInputError
from photodose.planning.evidence import protocol_nerve_fluence, published_evidence
from photodose.planning.protocols import (
    PublishedProtocol,
    list_protocols,
    load_protocol,
    model_setting,
)

REQUIRED = (
    "walt-carpal-tunnel-780-860nm", "walt-carpal-tunnel-904nm", "clifft-2005", "lavery-2008",
    "zinman-2004", "harkless-2006", "leonard-2004", "chang-2008", "yamany-2012",
    "bashiri-2013", "iran-980nm",
)  # fmt: skip


def test_the_library_holds_every_protocol_the_issue_names() -> None:
    names = {p.name for p in list_protocols()}
    assert set(REQUIRED) <= names
    for p in list_protocols():
        assert p.citation and p.verification and p.result
        if not p.verified:
            assert "NOT VERIFIED" in p.verification  # the user is told what was not read


@pytest.mark.parametrize("name", REQUIRED)
def test_model_setting_reproduces_the_stated_dose_and_energy(name: str) -> None:
    """Surface dose and energy per point of the modelled protocol, from power, area and
    time (transport not involved), equal what the paper states, within its rounding."""
    p = load_protocol(name)
    setting = model_setting(p)
    if setting is None:
        assert not p.modelled
        return
    site = pd.load_site("wrist-median" if "wrist" in p.regions else "plantar-forefoot")
    row = protocol_nerve_fluence(name, site, 2)
    assert row.energy_per_point_J == pytest.approx(setting.power_W * setting.time_s, rel=1e-9)
    tolerance = 0.05  # the sources round to two significant figures
    if p.surface_dose_J_per_cm2 is not None:
        assert row.surface_dose_J_per_cm2 == pytest.approx(p.surface_dose_J_per_cm2, rel=tolerance)
    if p.energy_per_point_J is not None:
        assert row.energy_per_point_J == pytest.approx(p.energy_per_point_J, rel=tolerance)
    if p.time_s is not None:
        assert setting.time_s == pytest.approx(p.time_s)
    if p.power_W is not None:
        assert setting.power_W == pytest.approx(p.power_W)


def test_stated_numbers_must_agree_with_each_other() -> None:
    """A protocol whose power, area, time and dose disagree beyond rounding is refused."""
    base = load_protocol("iran-980nm").model_dump()
    base |= {"area_cm2": 1.0, "time_s": 50.0, "surface_dose_J_per_cm2": 10.0}
    assert PublishedProtocol.model_validate(base).derivations()["surface_dose_J_per_cm2"] == (
        pytest.approx(10.0)
    )
    with pytest.raises(ValueError, match="surface_dose_J_per_cm2 = 12.0"):
        PublishedProtocol.model_validate(base | {"surface_dose_J_per_cm2": 12.0})
    with pytest.raises(ValueError, match="stated"):
        PublishedProtocol.model_validate(base | {"stated": ["area_cm2", "peak_power_W"]})


def test_chang_area_follows_from_the_stated_numbers() -> None:
    p = load_protocol("chang-2008")
    derived = p.derivations()
    # 30 mW average (60 mW peak x 50 %) for 600 s is 18 J; 9.7 J/cm^2 over 600 s
    assert derived["energy_per_point_J"] == pytest.approx(18.0)
    assert derived["irradiance_mW_per_cm2"] == pytest.approx(9.7 / 600 * 1000)
    area = derived["energy_per_point_J"] / p.surface_dose_J_per_cm2
    assert area == pytest.approx(1.86, abs=0.01)
    device = pd.load_device("830nm-pulsed-laser-probe")
    assert math.pi * device.probe.beam.radius_mm**2 / 100 == pytest.approx(area, rel=0.01)


def test_evidence_at_a_site_lists_the_protocols_of_its_region_by_nerve_dose() -> None:
    wrist = published_evidence(pd.load_site("wrist-median"), 2)
    assert {row.protocol for row in wrist} == {
        "walt-carpal-tunnel-780-860nm", "walt-carpal-tunnel-904nm", "chang-2008"}  # fmt: skip
    doses = [row.nerve_fluence_J_per_cm2 for row in wrist]
    assert doses == sorted(doses) and all(d > 0 for d in doses)
    chang = next(row for row in wrist if row.protocol == "chang-2008")
    assert chang.result == "positive" and chang.surface_dose_J_per_cm2 == pytest.approx(9.7, 0.01)
    foot = {row.protocol for row in published_evidence(pd.load_site("plantar-forefoot"), 2)}
    assert {"clifft-2005", "lavery-2008", "yamany-2012"} <= foot
    assert "chang-2008" not in foot and "zinman-2004" not in foot  # zinman: not modelled


def test_every_plan_carries_the_evidence_and_like_aims_at_a_protocol() -> None:
    planned = pd.plan("wrist-median", "808nm-laser-probe")
    assert {row.protocol for row in planned.evidence} >= {"chang-2008"}
    like = pd.plan("wrist-median", "808nm-laser-probe", like_protocol="chang-2008")
    chang = next(row for row in like.evidence if row.protocol == "chang-2008")
    assert like.aim_J_per_cm2 == pytest.approx(chang.nerve_fluence_J_per_cm2)
    assert like.nerve_fluence_J_per_cm2 == pytest.approx(chang.nerve_fluence_J_per_cm2, rel=1e-6)
    assert "chang-2008" in like.aim_source
    # aiming at the LED-pad trial's nerve dose with the pad gives the trial's own time
    pad = pd.plan("plantar-forefoot", "890nm-led-pad", like_protocol="clifft-2005",
                  max_time_per_spot_s=3600.0)  # fmt: skip
    assert pad.time_per_spot_s == pytest.approx(1800.0, rel=1e-6)


def test_unknown_or_unmodelled_protocols_are_clear_errors() -> None:
    with pytest.raises(BadInputError, match="protocol = no-such: not in the library"):
        load_protocol("no-such")
    with pytest.raises(ValueError, match="not modelled"):
        pd.plan("wrist-median", "808nm-laser-probe", like_protocol="zinman-2004")
    with pytest.raises(ValueError, match="give one aim"):
        pd.plan("wrist-median", "808nm-laser-probe", like_protocol="chang-2008",
                aim_J_per_cm2=3.0)  # fmt: skip
