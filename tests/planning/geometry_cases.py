"""A small site with a 3-D model, cheap enough for tests: 0.5 mm voxels (no layer thinner
than that), the nerve inside a layer of nerve tissue (so the nerve cylinder is optically
its surroundings and the layered engine sees the same medium), a 40 mm block down to the
site's bottom (little light leaves by the sides: about 4 %)."""

from __future__ import annotations

from typing import Any

import photodose as pd
from photodose.tissue.site import Site, SiteLayer
from photodose.tissue.site_model import SiteModel, Vessel

ARTERY = Vessel(name="test artery", offset_mm=0.0, depth_mm=-3.0, diameter_mm=2.5,
                oxygen_saturation=0.97, source="test geometry")  # fmt: skip


def model_site(**model: Any) -> Site:
    base = pd.load_site("medial-ankle-tibial")
    layers = (
        SiteLayer(name="dermis", tissue="dermis", thickness_mm=1.5,
                  thickness_range_mm=(1.0, 2.0), source="test geometry"),
        SiteLayer(name="fat", tissue="subcutaneous_fat", thickness_mm=4.0,
                  thickness_range_mm=(1.0, 7.0), source="test geometry"),
        SiteLayer(name="nerve bed", tissue="nerve", thickness_mm=12.5,
                  thickness_range_mm=(5.0, 20.0), source="test geometry"),
    )  # fmt: skip
    nerve = base.nerve.model_copy(update={"depth_mm": 8.0, "diameter_mm": 3.0,
                                          "depth_range_mm": (6.0, 10.0)})  # fmt: skip
    settings: dict[str, Any] = {"voxel_mm": 0.5, "width_mm": 40.0, "length_mm": 40.0,
                                "below_nerve_mm": 20.0, "photons": 30_000, "seed": 3}  # fmt: skip
    settings.update(model)
    data = base.model_dump()
    data.update(name="test-nerve-bed", layers=[layer.model_dump() for layer in layers],
                nerve=nerve.model_dump(), model=SiteModel(**settings).model_dump())  # fmt: skip
    return Site.model_validate(data)
