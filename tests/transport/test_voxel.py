"""The voxel Monte Carlo engine against independent references: the layered engine on a
slab, diffusion theory in a homogeneous cube, energy conservation, mirror symmetry,
superposition of LED emitters, reproducibility for any thread count."""

from __future__ import annotations

import math

import numpy as np
import pytest

from photodose.specs import Grid, Layer, OpticalProperties, Simulation, TissueStack
from photodose.specs.volume import Box, Cylinder, Medium, Slab, Sphere, Volume
from photodose.specs.voxel_simulation import Emitter, TimeGates, VoxelSimulation, VoxelSource
from photodose.transport import simulate
from photodose.transport.voxel import simulate_voxel
from photodose.transport.voxel_raster import rasterise

TISSUE = OpticalProperties(mua_per_mm=0.1, mus_per_mm=10.0, g=0.9, n=1.4)


def _within(a, b, se_a, se_b, k: float = 4.0) -> np.ndarray:
    return np.abs(a - b) <= k * np.sqrt(se_a**2 + se_b**2) + 1e-12


def _agree(a, b, se_a, se_b, where) -> None:
    """Two independent estimates of one field agree: their z-scores over the voxels in
    `where` have an RMS near 1 (< 1.35) and none beyond 6 (batch errors from 10-20
    batches follow Student's t, with heavier tails than a normal)."""
    z = (a - b)[where] / np.sqrt(se_a**2 + se_b**2)[where]
    assert np.sqrt(np.mean(z**2)) < 1.35, np.sqrt(np.mean(z**2))
    assert np.max(np.abs(z)) < 6.0, np.max(np.abs(z))


def test_slab_volume_reproduces_layered_engine() -> None:
    """Two layers with an index step between them, extruded to a 24 x 24 mm block: depth
    profile of absorbed power and the diffuse reflectance and transmittance agree with the
    layered engine (an independent code path: MCML-style implicit capture with a collision
    estimator) within 4 combined standard errors."""
    upper = OpticalProperties(mua_per_mm=0.2, mus_per_mm=10.0, g=0.8, n=1.4)
    stack = TissueStack(
        layers=(
            Layer(name="upper", thickness_mm=0.5, tissue=upper),
            Layer(name="lower", thickness_mm=1.5, tissue=TISSUE.model_copy(update={"n": 1.33})),
        )
    )
    h = 0.25
    photons = 6000
    layered = simulate(
        Simulation(stack=stack, photons=photons, seed=3, batches=20,
                   grid=Grid(dz_mm=h, nz=8, dr_mm=1.0, nr=20)),  # fmt: skip
        workers=2,
    )
    volume = Volume.from_stack(stack, voxel_mm=h, width_mm=24.0)
    voxel = simulate_voxel(
        VoxelSimulation(volume=volume, source=VoxelSource(position_mm=(12.0, 12.0, 0.0)),
                        photons=photons, seed=4, batches=20),  # fmt: skip
        workers=2,
    )
    mua = np.array([0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    a_voxel = voxel.fluence_rate_z_per_mm.values * mua
    a_voxel_se = voxel.fluence_rate_z_per_mm_se.values * mua
    a_layered = layered.absorbed_z_per_mm.values
    a_layered_se = layered.absorbed_z_per_mm_se.values
    assert np.all(_within(a_voxel, a_layered, a_voxel_se, a_layered_se)), (a_voxel, a_layered)
    for v_name, l_name in (("diffuse_reflectance", "diffuse_reflectance"),
                           ("transmittance", "transmittance")):  # fmt: skip
        assert _within(float(voxel[v_name]), float(layered[l_name]),
                       float(voxel[v_name + "_se"]), float(layered[l_name + "_se"]))  # fmt: skip
    # the block is wide enough that the sides take almost nothing
    assert float(voxel.exit_by_face[:4].sum()) < 0.002
    assert float(voxel.specular_reflectance) == pytest.approx(((1.4 - 1.0) / 2.4) ** 2)


@pytest.mark.parametrize("reflect", [False, True])
def test_energy_is_conserved_face_by_face(reflect: bool) -> None:
    """Without roulette every packet's weight ends in exactly one fate: absorbed, out of
    one of the six faces, into an internal void, reflected at entry, or cut at the last
    time gate; the fates add to the launched power to rounding."""
    media = (Medium(name="tissue", optics=TISSUE),
             Medium(name="glass", optics=OpticalProperties(mua_per_mm=0.0, mus_per_mm=0.0,
                                                            g=0.0, n=1.5)))  # fmt: skip
    volume = Volume(
        media=media, voxel_mm=0.5, dims=(12, 10, 8),
        shapes=(Sphere(label=0, center_mm=(3.0, 2.5, 2.0), radius_mm=0.8),
                Box(label=2, min_mm=(0.0, 0.0, 3.0), max_mm=(6.0, 5.0, 4.0))),
    )  # fmt: skip
    simulation = VoxelSimulation(
        volume=volume, source=VoxelSource(kind="disk", position_mm=(2.0, 2.5, 0.0),
                                          radius_mm=1.5, direction=(0.3, 0.0, 1.0)),
        photons=3000, batches=6, reflect=reflect, roulette=None,
        time_gates=TimeGates(end_s=2e-9, width_s=1e-9),
    )  # fmt: skip
    ds = simulate_voxel(simulation, workers=2)
    fates = float(ds.exit_by_face.sum()) + sum(
        float(ds[name]) for name in ("escaped_into_void", "specular_reflectance",
                                     "absorbed_fraction", "time_cut_fraction", "missed_fraction")
    )  # fmt: skip
    assert fates == pytest.approx(1.0, abs=1e-12)
    assert np.all(ds.exit_by_face.values > 0.0)
    assert float(ds.escaped_into_void) > 0.0
    # absorption per medium adds to the total, and the absorbed map integrates to it
    assert float(ds.absorbed_fraction_by_medium.sum()) == pytest.approx(
        float(ds.absorbed_fraction), rel=1e-9)  # fmt: skip
    assert float(ds.absorbed_per_mm3.sum()) * 0.5**3 == pytest.approx(
        float(ds.absorbed_fraction), rel=1e-9)  # fmt: skip
    # gated fluence rate x gate width, summed over gates, is the CW fluence rate
    cw = (ds.fluence_rate_t_per_mm2_s * 1e-9).sum("time_s")
    np.testing.assert_allclose(cw.values, ds.fluence_rate_per_mm2.values, rtol=1e-9)


def test_energy_with_roulette_is_conserved_on_average() -> None:
    """Roulette keeps weight only on average: the fates add to 1 within 4 standard errors."""
    volume = Volume(media=(Medium(name="t", optics=TISSUE),), voxel_mm=0.5, dims=(10, 10, 10))
    ds = simulate_voxel(
        VoxelSimulation(volume=volume, source=VoxelSource(position_mm=(2.5, 2.5, 0.0)),
                        photons=2000, batches=10),  # fmt: skip
        workers=2,
    )
    total = float(ds.exit_by_face.sum() + ds.absorbed_fraction + ds.specular_reflectance)
    # the error of the sum is at most the sum of the errors
    bound = float(ds.exit_by_face_se.sum() + ds.absorbed_fraction_se)
    assert abs(total - 1.0) <= 4.0 * bound


def test_mirror_symmetric_volume_gives_mirror_symmetric_result() -> None:
    """A volume and source symmetric under x -> L - x (a vessel along y through the
    middle, the pencil on the mirror plane through voxel centres): fluence and the two x
    faces' exits agree with their mirror images within statistical error."""
    blood = OpticalProperties(mua_per_mm=2.0, mus_per_mm=20.0, g=0.95, n=1.4)
    volume = Volume(
        media=(Medium(name="tissue", optics=TISSUE), Medium(name="vessel", optics=blood)),
        voxel_mm=0.5, dims=(11, 8, 8),
        shapes=(Cylinder(label=2, start_mm=(2.75, 0.0, 1.5), end_mm=(2.75, 4.0, 1.5),
                         radius_mm=0.6),),
    )  # fmt: skip
    ds = simulate_voxel(
        VoxelSimulation(volume=volume, source=VoxelSource(position_mm=(2.75, 2.25, 0.0)),
                        photons=4000, batches=10),  # fmt: skip
        workers=2,
    )
    assert np.array_equal(rasterise(volume), rasterise(volume)[::-1])
    f = ds.fluence_rate_per_mm2.values
    se = ds.fluence_rate_per_mm2_se.values
    # (a voxel and its mirror image share no photons except on the mirror plane)
    off_plane = np.ones(f.shape, dtype=bool)
    off_plane[5] = False
    _agree(f, f[::-1], se, se[::-1], (f > 0.05 * f.max()) & off_plane)
    faces = ds.exit_by_face.values
    faces_se = ds.exit_by_face_se.values
    assert _within(faces[0], faces[1], faces_se[0], faces_se[1])
    # and not trivially: the vessel shadows the volume under it
    assert f[5, 4, 6] < f[5, 4, 1]


def test_led_array_is_the_sum_of_its_emitters() -> None:
    """Per watt of total power, an array of 1 W and 2 W Lambertian emitters equals
    (1 x emitter one + 2 x emitter two) / 3 within 4 combined standard errors."""
    volume = Volume(media=(Medium(name="t", optics=TISSUE),), voxel_mm=0.5, dims=(12, 6, 6))
    one = Emitter(position_mm=(1.5, 1.5, 0.0), power_W=1.0)
    two = Emitter(position_mm=(4.5, 1.5, 0.0), power_W=2.0, direction=(0.2, 0.0, 1.0))

    def run(emitters: tuple[Emitter, ...], seed: int):
        return simulate_voxel(
            VoxelSimulation(volume=volume, source=VoxelSource(kind="led_array", emitters=emitters),
                            photons=3000, batches=10, seed=seed),  # fmt: skip
            workers=2,
        )

    both, first, second = run((one, two), 1), run((one,), 2), run((two,), 3)
    assert both.attrs["source_power_W"] == 3.0
    for name in ("fluence_rate_per_mm2", "rd_xy_per_mm2"):
        summed = (first[name].values + 2.0 * second[name].values) / 3.0
        summed_se = np.hypot(first[f"{name}_se"].values, 2.0 * second[f"{name}_se"].values) / 3.0
        value = both[name].values
        _agree(value, summed, both[f"{name}_se"].values, summed_se, value > 0.02 * value.max())
    # Lambertian emission refracted into tissue: specular loss is the hemispherical
    # average of Fresnel reflectance weighted by cos, well above normal incidence's 2.8 %
    assert float(both.specular_reflectance) > 0.05


def test_homogeneous_cube_follows_diffusion_far_from_faces() -> None:
    """An isotropic point source in the middle of a 41 mm cube (mua 0.05, mus' 1 per mm):
    fluence at 4-9 mm from the source follows the infinite-medium diffusion solution
    phi = exp(-mu_eff r) / (4 pi D r), D = 1 / (3 (mua + mus')), mu_eff = sqrt(mua / D)
    (Farrell, Patterson & Wilson 1992, Med Phys 19:879, eq. 1 and 4): the fitted decay
    constant within 5 % of mu_eff and the fluence within 8 %."""
    mua, musp = 0.05, 1.0
    optics = OpticalProperties(mua_per_mm=mua, mus_per_mm=musp / 0.1, g=0.9, n=1.0)
    volume = Volume(media=(Medium(name="t", optics=optics),), voxel_mm=1.0, dims=(41, 41, 41))
    ds = simulate_voxel(
        VoxelSimulation(volume=volume, source=VoxelSource(kind="isotropic",
                                                          position_mm=(20.5, 20.5, 20.5)),
                        photons=4000, batches=8, reflect=False),  # fmt: skip
        workers=2,
    )
    d = 1.0 / (3.0 * (mua + musp))
    mu_eff = math.sqrt(mua / d)
    c = (np.arange(41) + 0.5) - 20.5
    r = np.sqrt(c[:, None, None] ** 2 + c[None, :, None] ** 2 + c[None, None, :] ** 2)
    f = ds.fluence_rate_per_mm2.values
    shells = np.arange(4, 10)
    phi = np.array([f[(r >= s - 0.5) & (r < s + 0.5)].mean() for s in shells])
    r_mean = np.array([r[(r >= s - 0.5) & (r < s + 0.5)].mean() for s in shells])
    slope = np.polyfit(r_mean, np.log(phi * r_mean), 1)[0]
    assert -slope == pytest.approx(mu_eff, rel=0.05)
    expected = np.exp(-mu_eff * r_mean) / (4.0 * math.pi * d * r_mean)
    np.testing.assert_allclose(phi, expected, rtol=0.08)


@pytest.mark.parametrize("dims", [(8, 8, 8), (66, 64, 64)])
def test_same_seed_same_numbers_for_any_thread_count(dims: tuple[int, int, int]) -> None:
    """On a small grid and on one large enough for the kernel's queue of additions."""
    volume = Volume(media=(Medium(name="t", optics=TISSUE),), voxel_mm=0.5, dims=dims,
                    shapes=(Slab(label=1, start_mm=0.0, end_mm=4.0),))  # fmt: skip
    simulation = VoxelSimulation(volume=volume, source=VoxelSource(kind="gaussian",
                                 position_mm=(2.0, 2.0, 0.0), radius_mm=1.0),
                                 photons=600, batches=7)  # fmt: skip
    one = simulate_voxel(simulation, workers=1)
    two = simulate_voxel(simulation, workers=2)
    for name in ("fluence_rate_per_mm2", "fluence_rate_per_mm2_se", "exit_by_face",
                 "rd_xy_per_mm2"):  # fmt: skip
        assert np.array_equal(one[name].values, two[name].values)
    other = simulate_voxel(simulation.model_copy(update={"seed": 2}), workers=2)
    assert not np.array_equal(one.fluence_rate_per_mm2.values, other.fluence_rate_per_mm2.values)


@pytest.mark.parametrize(("ux", "expected_crossings"), [(0.0, 8), (0.5, 12)])
def test_a_straight_line_crosses_the_faces_geometry_says(
    ux: float, expected_crossings: int
) -> None:
    """Without scattering a pencil beam is a straight line: from a voxel centre at
    x = 1.25 mm (0.5 mm voxels, 8 deep) along (ux, 0, 1) it crosses the 8 faces below it
    in z (the exit face included) and, for ux = 0.5, the x faces at 1.5, 2, 2.5 and 3 mm;
    it leaves by the z = max face with the Beer-Lambert weight exp(-mua L), L = 4 mm /
    cos(theta) (index matched, so no Fresnel reflection)."""
    clear = OpticalProperties(mua_per_mm=0.1, mus_per_mm=0.0, g=0.0, n=1.0)
    volume = Volume(media=(Medium(name="clear", optics=clear),), voxel_mm=0.5, dims=(10, 4, 8))
    photons = 40
    simulation = VoxelSimulation(
        volume=volume, photons=photons, batches=4,
        source=VoxelSource(kind="pencil", position_mm=(1.25, 1.0, 0.0), direction=(ux, 0.0, 1.0)),
    )  # fmt: skip
    ds = simulate_voxel(simulation, workers=2)
    assert ds.attrs["voxel_crossings"] == photons * expected_crossings
    assert ds.attrs["scatterings"] == 0
    path_mm = 4.0 * math.sqrt(1.0 + ux * ux)
    assert float(ds.transmittance) == pytest.approx(math.exp(-0.1 * path_mm), rel=1e-12)
    assert float(ds.absorbed_fraction) == pytest.approx(-math.expm1(-0.1 * path_mm), rel=1e-12)


def test_workers_below_one_are_refused_as_for_the_layered_engine() -> None:
    """The voxel engine shares the layered engine's batch runner and its worker check."""
    from photodose.errors import BadInputError

    volume = Volume(media=(Medium(name="t", optics=TISSUE),), voxel_mm=0.5, dims=(4, 4, 4),
                    shapes=(Slab(label=1, start_mm=0.0, end_mm=2.0),))  # fmt: skip
    simulation = VoxelSimulation(volume=volume, source=VoxelSource(kind="pencil",
                                 position_mm=(1.0, 1.0, 0.0)), photons=50, batches=2)  # fmt: skip
    with pytest.raises(BadInputError, match="workers"):
        simulate_voxel(simulation, workers=0)
