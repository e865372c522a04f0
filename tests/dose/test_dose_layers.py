"""Absorbed energy per layer."""

from __future__ import annotations

import pytest
from dose_fields import synthetic_result

from photodose.dose.layers import absorbed_energy_by_layer_J


def test_absorbed_energy_is_fraction_times_power_times_time() -> None:
    result = synthetic_result(lambda r, z: 0 * r * z, 0.5, 0.5, 5, 5, absorbed_by_layer=(0.4, 0.1))
    energy = absorbed_energy_by_layer_J(result, 2.0, 30.0)
    assert energy["absorbed_energy_J"].values == pytest.approx([24.0, 6.0])
    assert energy["absorbed_energy_se_J"].values == pytest.approx([0.024, 0.006])
    assert list(energy["layer_name"].values) == ["layer1", "layer2"]


def test_missing_variable_and_bad_power_are_named() -> None:
    result = synthetic_result(lambda r, z: 0 * r * z, 0.5, 0.5, 5, 5)
    with pytest.raises(ValueError, match="absorbed_fraction_by_layer"):
        absorbed_energy_by_layer_J(result.drop_vars("absorbed_fraction_by_layer"), 1.0, 1.0)
    with pytest.raises(ValueError, match="power_W"):
        absorbed_energy_by_layer_J(result, -1.0, 1.0)
