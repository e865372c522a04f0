"""Every run ends, every entry point validates: the step cap, seeds, workers, variants."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError

from photodose.errors import BadInputError, ResourceLimitError
from photodose.specs import Grid, Layer, OpticalProperties, Simulation, TissueStack
from photodose.transport import layered, run_batch, simulate


def _thick_clear(photons: int = 300) -> Simulation:
    """MCML's semi-infinite convention (a 1e8 cm layer) with mua = 0: weight never falls,
    roulette never plays, a packet's random walk has no finite mean duration."""
    tissue = OpticalProperties(mua_per_mm=0.0, mus_per_mm=10.0, g=0.9, n=1.0)
    stack = TissueStack(layers=(Layer(name="no absorption", thickness_mm=1e9, tissue=tissue),))
    return Simulation(stack=stack, photons=photons, seed=5, grid=Grid(nr=5, nz=5))


def _slab(photons: int = 200, seed: int = 1) -> Simulation:
    tissue = OpticalProperties(mua_per_mm=1.0, mus_per_mm=9.0, g=0.75, n=1.0)
    stack = TissueStack(layers=(Layer(name="slab", thickness_mm=0.2, tissue=tissue),))
    return Simulation(stack=stack, photons=photons, seed=seed, grid=Grid(nr=5, nz=5))


def test_packets_at_the_step_cap_are_stopped_counted_and_their_weight_kept(monkeypatch):
    # A low cap makes many packets reach it in a small run; the default (1e6) does the
    # same to the few that would otherwise run for minutes.
    monkeypatch.setattr(layered, "MAX_STEPS_PER_PHOTON", 2_000)
    result = simulate(_thick_clear(), workers=1)
    capped = result.attrs["capped_photons"]
    assert 0 < capped < 300
    assert result.attrs["max_steps_per_photon"] == 2_000
    assert "stopped after 2,000 steps" in result.attrs["capped"]
    # Energy: what was stopped is reported, not lost; nothing is absorbed.
    total = (
        float(result.specular_reflectance)
        + float(result.diffuse_reflectance)
        + float(result.absorbed_fraction)
        + float(result.transmittance)
        + result.attrs["capped_weight"]
    )
    assert total == pytest.approx(1.0, abs=1e-12)
    assert result.attrs["capped_weight"] == pytest.approx(capped / 300, rel=1e-12)
    assert "2,000 steps" in layered.capped_note(result)


def test_an_absorbing_run_reaches_no_cap():
    result = simulate(_slab(), workers=1)
    assert result.attrs["capped_photons"] == 0
    assert result.attrs["capped_weight"] == 0.0
    assert "capped" not in result.attrs
    assert layered.capped_note(result) == ""


@pytest.mark.parametrize("seed", [0, 2**63 - 1, 2**63, 2**64 - 1])
def test_every_64_bit_seed_runs_and_reproduces(seed):
    first = simulate(_slab(50, seed), workers=1)
    again = simulate(_slab(50, seed), workers=1)
    assert float(first.diffuse_reflectance) == float(again.diffuse_reflectance)
    assert first.attrs["seed"] == seed


def test_seeds_above_2_63_give_their_own_streams():
    values = {float(simulate(_slab(50, s), workers=1).diffuse_reflectance)
              for s in (1, 2**63 + 1, 2**64 - 1)}
    assert len(values) == 3


@pytest.mark.parametrize("seed", [-1, 2**64, 2**70])
def test_seeds_outside_64_bits_are_refused(seed):
    with pytest.raises(ValidationError, match="seed"):
        _slab(seed=seed)


def _unchecked(spec, **changes):
    """A copy that skips validation (pydantic's model_construct): what a caller can still
    hand the engine now that model_copy(update=...) validates."""
    return type(spec).model_construct(**(dict(spec) | changes))


@pytest.mark.parametrize("photons", [0, -5])
def test_unvalidated_specs_are_refused_at_the_engine(photons):
    variant = _unchecked(_slab(), photons=photons)
    with pytest.raises(ValidationError, match="photons"):
        simulate(variant)


@pytest.mark.parametrize("seed", [-1, 2**64])
def test_unvalidated_seeds_are_refused_at_the_engine(seed):
    with pytest.raises(ValidationError, match="seed"):
        simulate(_unchecked(_slab(), seed=seed))


def test_a_negative_absorption_spec_is_refused_not_run():
    stack = _slab().stack
    bad_tissue = _unchecked(stack.layers[0].tissue, mua_per_mm=-1.0)
    bad_layer = _unchecked(stack.layers[0], tissue=bad_tissue)
    bad = _unchecked(_slab(), stack=_unchecked(stack, layers=(bad_layer,)))
    with pytest.raises(ValidationError, match="mua_per_mm"):
        simulate(bad)
    with pytest.raises(ValidationError, match="mua_per_mm"):
        run_batch(bad, 0)


@pytest.mark.parametrize("workers", [0, -3])
def test_fewer_than_one_worker_is_refused(workers):
    with pytest.raises(BadInputError, match=f"workers = {workers}"):
        simulate(_slab(), workers=workers)


def test_more_workers_than_cores_are_capped_with_the_same_numbers():
    cores = os.cpu_count() or 1
    assert layered.resolve_workers(cores + 50) == cores
    assert layered.resolve_workers(None) == cores
    many = simulate(_slab(), workers=cores + 50)
    one = simulate(_slab(), workers=1)
    assert float(many.diffuse_reflectance) == float(one.diffuse_reflectance)


@pytest.mark.parametrize("index", [-1, 64, 10**9])
def test_run_batch_refuses_a_batch_that_does_not_exist(index):
    with pytest.raises(BadInputError, match="index"):
        run_batch(_slab(photons=200), index)


def test_a_grid_larger_than_memory_is_refused_with_its_size_before_allocating(monkeypatch):
    # 10,000 x 10,000 bins: 0.8 GB per tally array, some 20 GB for a run on 2 workers.
    big = _slab().model_copy(update={"grid": Grid(nr=10_000, nz=10_000)})
    monkeypatch.setattr(layered, "available_memory_bytes", lambda: 4_000_000_000)
    with pytest.raises(ResourceLimitError, match=r"grid = nr = 10000, nz = 10000.*GB") as caught:
        simulate(big, workers=2)
    assert f"{layered.tally_memory_bytes(big, 2) / 1e9:.1f} GB" in str(caught.value)
    assert "4.0 GB are available" in str(caught.value)


def test_the_memory_estimate_counts_every_tally_array():
    simulation = _slab().model_copy(update={"grid": Grid(nr=100, nz=50, na=3)})
    per_batch = 8 * (2 * 100 * 3 + 2 * 100 * 50)
    assert layered.tally_memory_bytes(simulation, 1) == per_batch * (2 + 6)
    assert layered.tally_memory_bytes(simulation, 4) == per_batch * (8 + 6)
