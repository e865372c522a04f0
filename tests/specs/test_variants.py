"""Variants of a spec stay valid: `updated(...)` and `model_copy(update=...)` both
re-validate, so a layer of -3 mm is refused whichever way a user tries it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import photodose as pd
from photodose.errors import BadInputError
from photodose.specs import describe_error


def simulation() -> pd.Simulation:
    tissue = pd.OpticalProperties(mua_per_mm=0.04, mus_per_mm=20.0, g=0.9, n=1.4)
    stack = pd.TissueStack(
        layers=[
            pd.Layer(name="skin", thickness_mm=1.5, tissue=tissue),
            pd.Layer(name="fat", thickness_mm=4.0, tissue=tissue),
        ]
    )
    return pd.Simulation(stack=stack, photons=1000, seed=3)


def test_nested_path_changes_one_value_and_keeps_the_rest() -> None:
    base = simulation()
    changed = base.updated(**{"stack.layers.1.thickness_mm": 2.0, "seed": 9})
    assert changed.stack.layers[1].thickness_mm == 2.0 and changed.seed == 9
    assert changed.stack.layers[0] == base.stack.layers[0]
    assert base.stack.layers[1].thickness_mm == 4.0  # the original is untouched
    assert base.updated({"stack.layers.0.tissue.g": 0.8}).stack.layers[0].tissue.g == 0.8


@pytest.mark.parametrize(
    "make",
    [
        lambda s: s.updated(**{"stack.layers.0.thickness_mm": -3.0}),
        lambda s: s.updated({"stack.layers.0.thickness_mm": -3.0}),
        lambda s: s.stack.layers[0].model_copy(update={"thickness_mm": -3.0}),
        lambda s: s.model_copy(
            update={
                "stack": s.stack.model_copy(
                    update={"layers": [s.stack.layers[0].model_dump() | {"thickness_mm": -3.0}]}
                )
            }  # fmt: skip
        ),
    ],
    ids=["updated-keywords", "updated-mapping", "model_copy-layer", "model_copy-nested"],
)
def test_a_negative_layer_is_refused_by_every_route(make) -> None:
    with pytest.raises(ValidationError) as caught:
        make(simulation())
    message = describe_error(caught.value)
    assert "thickness_mm = -3.0" in message and "greater than 0" in message


def test_unknown_paths_name_what_exists() -> None:
    with pytest.raises(BadInputError, match="stack.layers.5.thickness_mm = 1.0: no item '5'"):
        simulation().updated(**{"stack.layers.5.thickness_mm": 1.0})
    with pytest.raises(BadInputError, match="no field 'thicknes_mm'"):
        simulation().updated(**{"stack.layers.0.thicknes_mm": 1.0})


def test_a_variant_equals_the_spec_built_directly() -> None:
    base = simulation()
    rebuilt = pd.Simulation.model_validate(base.model_dump() | {"photons": 2000})
    assert base.updated(photons=2000) == rebuilt
    assert base.model_copy() == base and base.updated() is base
