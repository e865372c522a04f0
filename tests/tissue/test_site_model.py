"""A site's 3-D model (photodose.tissue.site_model) validates: bad values are named with
the field, the value and the allowed range, and vessels must fit beside the nerve."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

import photodose as pd
from photodose.errors import BadInputError
from photodose.specs import describe_error
from photodose.tissue.site import Site
from photodose.tissue.site_model import SiteModel, Vessel
from photodose.tissue.site_volume import model_volume

ANKLE = pd.load_site("medial-ankle-tibial")


def _with_model(**changes: Any) -> dict[str, Any]:
    data = ANKLE.model_dump()
    data["model"] = {**data["model"], **changes}
    return data


@pytest.mark.parametrize(
    ("changes", "field", "shown"),
    [
        ({"voxel_mm": 0.0}, "voxel_mm", "greater than 0"),
        ({"voxel_mm": 3.0}, "voxel_mm", "less than or equal to 2"),
        ({"photons": 10}, "photons", "greater than or equal to 1000"),
        ({"width_mm": -1.0}, "width_mm", "greater than 0"),
    ],
)
def test_a_bad_model_value_is_named(changes: dict[str, Any], field: str, shown: str) -> None:
    with pytest.raises(ValidationError) as error:
        Site.model_validate(_with_model(**changes))
    message = describe_error(error.value)
    value = next(iter(changes.values()))
    assert field in message and str(value) in message and shown in message, message


def test_a_bad_vessel_value_is_named() -> None:
    vessel = {**ANKLE.model_dump()["model"]["vessels"][0], "oxygen_saturation": 1.5}
    with pytest.raises(ValidationError) as error:
        Site.model_validate(_with_model(vessels=[vessel]))
    message = describe_error(error.value)
    assert "oxygen_saturation" in message and "1.5" in message and "1" in message


@pytest.mark.parametrize(
    ("offset_mm", "depth_mm", "allowed"),
    [
        (0.5, 0.0, "clear of the nerve"),  # painted over the nerve
        (0.0, -11.0, "under the skin"),  # above the skin
        (15.5, 0.0, "inside the block"),  # beyond the block's side (half width 16 mm)
    ],
)
def test_a_vessel_must_fit_beside_the_nerve(offset_mm: float, depth_mm: float,
                                             allowed: str) -> None:  # fmt: skip
    vessel = Vessel(name="v", offset_mm=offset_mm, depth_mm=depth_mm, diameter_mm=2.0,
                    oxygen_saturation=0.75, source="test")  # fmt: skip
    site = Site.model_validate(_with_model(vessels=[vessel.model_dump()]))
    with pytest.raises(BadInputError) as error:
        model_volume(site, 808.0)
    message = str(error.value)
    assert "model.vessels['v']" in message and str(offset_mm) in message, message
    assert allowed in message, message


def test_a_shallow_measured_nerve_still_plans_in_layers() -> None:
    """Vessels sit relative to the nerve: a nerve measured at 3 mm would put the artery
    above the skin. The layered plan must not care; the 3-D one says why it cannot run."""
    layers = pd.plan(ANKLE, "808nm-laser-probe", nerve_depth_measured_mm=3.0,
                     uncertainty_samples=0)  # fmt: skip
    assert layers.geometry == "layers"
    with pytest.raises(BadInputError, match="posterior tibial artery.*under the skin"):
        pd.plan(ANKLE, "808nm-laser-probe", nerve_depth_measured_mm=3.0,
                uncertainty_samples=0, geometry="3d")  # fmt: skip


def test_nerves_must_lie_inside_the_block() -> None:
    with pytest.raises(ValidationError) as error:
        Site.model_validate(_with_model(nerve_offsets_mm=[15.0]))
    message = describe_error(error.value)
    assert "model.nerve_offsets_mm" in message and "15" in message and "half width 16" in message


def test_a_model_for_a_site_without_one_is_refused() -> None:
    with pytest.raises(BadInputError, match="site.model.*has none"):
        model_volume(pd.load_site("wrist-median"), 808.0)


@pytest.mark.parametrize("name", ["medial-ankle-tibial", "plantar-forefoot"])
def test_shipped_models_cite_or_flag_every_vessel_value(name: str) -> None:
    model = pd.load_site(name).model
    assert isinstance(model, SiteModel) and model.sources
    for vessel in model.vessels:
        # a position from anatomy, a size or spacing that nobody measured: said so
        assert "ASSUMPTION" in vessel.source and ("et al." in vessel.source)
    assert any("ASSUMPTION" in text for text in model.sources)
